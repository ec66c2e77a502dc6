using System.Diagnostics.CodeAnalysis;

namespace NodeHttp;

/// <summary>
/// An incremental HTTP/1.x request and response parser with llhttp's behaviour: the same events, the same
/// accepted and rejected inputs, the same <c>HPE_*</c> errors at the same offsets (Node's <c>HTTPParser</c>).
/// It keeps no copy of the input and allocates nothing while parsing: values reach an
/// <see cref="IHttpParserCallbacks"/> struct as spans of the caller's buffer.
/// </summary>
/// <remarks>
/// Feed bytes with <see cref="Execute{TCallbacks}(ReadOnlySpan{byte}, ref TCallbacks)"/> in pieces of any size;
/// the events are the same however the input is split. Errors are sticky: once an error is returned every
/// later call returns it until <see cref="Reset()"/>. A pause (a callback answering <see cref="HpeCode.Paused"/>,
/// or <see cref="Pause"/>) stops at <see cref="ErrorOffset"/>; call <see cref="Resume"/> and pass the rest of
/// the input. After a CONNECT or an upgrade the parser stops with <see cref="HpeCode.PausedUpgrade"/> where
/// the tunnelled bytes start. One parser serves one connection and one thread at a time.
/// </remarks>
public sealed partial class HttpParser
{
    /// <summary>Node's default for <c>--max-http-header-size</c> and <c>http.maxHeaderSize</c> (Node 14+): 16 KiB.</summary>
    public const int DefaultMaxHeaderSize = 16384;

    /// <summary>Node's cap on one chunk's extensions (node_http_parser.cc <c>kMaxChunkExtensionsSize</c>, Node 20).</summary>
    internal const int MaxChunkExtensionsSize = 16384;

    private HttpParserType _type;
    private LenientFlags _lenient;
    private int _maxHeaderSize;

    // Checks beyond llhttp's strict mode, for shapes RFC 9112 says to reject (see RfcStrict); off in llhttp's own mode.
    private bool _rfcStrict;

    // llhttp 9.3's rule (Node 20's): only spaces may follow a Content-Length value; llhttp 9.4 also skips TABs.
    private bool _contentLengthSpacesOnly;

    // Why on_headers_complete refused the head (RejectHead), reported instead of llhttp's callback error.
    private HpeCode _rejectCode;
    private string? _rejectReason;

    // Parse position. _state is authoritative between calls and where one section of Run hands over to the next;
    // within a section transitions jump directly.
    private State _state;
    private SpanKind _span;
    private int _spanStart;
    private int _index;
    private int _trieCand;
    private int _pos;

    // Target-only mode and the open target part, used only with IHttpUrlPartCallbacks (see CreateUrlParser).
    private bool _urlOnly;
    private HttpUrlPart _urlPart;
    private int _urlPartStart;

    // Sticky outcome of the last call.
    private HpeCode _error;
    private string? _reason;
    private int _errorPos;

    // The current message, llhttp's parser fields.
    private ulong _contentLength;
    private HttpMethodId _method;
    private byte _major;
    private byte _minor;
    private byte _headerState;
    private bool _upgrade;
    private byte _finish;
    private ParserFlags _flags;
    private int _statusCode;
    private bool _initialMessageCompleted;
    private ulong _protocolMethods;
    private string? _protocolReason;

    // Node's limits, counted as node_http_parser.cc counts them.
    private int _headerBytes;
    private int _chunkExtensionBytes;

