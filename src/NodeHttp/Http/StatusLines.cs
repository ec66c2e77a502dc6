using System.Text;

namespace NodeHttp;

/// <summary>
/// Pre-encoded status lines (<c>HTTP/1.1 200 OK\r\n</c>) for every code in <see cref="Http.StatusCodes"/>,
/// so the common response head starts with one copy.
/// </summary>
internal static class StatusLines
{
    // Indexed by status code (100–999, the codes a response may have): an array read, not a dictionary lookup, per head.
    private const int CodeLimit = 1000;
    private static readonly byte[]?[] Lines = BuildLines();
    private static readonly string?[] Reasons = BuildReasons();

    /// <summary>The standard reason phrase of <paramref name="statusCode"/> (the status table's instance), or null.</summary>
    public static string? ReasonOf(int statusCode) => (uint)statusCode < CodeLimit ? Reasons[statusCode] : null;

    /// <summary>Writes the status line for <paramref name="statusCode"/> and <paramref name="statusMessage"/>.</summary>
    public static void Write(HeadWriter writer, int statusCode, string statusMessage)
    {
        if ((uint)statusCode < CodeLimit && Lines[statusCode] is { } line && ReferenceEquals(statusMessage, Reasons[statusCode]))
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

    private static byte[]?[] BuildLines()
    {
        var lines = new byte[]?[CodeLimit];
        foreach (KeyValuePair<int, string> kv in HttpCommon.StatusCodes)
        {
            if ((uint)kv.Key < CodeLimit)
            {
                lines[kv.Key] = Encoding.Latin1.GetBytes($"HTTP/1.1 {kv.Key} {kv.Value}\r\n");
            }
        }
        return lines;
    }

    private static string?[] BuildReasons()
    {
        var reasons = new string?[CodeLimit];
        foreach (KeyValuePair<int, string> kv in HttpCommon.StatusCodes)
        {
            if ((uint)kv.Key < CodeLimit)
            {
                reasons[kv.Key] = kv.Value;
            }
        }
        return reasons;
    }
}
