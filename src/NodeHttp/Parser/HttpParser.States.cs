using System.Runtime.CompilerServices;

namespace NodeHttp;

public sealed partial class HttpParser
{
    // One value per llhttp node that can be resumed at: a node that waits for input, or the node a pausing
    // callback continues with. Nodes llhttp passes through without input are folded into their neighbours.
    // Each section's states are one range, which is how Run finds the section: the start line before
    // HeadersStart, the headers up to HeadersDone, the body and message end from there on.
    private enum State : byte
    {
        Start,
        AfterStart,
        SwitchType,
        StartReqOrRes,
        ReqOrResMethod,
        StartReq,
        AfterStartReq,
        ReqFirstSpaceBeforeUrl,
        ReqSpacesBeforeUrl,
        UrlStart,
        UrlSchema,
        UrlSchemaDelim,
        UrlServer,
        UrlServerWithAt,
        UrlPath,
        UrlQuery,
        UrlFragment,
        UrlSkipLfToHttp09,
        UrlToHttp,
        UrlToHttp09,
        ReqHttpStart,
        ReqAfterHttpStart,
        ReqProtocolCheck,
        ReqAfterProtocol,
        ReqHttpMajor,
        ReqHttpDot,
        ReqHttpMinor,
        ReqVersionDone,
        ReqHttpComplete,
        ReqHttpCompleteCrlf,
        ReqPriUpgrade,
        StartRes,
        ResAfterStart,
        ResAfterProtocol,
        ResHttpMajor,
        ResHttpDot,
        ResHttpMinor,
        ResAfterVersion,
        ResStatusDigit1,
        ResStatusDigit2,
        ResStatusDigit3,
        ResStatusOtherwise,
        ResStatus,
        ResLineAlmostDone,
        HeadersStart,
        HeaderFieldStart,
        HeaderField,
        HeaderFieldColon,
        HeaderFieldColonDiscardWs,
        HeaderFieldGeneral,
        HeaderFieldCompleteCheck,
        HeaderValueDiscardWs,
        HeaderValueDiscardWsAlmostDone,
        HeaderValueDiscardLws,
        HeaderValueStart,
        HeaderValue,
        HeaderValueOtherwise,
        HeaderValueLenient,
        HeaderValueRelaxed,
        HeaderValueTeChunked,
        HeaderValueTeChunkedLast,
        HeaderValueTeToken,
        HeaderValueTeTokenOws,
        HeaderValueContentLength,
        HeaderValueContentLengthWs,
        HeaderValueConnection,
        HeaderValueConnectionWs,
        HeaderValueConnectionToken,
        HeaderValueAlmostDone,
        HeaderValueLws,
        HeadersAlmostDone,
        HeadersDone,
        ChunkSizeStart,
        ChunkSizeDigit,
        ChunkSize,
        ChunkSizeOtherwise,
        ChunkSizeAlmostDone,
        ToChunk,
        ChunkExtensions,
        ChunkExtensionName,
        ChunkExtensionValue,
        ChunkExtensionQuotedValue,
        ChunkExtensionQuotedValuePair,
        ChunkExtensionQuotedValueDone,
        ChunkExtensionNameLfCheck,
        ChunkExtensionValueLfCheck,
        ChunkData,
        ChunkDataAlmostDone,
        ChunkComplete,
        BodyIdentity,
        Eof,
        MessageDone,
        UpgradeAfterDone,
        Cleanup,
        Closed,
    }

    private enum SpanKind : byte
    {
        None,
        Method,
        Url,
        Protocol,
        Version,
        Status,
        HeaderField,
        HeaderValue,
        Body,
        ChunkExtensionName,
        ChunkExtensionValue,
    }

    // llhttp's HEADER_STATE values.
    private const byte HsGeneral = 0;
    private const byte HsConnection = 1;
    private const byte HsContentLength = 2;
    private const byte HsTransferEncoding = 3;
    private const byte HsUpgrade = 4;
    private const byte HsConnectionKeepAlive = 5;
    private const byte HsConnectionClose = 6;
    private const byte HsConnectionUpgrade = 7;
    private const byte HsTransferEncodingChunked = 8;

    private enum Callback : byte
    {
        MessageBegin,
        Reset,
        MethodComplete,
        UrlComplete,
        ProtocolComplete,
        VersionComplete,
        StatusComplete,
        HeaderFieldComplete,
        HeaderValueComplete,
        ChunkHeader,
        ChunkExtensionName,
        ChunkExtensionValue,
        ChunkComplete,
        MessageComplete,
    }

