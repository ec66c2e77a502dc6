namespace NodeHttp;

/// <summary>
/// llhttp's lenient flags (<c>llhttp_lenient_flags_t</c>), same bits. Each relaxes one check of the strict
/// parser; several of them reopen request-smuggling vectors, so they are off unless asked for.
/// </summary>
[Flags]
public enum LenientFlags
{
    /// <summary>Strict parsing (Node's default).</summary>
    None = 0,
    /// <summary>No token checks on header values; obs-fold and a space before a colon are accepted.</summary>
    Headers = 1 << 0,
    /// <summary>Transfer-Encoding together with Content-Length is accepted.</summary>
    ChunkedLength = 1 << 1,
    /// <summary>More messages may follow <c>Connection: close</c> or an HTTP/1.0 message without keep-alive.</summary>
    KeepAlive = 1 << 2,
    /// <summary>A request's Transfer-Encoding need not end in <c>chunked</c>.</summary>
    TransferEncoding = 1 << 3,
    /// <summary>Any digit pair is accepted as the HTTP version.</summary>
    Version = 1 << 4,
    /// <summary>Bytes after a message that closes the connection are ignored instead of rejected.</summary>
    DataAfterClose = 1 << 5,
    /// <summary>A CR alone ends a line.</summary>
    OptionalLfAfterCr = 1 << 6,
    /// <summary>Chunk data need not be followed by CRLF.</summary>
    OptionalCrlfAfterChunk = 1 << 7,
    /// <summary>An LF alone ends a line.</summary>
    OptionalCrBeforeLf = 1 << 8,
    /// <summary>Spaces and tabs may follow a chunk size.</summary>
    SpacesAfterChunkSize = 1 << 9,
    /// <summary>Control characters other than NUL, CR and LF are accepted in header values.</summary>
    HeaderValueRelaxed = 1 << 10,

    /// <summary>
    /// The set Node turns on for <c>insecureHTTPParser: true</c> (node_http_parser.cc <c>kLenientAll</c>, Node 20):
    /// every flag but <see cref="HeaderValueRelaxed"/>.
    /// </summary>
    InsecureHttpParser = Headers | ChunkedLength | KeepAlive | TransferEncoding | Version | DataAfterClose
        | OptionalLfAfterCr | OptionalCrlfAfterChunk | OptionalCrBeforeLf | SpacesAfterChunkSize,
}
