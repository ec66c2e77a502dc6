namespace NodeHttp;

/// <summary>
/// Turns the pieces the parser delivers for one received message into what <see cref="IncomingMessage"/> holds:
/// the request target or reason phrase, the raw header lines and the raw trailer lines, each value whole and
/// trimmed. The server's requests and the client's responses are both read through it (node_http_parser.cc's
/// field/value collection and <c>parserOnHeaders</c> of lib/_http_common.js, which Node also shares between both).
/// </summary>
/// <remarks>
/// Owned by one connection and reused message after message: the piece buffers are pooled and the line buffer
/// is kept, so a steady connection allocates only the exact-size arrays the message keeps. A value may arrive in
/// any number of pieces (cut by the end of a read, or an obs-fold line under the lenient parser); its optional
/// trailing whitespace is removed from the whole value, as Node's <c>ToTrimmedString</c> does (the parser has
/// already skipped the leading whitespace). Which lines are kept under a header count limit follows
/// <see cref="HeaderLineLimit"/>.
/// </remarks>
internal sealed class HeaderCollector
{
    private const int InitialLines = 16;

    private SpanAccumulator name;
    private SpanAccumulator value;
    // The request target of a request, or the reason phrase of a response: a message has one or the other.
    private SpanAccumulator startText;

    // The lines kept so far of the section being read (name, value, …); the head's, then the trailers'. Entries
    // past `entries` are null.
    private string[] lines = new string[InitialLines];
    private int entries;
    // Lines seen so far in the section, kept or not (the limit keeps whole batches of them).
    private int sectionLines;
    private bool inTrailers;

    /// <summary>
    /// The entry limit of the name/value array, Node's <c>parser.maxHeaderPairs</c> (twice the header count); 0 or
    /// less: none. Read as the lines arrive, so the owner sets it before a message's head.
    /// </summary>
    // The string cache of the thread this collector runs on, taken at its first line: a connection is read on
    // its loop's thread only.
    private string?[]? strings;

    internal long MaxEntries { get; set; }

    /// <summary>A message starts: forgets the pieces and lines of the one before (which may have failed halfway).</summary>
    internal void BeginMessage()
    {
        name.Clear();
        value.Clear();
        startText.Clear();
        ClearLines();
        inTrailers = false;
    }

    /// <summary>Adds a piece of the request target or of the reason phrase.</summary>
    internal void AppendStartText(ReadOnlySpan<byte> data) => startText.Append(data);

    /// <summary>Adds a piece of a header name.</summary>
    internal void AppendName(ReadOnlySpan<byte> data) => name.Append(data);

    /// <summary>Adds a piece of a header value.</summary>
    internal void AppendValue(ReadOnlySpan<byte> data) => value.Append(data);

    /// <summary>A header or trailer line is complete: keeps it as a trimmed name/value pair unless the limit drops it.</summary>
    internal void CompleteLine()
    {
        if (HeaderLineLimit.KeepsLine(sectionLines++, MaxEntries))
        {
            if (entries + 2 > lines.Length)
            {
                Array.Resize(ref lines, lines.Length * 2);
            }
            // A peer sends the same names and mostly the same values message after message: the strings come
            // from the cache instead of being made anew for each line.
            string?[] cache = strings ??= HeaderStringCache.ThreadTable;
            lines[entries++] = HeaderStringCache.Get(cache, name.Span);
            lines[entries++] = HeaderStringCache.Get(cache, TrimOws(value.Span));
        }
        name.Clear();
        value.Clear();
    }

    // The value without the optional whitespace after it (RFC 9110 §5.5: SP and HTAB), as Node trims it. A loop of its
    // own: MemoryExtensions.TrimEnd with a set of bytes costs more than the usual value has bytes.
    private static ReadOnlySpan<byte> TrimOws(ReadOnlySpan<byte> value)
    {
        int end = value.Length;
        while (end > 0 && value[end - 1] is (byte)' ' or (byte)'\t')
        {
            end--;
        }
        return value[..end];
    }

    /// <summary>The request target or reason phrase, as a string (empty when the message had none).</summary>
    internal string TakeStartText()
    {
        string text = HeaderStringCache.Get(strings ??= HeaderStringCache.ThreadTable, startText.Span);
        startText.Clear();
        return text;
    }

    /// <summary>
    /// The head is complete: hands its lines to <paramref name="message"/> as its raw headers (with Node's limit on
    /// how many of them make up its headers) and starts collecting trailers.
    /// </summary>
    internal void CompleteHead(IncomingMessage message)
    {
        message.SetRawHeaders(entries == 0 ? [] : lines.AsSpan(0, entries).ToArray());
        if (MaxEntries > 0 && MaxEntries < entries)
        {
            // Node's parserOnHeadersComplete: only the first maxHeaderPairs entries make up headers.
            message.LimitHeaders((int)MaxEntries);
        }
        ClearLines();
        inTrailers = true;
    }

    /// <summary>The message is complete: hands the trailer lines (if any came) to <paramref name="message"/>.</summary>
    internal void CompleteTrailers(IncomingMessage message)
    {
        if (inTrailers && entries > 0)
        {
            message.SetRawTrailers(lines.AsSpan(0, entries).ToArray());
        }
        ClearLines();
        inTrailers = false;
    }

    /// <summary>Gives the piece buffers back to the pool (an idle pooled connection holds none).</summary>
    internal void Release()
    {
        name.Release();
        value.Release();
        startText.Release();
    }

    private void ClearLines()
    {
        Array.Clear(lines, 0, entries);
        entries = 0;
        sectionLines = 0;
    }
}