    private static (HpeCode Code, string Error, string Pause) CallbackInfo(Callback cb) => cb switch
    {
        Callback.MessageBegin => (HpeCode.CbMessageBegin, "`on_message_begin` callback error", "on_message_begin pause"),
        Callback.Reset => (HpeCode.CbReset, "`on_reset` callback error", "on_reset pause"),
        Callback.MethodComplete => (HpeCode.CbMethodComplete, "`on_method_complete` callback error", "on_method_complete pause"),
        Callback.UrlComplete => (HpeCode.CbUrlComplete, "`on_url_complete` callback error", "on_url_complete pause"),
        Callback.ProtocolComplete => (HpeCode.CbProtocolComplete, "`on_protocol_complete` callback error", "on_protocol_complete pause"),
        Callback.VersionComplete => (HpeCode.CbVersionComplete, "`on_version_complete` callback error", "on_version_complete pause"),
        Callback.StatusComplete => (HpeCode.CbStatusComplete, "`on_status_complete` callback error", "on_status_complete pause"),
        Callback.HeaderFieldComplete => (HpeCode.CbHeaderFieldComplete, "`on_header_field_complete` callback error", "on_header_field_complete pause"),
        Callback.HeaderValueComplete => (HpeCode.CbHeaderValueComplete, "`on_header_value_complete` callback error", "on_header_value_complete pause"),
        Callback.ChunkHeader => (HpeCode.CbChunkHeader, "`on_chunk_header` callback error", "on_chunk_header pause"),
        Callback.ChunkExtensionName => (HpeCode.CbChunkExtensionNameComplete, "`on_chunk_extension_name` callback error", "on_chunk_extension_name pause"),
        Callback.ChunkExtensionValue => (HpeCode.CbChunkExtensionValueComplete, "`on_chunk_extension_value` callback error", "on_chunk_extension_value pause"),
        Callback.ChunkComplete => (HpeCode.CbChunkComplete, "`on_chunk_complete` callback error", "on_chunk_complete pause"),
        _ => (HpeCode.CbMessageComplete, "`on_message_complete` callback error", "on_message_complete pause"),
    };

    // A notification callback answered something other than Ok: pause before `next`, or fail.
    private HpeCode CallbackStop(HpeCode rc, int p, State next, Callback cb)
    {
        var info = CallbackInfo(cb);
        if (rc == HpeCode.Paused)
        {
            _state = next;
            _error = HpeCode.Paused;
            _reason = info.Pause;
            _errorPos = p;
            return HpeCode.Paused;
        }
        return Fail(info.Code, info.Error, p);
    }

    private HpeCode Suspend(State state)
    {
        _state = state;
        return HpeCode.Ok;
    }

    private HpeCode EmitSpan<TCallbacks>(ref TCallbacks cb, SpanKind kind, ReadOnlySpan<byte> data, int start, int end)
        where TCallbacks : struct, IHttpParserCallbacks
    {
        ReadOnlySpan<byte> s = data[start..end];
        _pos = start;
        switch (kind)
        {
            case SpanKind.HeaderField:
                return TrackHeader(s.Length) ? HpeCode.HeaderOverflow : cb.OnHeaderField(s);
            case SpanKind.HeaderValue:
                return TrackHeader(s.Length) ? HpeCode.HeaderOverflow : cb.OnHeaderValue(s);
            case SpanKind.Body:
                return cb.OnBody(s);
            case SpanKind.Url:
                return TrackHeader(s.Length) ? HpeCode.HeaderOverflow : cb.OnUrl(s);
            case SpanKind.Status:
                return TrackHeader(s.Length) ? HpeCode.HeaderOverflow : cb.OnStatus(s);
            case SpanKind.Method:
                return cb.OnMethod(s);
            case SpanKind.Protocol:
                return cb.OnProtocol(s);
            case SpanKind.Version:
                return cb.OnVersion(s);
            case SpanKind.ChunkExtensionName:
                return TrackChunkExtension(s.Length) ? HpeCode.ChunkExtensionsOverflow : cb.OnChunkExtensionName(s);
            case SpanKind.ChunkExtensionValue:
                return TrackChunkExtension(s.Length) ? HpeCode.ChunkExtensionsOverflow : cb.OnChunkExtensionValue(s);
            default:
                return HpeCode.Ok;
        }
    }

