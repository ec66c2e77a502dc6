using System.Text;

namespace NodeHttp;

/// <summary>
/// The <c>Date</c> header value (RFC 9110 §5.6.7 IMF-fixdate), formatted at most once per second per
/// thread as Node's <c>utcDate()</c> cache does, so a response head copies one cached line.
/// </summary>
internal static class HttpDate
{
    /// <summary>Length of an IMF-fixdate: <c>Sun, 06 Nov 1994 08:49:37 GMT</c>.</summary>
    public const int Length = 29;

    // "Date: " before the value and CR LF after it: the whole header line, cached together.
    private const int LinePrefix = 6;
    private const int LineLength = LinePrefix + Length + 2;

    [ThreadStatic]
    private static byte[]? cached;

    [ThreadStatic]
    private static long cachedSecond;

    /// <summary>The current date as ASCII bytes; valid until the next call on this thread.</summary>
    public static ReadOnlySpan<byte> Current => For(DateTimeOffset.UtcNow);

    /// <summary>The line <c>Date: value\r\n</c> for now; valid until the next call on this thread.</summary>
    public static ReadOnlySpan<byte> CurrentLine => LineFor(DateTimeOffset.UtcNow);

    /// <summary>The date for <paramref name="now"/> as ASCII bytes (reusing this thread's cache for the same second).</summary>
    public static ReadOnlySpan<byte> For(DateTimeOffset now) => LineFor(now).Slice(LinePrefix, Length);

    private static ReadOnlySpan<byte> LineFor(DateTimeOffset now)
    {
        long second = now.ToUnixTimeSeconds();
        byte[]? line = cached;
        if (line is null || second != cachedSecond)
        {
            if (line is null)
            {
                line = new byte[LineLength];
                "Date: "u8.CopyTo(line);
                "\r\n"u8.CopyTo(line.AsSpan(LinePrefix + Length));
            }
            Format(now, line.AsSpan(LinePrefix, Length));
            cached = line;
            cachedSecond = second;
        }
        return line;
    }

    private static void Format(DateTimeOffset now, Span<byte> destination)
    {
        // "r" is RFC 1123 with invariant culture: exactly the IMF-fixdate shape, always 29 ASCII chars.
        Span<char> chars = stackalloc char[Length];
        now.UtcDateTime.TryFormat(chars, out int written, "r", System.Globalization.CultureInfo.InvariantCulture);
        Encoding.ASCII.GetBytes(chars[..written], destination);
    }
}
