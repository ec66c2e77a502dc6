using System.Text;

namespace NodeHttp;

/// <summary>
/// The <c>Date</c> header value (RFC 9110 §5.6.7 IMF-fixdate), formatted at most once per second per
/// thread as Node's <c>utcDate()</c> cache does, so a response head copies 29 cached bytes.
/// </summary>
internal static class HttpDate
{
    /// <summary>Length of an IMF-fixdate: <c>Sun, 06 Nov 1994 08:49:37 GMT</c>.</summary>
    public const int Length = 29;

    [ThreadStatic]
    private static byte[]? cached;

    [ThreadStatic]
    private static long cachedSecond;

    /// <summary>The current date as ASCII bytes; valid until the next call on this thread.</summary>
    public static ReadOnlySpan<byte> Current => For(DateTimeOffset.UtcNow);

    /// <summary>The date for <paramref name="now"/> as ASCII bytes (reusing this thread's cache for the same second).</summary>
    public static ReadOnlySpan<byte> For(DateTimeOffset now)
    {
        long second = now.ToUnixTimeSeconds();
        byte[]? bytes = cached;
        if (bytes is null || second != cachedSecond)
        {
            bytes ??= new byte[Length];
            Format(now, bytes);
            cached = bytes;
            cachedSecond = second;
        }
        return bytes;
    }

    private static void Format(DateTimeOffset now, Span<byte> destination)
    {
        // "r" is RFC 1123 with invariant culture: exactly the IMF-fixdate shape, always 29 ASCII chars.
        Span<char> chars = stackalloc char[Length];
        now.UtcDateTime.TryFormat(chars, out int written, "r", System.Globalization.CultureInfo.InvariantCulture);
        Encoding.ASCII.GetBytes(chars[..written], destination);
    }
}