    // Node counts the request target, reason phrase, header names and values (node_http_parser.cc TrackHeader).
    private bool TrackHeader(int length)
    {
        _headerBytes += length;
        return _headerBytes >= _maxHeaderSize;
    }

    private bool TrackChunkExtension(int length)
    {
        _chunkExtensionBytes += length;
        return _chunkExtensionBytes > MaxChunkExtensionsSize;
    }

    private HpeCode EndSpan<TCallbacks>(ref TCallbacks cb, ReadOnlySpan<byte> data, int p)
        where TCallbacks : struct, IHttpParserCallbacks
    {
        SpanKind kind = _span;
        _span = SpanKind.None;
        if (default(TCallbacks) is IHttpParserQuietCallbacks && kind is SpanKind.Method or SpanKind.Protocol or SpanKind.Version)
        {
            return HpeCode.Ok;
        }
        return EmitSpan(ref cb, kind, data, _spanStart, p);
    }

    private HpeCode SpanFail(HpeCode rc, int pos) => Fail(rc, SpanErrorReason(rc), pos);

    private void StartSpan(SpanKind kind, int p)
    {
        _span = kind;
        _spanStart = p;
    }

    // Target parts (llhttp's separate URL spans). RunStartLine calls these only under `default(TCallbacks) is
    // IHttpUrlPartCallbacks`, a constant per instantiation, so the request hot path has no trace of them.
    private void StartUrlPart(HttpUrlPart part, int p)
    {
        _urlPart = part;
        _urlPartStart = p;
    }

    private HpeCode EndUrlPart<TCallbacks>(ref TCallbacks cb, ReadOnlySpan<byte> data, int p)
        where TCallbacks : struct, IHttpParserCallbacks
    {
        HttpUrlPart part = _urlPart;
        _urlPart = HttpUrlPart.None;
        _pos = _urlPartStart;
        return ((IHttpUrlPartCallbacks)cb).OnUrlPart(part, data[_urlPartStart..p]);
    }

    private bool IsLenient(LenientFlags flag) => (_lenient & flag) != 0;

    // One byte of a walk through `table` (llparse's select/match). Returns the matched entry (p past it), -1 on a
    // mismatch (p at the mismatching byte), -2 when the input ran out first. The walk gets a copy of p: a local
    // whose address goes to a call lives in memory, and p is the hottest local of every section.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int TrieStep(ReadOnlySpan<byte> data, ref int p, byte[][] table, bool toLower)
    {
        int q = p;
        int m = TrieWalk(data, ref q, table, toLower);
        p = q;
        return m;
    }

    // The protocol of a start line (HTTP, RTSP or ICE): a walk through Protocols, but "HTTP" whole at the start of a
    // walk is its first entry at once (no other entry starts with it, so the walk would stop there too).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ProtocolStep(ReadOnlySpan<byte> data, ref int p)
    {
        if (_index == 0 && data[p..].StartsWith("HTTP"u8))
        {
            p += 4;
            return 0;
        }
        return TrieStep(data, ref p, HttpParserTables.Protocols, false);
    }

    private int TrieWalk(ReadOnlySpan<byte> data, ref int pos, byte[][] table, bool toLower)
    {
        int p = pos;
        while (p < data.Length)
        {
            byte c = data[p];
            if (toLower && (uint)(c - 'A') <= 'Z' - 'A')
            {
                c |= 0x20;
            }
            int j = HttpParserTables.Extend(table, _trieCand, _index, c);
            if (j < 0)
            {
                int e = _index > 0 ? HttpParserTables.Exact(table, _trieCand, _index) : -1;
                _index = 0;
                pos = p;
                return e;
            }
            _trieCand = j;
            _index++;
            p++;
            if (table[j].Length == _index && !HttpParserTables.HasLonger(table, j, _index))
            {
                _index = 0;
                pos = p;
                return j;
            }
        }
        pos = p;
        return -2;
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int HexValue(byte c)
    {
        if ((uint)(c - '0') <= 9)
        {
            return c - '0';
        }
        uint l = (uint)((c | 0x20) - 'a');
        return l <= 5 ? (int)l + 10 : -1;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool MulAdd(ref ulong field, ulong b, int digit)
    {
        if (field > ulong.MaxValue / b)
        {
            return false;
        }
        field *= b;
        if (field > ulong.MaxValue - (ulong)digit)
        {
            return false;
        }
        field += (ulong)digit;
        return true;
    }
}
