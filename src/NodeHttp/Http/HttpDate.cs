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

    // The line for the loop thread's responses, checked against loop time instead of the wall clock.
    [ThreadStatic]
    private static LoopLine? loopLine;

    /// <summary>
    /// The line <c>Date: value\r\n</c> for a loop thread, given the loop's time (<see cref="EventLoop.Now"/>, read
    /// once per turn): formatted again once that time reaches the next wall-clock second, so most calls read no
    /// clock at all (Node's <c>utcDate()</c> keeps its string until a timer at the next second clears it). Valid until
    /// the next call on this thread; only for the thread that runs that loop, whose time does not stand still while
    /// it answers.
    /// </summary>
    public static ReadOnlySpan<byte> LineAt(long loopNow)
    {
        LoopLine? line = loopLine;
        if (line is null || loopNow >= line.RefreshAt)
        {
            line = Refresh(loopNow);
        }
        return line.Bytes;
    }

    private static LoopLine Refresh(long loopNow)
    {
        LoopLine line = loopLine ??= new LoopLine();
        DateTimeOffset now = DateTimeOffset.UtcNow;
        Format(now, line.Bytes.AsSpan(LinePrefix, Length));
        // The loop's time is read at the start of its turn, so this lands at the boundary or a little before it
        // (then the same second is formatted once more): never after it by more than the turn has run.
        line.RefreshAt = loopNow + 1000 - now.Millisecond;
        return line;
    }

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

    private sealed class LoopLine
    {
        public readonly byte[] Bytes = NewLine();

        // Loop time (ms) from which Bytes may name a past second.
        public long RefreshAt = long.MinValue;

        private static byte[] NewLine()
        {
            byte[] line = new byte[LineLength];
            "Date: "u8.CopyTo(line);
            "\r\n"u8.CopyTo(line.AsSpan(LinePrefix + Length));
            return line;
        }
    }
}