    /// <summary>Creates a strict parser (Node's <c>new HTTPParser()</c> + <c>initialize(type, …)</c>).</summary>
    /// <param name="type">Requests, responses, or either.</param>
    /// <param name="lenientFlags">Checks to relax; <see cref="LenientFlags.InsecureHttpParser"/> is Node's <c>insecureHTTPParser</c>.</param>
    /// <param name="maxHeaderSize">Node's <c>maxHeaderSize</c>: bytes of the request target or reason phrase and header names and values allowed per message head.</param>
    public HttpParser(HttpParserType type, LenientFlags lenientFlags = LenientFlags.None, int maxHeaderSize = DefaultMaxHeaderSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxHeaderSize);
        _type = type;
        _lenient = lenientFlags;
        _maxHeaderSize = maxHeaderSize;
    }

    /// <summary>
    /// A parser that reads only request targets, as llhttp's URL test fixture does: it starts in the target
    /// state, reports the target's parts to an <see cref="IHttpUrlPartCallbacks"/> and, where a request line
    /// would go on with the version, starts another target after the space or line break. The end of the input
    /// is the end of the target, so the last part arrives with the end of each input.
    /// </summary>
    /// <remarks>Drive it with callbacks that implement <see cref="IHttpUrlPartCallbacks"/>; <c>on_url</c> also reports the whole target.</remarks>
    internal static HttpParser CreateUrlParser()
    {
        var parser = new HttpParser(HttpParserType.Request, LenientFlags.None, int.MaxValue) { _urlOnly = true };
        parser.Reset();
        return parser;
    }

    /// <summary>What the parser reads; for <see cref="HttpParserType.Both"/>, what the first message turned out to be.</summary>
    public HttpParserType Type => _type;

    /// <summary>The relaxed checks (llhttp's <c>llhttp_set_lenient_*</c>).</summary>
    public LenientFlags Lenient
    {
        get => _lenient;
        set => _lenient = value;
    }

    /// <summary>
    /// Rejects, with <see cref="HpeCode.Strict"/> or <see cref="HpeCode.InvalidTransferEncoding"/>, shapes llhttp lets
    /// through that RFC 9112 says a server rejects: more than one space between the parts of the request line
    /// (§3) and an empty <c>Transfer-Encoding</c> value (§6.1). Off by default, so the parser is llhttp's; the
    /// server turns it on unless told to be as lenient as Node.
    /// </summary>
    internal bool RfcStrict
    {
        get => _rfcStrict;
        set => _rfcStrict = value;
    }

    /// <summary>
    /// Refuses a TAB after a <c>Content-Length</c> value with <see cref="HpeCode.InvalidContentLength"/>, as the
    /// llhttp 9.3 inside Node 20 does (llhttp 9.4, which the parser otherwise follows, skips it as whitespace).
    /// </summary>
    internal bool ContentLengthSpacesOnly
    {
        get => _contentLengthSpacesOnly;
        set => _contentLengthSpacesOnly = value;
    }

    /// <summary>
    /// Called from <see cref="IHttpParserCallbacks.OnHeadersComplete"/> before it answers
    /// <see cref="HeadersCompleteAction.Error"/>: the parser then fails with <paramref name="code"/> and
    /// <paramref name="reason"/> instead of <see cref="HpeCode.CbHeadersComplete"/>.
    /// </summary>
    internal void RejectHead(HpeCode code, string reason)
    {
        _rejectCode = code;
        _rejectReason = reason;
    }

    /// <summary>Node's <c>maxHeaderSize</c>: once the counted head bytes reach it the parser fails with <c>HPE_HEADER_OVERFLOW</c>.</summary>
    public int MaxHeaderSize
    {
        get => _maxHeaderSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            _maxHeaderSize = value;
        }
    }

    /// <summary>The request's method (Node's <c>parser.method</c> id).</summary>
    public HttpMethodId Method => _method;

    /// <summary>The response's status code.</summary>
    public int StatusCode => _statusCode;

    /// <summary>The major HTTP version of the current message.</summary>
    public int HttpMajor => _major;

    /// <summary>The minor HTTP version of the current message.</summary>
    public int HttpMinor => _minor;

    /// <summary>What the headers of the current message said (llhttp's <c>flags</c>).</summary>
    public ParserFlags Flags => _flags;

    /// <summary>The Content-Length of the current message, or during a chunk the bytes of it still to come.</summary>
    public ulong ContentLength => _contentLength;

    /// <summary>Whether the current message switches protocol: a CONNECT request, or an upgrade (llhttp's <c>upgrade</c>, Node's <c>info.upgrade</c>).</summary>
    public bool Upgrade => _upgrade;

    /// <summary>Whether the connection may carry another message after this one (<c>llhttp_should_keep_alive</c>, Node's <c>shouldKeepAlive</c>).</summary>
    public bool ShouldKeepAlive
    {
        get
        {
            if (_major > 0 && _minor > 0)
            {
                if ((_flags & ParserFlags.ConnectionClose) != 0)
                {
                    return false;
                }
            }
            else if ((_flags & ParserFlags.ConnectionKeepAlive) == 0)
            {
                return false;
            }
            return !MessageNeedsEof;
        }
    }

    /// <summary>Whether the body of the current message ends only when the connection closes (<c>llhttp_message_needs_eof</c>).</summary>
    public bool MessageNeedsEof
    {
        get
        {
            if (_type == HttpParserType.Request)
            {
                return false;
            }
            if (_statusCode / 100 == 1 || _statusCode == 204 || _statusCode == 304 || (_flags & ParserFlags.SkipBody) != 0)
            {
                return false;
            }
            if ((_flags & ParserFlags.TransferEncoding) != 0 && (_flags & ParserFlags.Chunked) == 0)
            {
                return true;
            }
            return (_flags & (ParserFlags.Chunked | ParserFlags.ContentLength)) == 0;
        }
    }

    /// <summary>The error (or pause) the parser stopped with, <see cref="HpeCode.Ok"/> if none.</summary>
    public HpeCode Error => _error;

    /// <summary>Whether <paramref name="code"/> is a failure: neither <see cref="HpeCode.Ok"/> nor one of llhttp's pauses.</summary>
    internal static bool Failed(HpeCode code) =>
        code is not (HpeCode.Ok or HpeCode.Paused or HpeCode.PausedUpgrade or HpeCode.PausedH2Upgrade);

    /// <summary>llhttp's reason text for <see cref="Error"/> (Node's <c>err.reason</c>), or null.</summary>
    public string? ErrorReason => _reason;

    /// <summary>
    /// Where in the input of the last <c>Execute</c> call parsing stopped (llhttp's error position, Node's
    /// <c>bytesParsed</c>): for a pause the offset to resume from, for <see cref="HpeCode.PausedUpgrade"/> the
    /// first byte of the tunnel; the input's length when the call returned <see cref="HpeCode.Ok"/>.
    /// </summary>
    public int ErrorOffset => _errorPos;

    /// <summary>During a callback, the offset in the current input it concerns: a data span's first byte, else the parse position.</summary>
    public int Position => _pos;

    /// <summary>
    /// What an end of input would mean now (llhttp's <c>finish</c> field): 0 safe, 1 it would complete a body
    /// read until close, 2 the input would end inside a message.
    /// </summary>
    internal int FinishState => _finish;

    /// <summary>Node's <c>err.code</c> for an <see cref="HpeCode"/>: <c>HPE_</c> and llhttp's name.</summary>
    public static string CodeName(HpeCode code) => code switch
    {
        HpeCode.Ok => "HPE_OK",
        HpeCode.Internal => "HPE_INTERNAL",
        HpeCode.Strict => "HPE_STRICT",
        HpeCode.LfExpected => "HPE_LF_EXPECTED",
        HpeCode.UnexpectedContentLength => "HPE_UNEXPECTED_CONTENT_LENGTH",
        HpeCode.ClosedConnection => "HPE_CLOSED_CONNECTION",
        HpeCode.InvalidMethod => "HPE_INVALID_METHOD",
        HpeCode.InvalidUrl => "HPE_INVALID_URL",
        HpeCode.InvalidConstant => "HPE_INVALID_CONSTANT",
        HpeCode.InvalidVersion => "HPE_INVALID_VERSION",
        HpeCode.InvalidHeaderToken => "HPE_INVALID_HEADER_TOKEN",
        HpeCode.InvalidContentLength => "HPE_INVALID_CONTENT_LENGTH",
        HpeCode.InvalidChunkSize => "HPE_INVALID_CHUNK_SIZE",
        HpeCode.InvalidStatus => "HPE_INVALID_STATUS",
        HpeCode.InvalidEofState => "HPE_INVALID_EOF_STATE",
        HpeCode.InvalidTransferEncoding => "HPE_INVALID_TRANSFER_ENCODING",
        HpeCode.CbMessageBegin => "HPE_CB_MESSAGE_BEGIN",
        HpeCode.CbHeadersComplete => "HPE_CB_HEADERS_COMPLETE",
        HpeCode.CbMessageComplete => "HPE_CB_MESSAGE_COMPLETE",
        HpeCode.CbChunkHeader => "HPE_CB_CHUNK_HEADER",
        HpeCode.CbChunkComplete => "HPE_CB_CHUNK_COMPLETE",
        HpeCode.Paused => "HPE_PAUSED",
        HpeCode.PausedUpgrade => "HPE_PAUSED_UPGRADE",
        HpeCode.PausedH2Upgrade => "HPE_PAUSED_H2_UPGRADE",
        HpeCode.User => "HPE_USER",
        HpeCode.CrExpected => "HPE_CR_EXPECTED",
        HpeCode.CbUrlComplete => "HPE_CB_URL_COMPLETE",
        HpeCode.CbStatusComplete => "HPE_CB_STATUS_COMPLETE",
        HpeCode.CbHeaderFieldComplete => "HPE_CB_HEADER_FIELD_COMPLETE",
        HpeCode.CbHeaderValueComplete => "HPE_CB_HEADER_VALUE_COMPLETE",
        HpeCode.UnexpectedSpace => "HPE_UNEXPECTED_SPACE",
        HpeCode.CbReset => "HPE_CB_RESET",
        HpeCode.CbMethodComplete => "HPE_CB_METHOD_COMPLETE",
        HpeCode.CbVersionComplete => "HPE_CB_VERSION_COMPLETE",
        HpeCode.CbChunkExtensionNameComplete => "HPE_CB_CHUNK_EXTENSION_NAME_COMPLETE",
        HpeCode.CbChunkExtensionValueComplete => "HPE_CB_CHUNK_EXTENSION_VALUE_COMPLETE",
        HpeCode.CbProtocolComplete => "HPE_CB_PROTOCOL_COMPLETE",
        HpeCode.HeaderOverflow => "HPE_HEADER_OVERFLOW",
        HpeCode.ChunkExtensionsOverflow => "HPE_CHUNK_EXTENSIONS_OVERFLOW",
        _ => "HPE_UNKNOWN",
    };

    /// <summary>The method's name as sent (<c>GET</c>, <c>M-SEARCH</c>...), a cached string.</summary>
    public static string MethodName(HttpMethodId method) => HttpParserTables.MethodName(method);

    /// <summary>
    /// The error Node raises for the parser's current error: <c>Code</c> <c>HPE_*</c>, <c>Reason</c> llhttp's text,
    /// <c>BytesParsed</c> the error offset and <c>RawPacket</c> a copy of <paramref name="rawPacket"/>
    /// (Node's <c>socketOnData</c> error path).
    /// </summary>
    /// <param name="rawPacket">The input of the failing call, as Node attaches it.</param>
    public NodeHttpException CreateException(ReadOnlySpan<byte> rawPacket = default)
    {
        if (_error == HpeCode.Ok)
        {
            throw new InvalidOperationException("The parser has no error.");
        }
        return new NodeHttpException(CodeName(_error), "Parse Error: " + _reason)
        {
            Reason = _reason,
            BytesParsed = _errorPos,
            RawPacket = NodeBuffer.From(rawPacket),
        };
    }

    /// <summary>Pauses the parser (<c>llhttp_pause</c>): the next <c>Execute</c> returns <see cref="HpeCode.Paused"/> without parsing.</summary>
    public void Pause()
    {
        if (_error != HpeCode.Ok)
        {
            return;
        }
        _error = HpeCode.Paused;
        _reason = "Paused";
        _errorPos = 0;
    }

    /// <summary>Clears a pause (<c>llhttp_resume</c>); pass the input from <see cref="ErrorOffset"/> on to the next call.</summary>
    public void Resume()
    {
        if (_error == HpeCode.Paused)
        {
            _error = HpeCode.Ok;
            _reason = null;
        }
    }

    /// <summary>Clears the stop after a CONNECT or upgrade (<c>llhttp_resume_after_upgrade</c>), to go on parsing HTTP.</summary>
    public void ResumeAfterUpgrade()
    {
        if (_error == HpeCode.PausedUpgrade)
        {
            _error = HpeCode.Ok;
            _reason = null;
        }
    }

    /// <summary>Forgets all state and errors, keeping type, lenient flags and limit (<c>llhttp_reset</c>), for a new connection.</summary>
    public void Reset() => Reset(_type);

    /// <summary>Forgets all state and errors and reads <paramref name="type"/> from now on (Node's <c>parser.initialize</c> on a reused parser).</summary>
    /// <param name="type">Requests, responses, or either.</param>
    public void Reset(HttpParserType type)
    {
        _type = type;
        _state = State.Start;
        _span = SpanKind.None;
        _spanStart = 0;
        _urlPart = HttpUrlPart.None;
        _urlPartStart = 0;
        if (_urlOnly)
        {
            _state = State.UrlStart;
            _span = SpanKind.Url;
        }
        _index = 0;
        _trieCand = 0;
        _pos = 0;
        _error = HpeCode.Ok;
        _reason = null;
        _errorPos = 0;
        _contentLength = 0;
        _method = 0;
        _major = 0;
        _minor = 0;
        _headerState = 0;
        _upgrade = false;
        _finish = 0;
        _flags = 0;
        _statusCode = 0;
        _initialMessageCompleted = false;
        _headerBytes = 0;
        _chunkExtensionBytes = 0;
    }

    /// <summary>
    /// The input ended (<c>llhttp_finish</c>): completes a body read until close and returns
    /// <see cref="HpeCode.Ok"/>, or returns <see cref="HpeCode.InvalidEofState"/> when the input stopped inside a message.
    /// </summary>
    /// <param name="callbacks">Receives the message-complete event of a body read until close.</param>
    public HpeCode Finish<TCallbacks>(ref TCallbacks callbacks)
        where TCallbacks : struct, IHttpParserCallbacks
    {
        if (_error != HpeCode.Ok)
        {
            return HpeCode.Ok;
        }
        switch (_finish)
        {
            case FinishSafeWithCallback:
                _pos = 0;
                HpeCode rc = callbacks.OnMessageComplete();
                if (rc != HpeCode.Ok)
                {
                    return rc;
                }
                return HpeCode.Ok;
            case FinishSafe:
                return HpeCode.Ok;
            default:
                _reason = "Invalid EOF state";
                return HpeCode.InvalidEofState;
        }
    }

    /// <summary>
    /// Parses the next piece of input (<c>llhttp_execute</c>). Returns <see cref="HpeCode.Ok"/> when all of it was
    /// consumed; otherwise the error, pause or upgrade stop, with <see cref="ErrorOffset"/> telling where.
    /// </summary>
    /// <param name="data">The next bytes of the connection; only read during the call.</param>
    /// <param name="callbacks">Receives the events.</param>
    public HpeCode Execute<TCallbacks>(ReadOnlySpan<byte> data, ref TCallbacks callbacks)
        where TCallbacks : struct, IHttpParserCallbacks
    {
        if (_error != HpeCode.Ok)
        {
            return _error;
        }
        // A span still open from the previous input goes on from the start of this one.
        if (_span != SpanKind.None)
        {
            _spanStart = 0;
        }
        // A type test on a struct type parameter is a JIT constant: without URL-part callbacks this is no code.
        if (default(TCallbacks) is IHttpUrlPartCallbacks && _urlPart != HttpUrlPart.None)
        {
            _urlPartStart = 0;
        }
        HpeCode rc = Run(data, ref callbacks);
        if (rc != HpeCode.Ok)
        {
            return rc;
        }
        // llparse flushes every open span at the end of an input; an open target part goes first, as when it ends.
        if (default(TCallbacks) is IHttpUrlPartCallbacks && _urlPart != HttpUrlPart.None && _urlPartStart < data.Length)
        {
            _pos = _urlPartStart;
            rc = ((IHttpUrlPartCallbacks)callbacks).OnUrlPart(_urlPart, data[_urlPartStart..]);
            if (rc != HpeCode.Ok)
            {
                return Fail(rc, SpanErrorReason(rc), data.Length);
            }
        }
        // An open span hands over what this input holds of it; an empty piece is not reported.
        if (_span != SpanKind.None && _spanStart < data.Length)
        {
            int start = _spanStart;
            rc = EmitSpan(ref callbacks, _span, data, start, data.Length);
            if (rc != HpeCode.Ok)
            {
                return Fail(rc, SpanErrorReason(rc), data.Length);
            }
        }
        _errorPos = data.Length;
        return HpeCode.Ok;
    }

    private const byte FinishSafe = 0;
    private const byte FinishSafeWithCallback = 1;
    private const byte FinishUnsafe = 2;

    private HpeCode Fail(HpeCode code, string reason, int pos)
    {
        _error = code;
        _reason = reason;
        _errorPos = pos;
        return code;
    }

    private static string SpanErrorReason(HpeCode code) => code switch
    {
        HpeCode.HeaderOverflow => "Header overflow",
        HpeCode.ChunkExtensionsOverflow => "Chunk extensions overflow",
        _ => "Span callback error",
    };

    [DoesNotReturn]
    private static void ThrowUnreachable() => throw new InvalidOperationException("HttpParser reached an unknown state.");
}
