using System.Collections.Frozen;
using System.Text;

namespace NodeHttp;

/// <summary>
/// Pre-encoded status lines (<c>HTTP/1.1 200 OK\r\n</c>) for every code in <see cref="Http.StatusCodes"/>,
/// so the common response head starts with one copy.
/// </summary>
internal static class StatusLines
{
    private static readonly FrozenDictionary<int, byte[]> Lines = HttpCommon.StatusCodes.ToFrozenDictionary(
        kv => kv.Key,
        kv => Encoding.Latin1.GetBytes($"HTTP/1.1 {kv.Key} {kv.Value}\r\n"));

    /// <summary>Writes the status line for <paramref name="statusCode"/> and <paramref name="statusMessage"/>.</summary>
    public static void Write(HeadWriter writer, int statusCode, string statusMessage)
    {
        if (Lines.TryGetValue(statusCode, out byte[]? line) && ReferenceEquals(statusMessage, HttpCommon.StatusCodes[statusCode]))
        {
            writer.Write(line);
            return;
        }
        writer.Write("HTTP/1.1 "u8);
        writer.WriteDecimal(statusCode);
        writer.Write(" "u8);
        writer.WriteLatin1(statusMessage);
        writer.WriteCrlf();
    }
}
