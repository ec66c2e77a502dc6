namespace NodeHttp;

/// <summary>
/// Which header lines of a head or of the trailers Node keeps under a <c>maxHeadersCount</c>, for the client's
/// response parser and the server's request parser alike.
/// </summary>
/// <remarks>
/// Node's parser hands a section of 32 lines or more to JavaScript in batches of 31, and <c>parserOnHeaders</c>
/// collects a batch only while it holds fewer than <c>maxHeaderPairs</c> entries (a name and a value each count,
/// so the limit is twice the header count). The raw lines kept are therefore those up to the first multiple of 31
/// that reaches the limit; a section of up to 31 lines comes whole and is always kept. The head's
/// <c>headers</c> are then cut to the limit (<see cref="IncomingMessage.LimitHeaders"/>); the trailers keep every
/// collected line.
/// </remarks>
internal static class HeaderLineLimit
{
    /// <summary>How many lines Node's parser hands over in one batch once a section reaches 32 lines.</summary>
    internal const int BatchLines = 31;

    /// <summary>
    /// Whether the <paramref name="line"/>th line (from 0) of a section is collected under a limit of
    /// <paramref name="maxEntries"/> entries of the name/value array (0 or less: no limit).
    /// </summary>
    internal static bool KeepsLine(int line, long maxEntries) =>
        maxEntries <= 0 || (long)(line / BatchLines) * BatchLines * 2 < maxEntries;

    /// <summary>The entry limit for a header count, as Node's <c>maxHeadersCount &lt;&lt; 1</c> (0 or less: none).</summary>
    internal static long EntriesFor(int headers) => headers <= 0 ? 0 : 2L * headers;
}
