namespace NodeHttp;

/// <summary>What the parser learned from the current message's headers: llhttp's <c>llhttp_flags</c> (<c>F_*</c>), same bits.</summary>
[Flags]
public enum ParserFlags
{
    /// <summary>Nothing seen.</summary>
    None = 0,
    /// <summary><c>Connection: keep-alive</c>.</summary>
    ConnectionKeepAlive = 1 << 0,
    /// <summary><c>Connection: close</c>.</summary>
    ConnectionClose = 1 << 1,
    /// <summary><c>Connection: upgrade</c>.</summary>
    ConnectionUpgrade = 1 << 2,
    /// <summary>The body is chunked (Transfer-Encoding ends in <c>chunked</c>).</summary>
    Chunked = 1 << 3,
    /// <summary>An Upgrade header was seen.</summary>
    Upgrade = 1 << 4,
    /// <summary>A Content-Length header was seen.</summary>
    ContentLength = 1 << 5,
    /// <summary>The headers-complete callback said the message has no body (a response to HEAD).</summary>
    SkipBody = 1 << 6,
    /// <summary>The parser is reading the trailers of a chunked message.</summary>
    Trailing = 1 << 7,
    /// <summary>A Transfer-Encoding header was seen.</summary>
    TransferEncoding = 1 << 9,
}
