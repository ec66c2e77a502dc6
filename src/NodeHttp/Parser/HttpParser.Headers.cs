using System.Text;
using static NodeHttp.HttpParserTables;

namespace NodeHttp;

public sealed partial class HttpParser
{
    // Header fields and values, the special headers llhttp watches (Content-Length, Transfer-Encoding, Connection,
    // Upgrade), obs-fold, the end of the head and on_headers_complete; trailers after the last chunk come here too.
    private HpeCode RunHeaders<TCallbacks>(ReadOnlySpan<byte> data, ref int pos, ref TCallbacks cb)
        where TCallbacks : struct, IHttpParserCallbacks
    {
        int p = pos;
        int len = data.Length;
        HpeCode rc;
        int m;
        byte c;

        switch (_state)
        {
            // ---------------------------------------------------------------- header names
            case State.HeadersStart:
                if (p == len) return Suspend(State.HeadersStart);
                if (data[p] == ' ')
                {
                    p++;
                    if (IsLenient(LenientFlags.Headers)) goto case State.HeaderFieldStart;
                    return Fail(HpeCode.UnexpectedSpace, "Unexpected space after start line", p);
                }
                goto case State.HeaderFieldStart;

            case State.HeaderFieldStart:
                if (p == len) return Suspend(State.HeaderFieldStart);
                c = data[p];
                if (c == CR)
                {
                    p++;
                    goto case State.HeadersAlmostDone;
                }
                if (c == LF)
                {
                    p++;
                    if (IsLenient(LenientFlags.OptionalCrBeforeLf)) goto CheckTrailing;
                    return Fail(HpeCode.InvalidHeaderToken, "Invalid header field char", p);
                }
                if (c == ':') return Fail(HpeCode.InvalidHeaderToken, "Invalid header token", p);
                StartSpan(SpanKind.HeaderField, p);
                _index = 0;
                goto case State.HeaderField;

            case State.HeaderField:
                if (p == len) return Suspend(State.HeaderField);
                if (_index == 0)
                {
                    // With the whole name in this input, its length says whether it can be one llhttp watches.
                    m = data[p..].IndexOfAnyExcept(TokenValues);
                    if (m >= 0)
                    {
                        _headerState = m switch
                        {
                            7 => Ascii.EqualsIgnoreCase(data.Slice(p, 7), "upgrade"u8) ? HsUpgrade : HsGeneral,
                            10 => Ascii.EqualsIgnoreCase(data.Slice(p, 10), "connection"u8) ? HsConnection : HsGeneral,
                            14 => Ascii.EqualsIgnoreCase(data.Slice(p, 14), "content-length"u8) ? HsContentLength : HsGeneral,
                            16 => Ascii.EqualsIgnoreCase(data.Slice(p, 16), "proxy-connection"u8) ? HsConnection : HsGeneral,
                            17 => Ascii.EqualsIgnoreCase(data.Slice(p, 17), "transfer-encoding"u8) ? HsTransferEncoding : HsGeneral,
                            _ => HsGeneral,
                        };
                        p += m;
                        if (_headerState != HsGeneral) goto case State.HeaderFieldColon;
                        goto case State.HeaderFieldGeneral;
                    }
                }
                m = TrieStep(data, ref p, SpecialHeaders, true);
                if (m == -2) return Suspend(State.HeaderField);
                if (m < 0)
                {
                    _headerState = HsGeneral;
                    goto case State.HeaderFieldGeneral;
                }
                _headerState = SpecialHeaderStates[m];
                goto case State.HeaderFieldColon;

            case State.HeaderFieldColon:
                if (p == len) return Suspend(State.HeaderFieldColon);
                c = data[p];
                if (c == ' ')
                {
                    if (IsLenient(LenientFlags.Headers)) goto case State.HeaderFieldColonDiscardWs;
                    if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p + 1);
                    return Fail(HpeCode.InvalidHeaderToken, "Invalid header field char", p + 1);
                }
                if (c == ':') goto HeaderFieldEnd;
                _headerState = HsGeneral;
                goto case State.HeaderFieldGeneral;

            case State.HeaderFieldColonDiscardWs:
                while (true)
                {
                    if (p == len) return Suspend(State.HeaderFieldColonDiscardWs);
                    if (data[p] != ' ') break;
                    p++;
                }
                goto case State.HeaderFieldColon;

            case State.HeaderFieldGeneral:
                if (p == len) return Suspend(State.HeaderFieldGeneral);
                m = data[p..].IndexOfAnyExcept(TokenValues);
                if (m < 0)
                {
                    p = len;
                    return Suspend(State.HeaderFieldGeneral);
                }
                p += m;
                if (data[p] != ':') return Fail(HpeCode.InvalidHeaderToken, "Invalid header token", p);
            HeaderFieldEnd:
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p + 1);
                p++;
                if (Notifies<TCallbacks>(Callback.HeaderFieldComplete)
                    && InvokePausable(ref cb, Callback.HeaderFieldComplete, p, State.HeaderFieldCompleteCheck, out rc)) return rc;
                goto case State.HeaderFieldCompleteCheck;

            case State.HeaderFieldCompleteCheck:
                if (_headerState == HsTransferEncoding)
                {
                    if ((_flags & ParserFlags.ContentLength) != 0 && !IsLenient(LenientFlags.ChunkedLength))
                    {
                        return Fail(HpeCode.InvalidTransferEncoding, "Transfer-Encoding can't be present with Content-Length", p);
                    }
                }
                else if (_headerState == HsContentLength)
                {
                    if ((_flags & ParserFlags.TransferEncoding) != 0 && !IsLenient(LenientFlags.ChunkedLength))
                    {
                        return Fail(HpeCode.InvalidContentLength, "Content-Length can't be present with Transfer-Encoding", p);
                    }
                }
                goto case State.HeaderValueDiscardWs;

            // ---------------------------------------------------------------- header values
            case State.HeaderValueDiscardWs:
                while (true)
                {
                    if (p == len) return Suspend(State.HeaderValueDiscardWs);
                    c = data[p];
                    if (!IsSpaceOrTab(c)) break;
                    p++;
                }
                if (c == CR)
                {
                    p++;
                    goto case State.HeaderValueDiscardWsAlmostDone;
                }
                if (c == LF)
                {
                    p++;
                    if (IsLenient(LenientFlags.OptionalCrBeforeLf)) goto case State.HeaderValueDiscardLws;
                    return Fail(HpeCode.InvalidHeaderToken, "Invalid header value char", p);
                }
                StartSpan(SpanKind.HeaderValue, p);
                goto case State.HeaderValueStart;

            case State.HeaderValueDiscardWsAlmostDone:
                if (p == len) return Suspend(State.HeaderValueDiscardWsAlmostDone);
                if (!LfAfterCr(data, ref p, LenientFlags.Headers)) return Fail(HpeCode.Strict, "Expected LF after CR", p);
                goto case State.HeaderValueDiscardLws;

            case State.HeaderValueDiscardLws:
                if (p == len) return Suspend(State.HeaderValueDiscardLws);
                c = data[p];
                if (IsSpaceOrTab(c))
                {
                    p++;
                    if (IsLenient(LenientFlags.Headers)) goto case State.HeaderValueDiscardWs;
                    return Fail(HpeCode.InvalidHeaderToken, "Invalid header value char", p);
                }
                if (_headerState == HsContentLength) return Fail(HpeCode.InvalidContentLength, "Empty Content-Length", p);
                // RFC 9112 §6.1: Transfer-Encoding is a list of at least one coding; llhttp ignores an empty one, and a
                // Content-Length beside it would then frame the body that a front end may have read as chunked.
                if (_headerState == HsTransferEncoding && _rfcStrict && _type == HttpParserType.Request)
                {
                    return Fail(HpeCode.InvalidTransferEncoding, "Empty Transfer-Encoding", p);
                }
                SetHeaderFlags();
                StartSpan(SpanKind.HeaderValue, p);
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                goto HeaderValueComplete;

            case State.HeaderValueStart:
                if (_headerState == HsUpgrade)
                {
                    _flags |= ParserFlags.Upgrade;
                    _headerState = HsGeneral;
                    goto case State.HeaderValue;
                }
                if (_headerState == HsTransferEncoding)
                {
                    if ((_flags & ParserFlags.Chunked) != 0 && _type == HttpParserType.Request && !IsLenient(LenientFlags.TransferEncoding))
                    {
                        goto InvalidTransferEncodingValue;
                    }
                    _flags |= ParserFlags.TransferEncoding;
                    _flags &= ~ParserFlags.Chunked;
                    _index = 0;
                    goto case State.HeaderValueTeChunked;
                }
                if (_headerState == HsContentLength)
                {
                    if ((_flags & ParserFlags.ContentLength) != 0) return Fail(HpeCode.UnexpectedContentLength, "Duplicate Content-Length", p);
                    goto case State.HeaderValueContentLength;
                }
                if (_headerState == HsConnection)
                {
                    _index = 0;
                    goto case State.HeaderValueConnection;
                }
                goto case State.HeaderValue;

            InvalidTransferEncodingValue:
                // llhttp ends the value span and reports the error one byte on.
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p + 1);
                return Fail(HpeCode.InvalidTransferEncoding, "Invalid `Transfer-Encoding` header value", p + 1);

            case State.HeaderValue:
                if (p == len) return Suspend(State.HeaderValue);
                m = data[p..].IndexOfAnyExcept(HeaderValueValues);
                if (m < 0)
                {
                    p = len;
                    return Suspend(State.HeaderValue);
                }
                p += m;
                goto case State.HeaderValueOtherwise;

            case State.HeaderValueOtherwise:
                if (p == len) return Suspend(State.HeaderValueOtherwise);
                c = data[p];
                if (c == CR)
                {
                    if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p + 1);
                    p++;
                    goto case State.HeaderValueAlmostDone;
                }
                if (c == LF)
                {
                    if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                    if (IsLenient(LenientFlags.OptionalCrBeforeLf)) goto case State.HeaderValueAlmostDone;
                    return Fail(HpeCode.CrExpected, "Missing expected CR after header value", p);
                }
                if (IsLenient(LenientFlags.Headers)) goto case State.HeaderValueLenient;
                if (IsLenient(LenientFlags.HeaderValueRelaxed) && (Class[c] & Relaxed) != 0) goto case State.HeaderValueRelaxed;
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                return Fail(HpeCode.InvalidHeaderToken, "Invalid header value char", p);

            case State.HeaderValueLenient:
                if (p == len) return Suspend(State.HeaderValueLenient);
                m = data[p..].IndexOfAny(CrLf);
                if (m < 0)
                {
                    p = len;
                    return Suspend(State.HeaderValueLenient);
                }
                p += m;
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, data[p] == CR ? p + 1 : p);
                if (data[p] == CR) p++;
                goto case State.HeaderValueAlmostDone;

            case State.HeaderValueRelaxed:
                while (true)
                {
                    if (p == len) return Suspend(State.HeaderValueRelaxed);
                    if ((Class[data[p]] & Relaxed) == 0) break;
                    p++;
                }
                goto case State.HeaderValueOtherwise;

            case State.HeaderValueTeChunked:
                m = TrieStep(data, ref p, Chunked, true);
                if (m == -2) return Suspend(State.HeaderValueTeChunked);
                if (m < 0) goto case State.HeaderValueTeToken;
                goto case State.HeaderValueTeChunkedLast;

            case State.HeaderValueTeChunkedLast:
                while (true)
                {
                    if (p == len) return Suspend(State.HeaderValueTeChunkedLast);
                    c = data[p];
                    if (c != ' ') break;
                    p++;
                }
                if (c == CR || c == LF)
                {
                    _headerState = HsTransferEncodingChunked;
                    goto case State.HeaderValueOtherwise;
                }
                if (c == ',')
                {
                    if (_type == HttpParserType.Request && !IsLenient(LenientFlags.TransferEncoding)) goto InvalidTransferEncodingValue;
                    _index = 0;
                    goto case State.HeaderValueTeChunked;
                }
                goto case State.HeaderValueTeToken;

            case State.HeaderValueTeToken:
                while (true)
                {
                    if (p == len) return Suspend(State.HeaderValueTeToken);
                    c = data[p];
                    if (c == ',')
                    {
                        p++;
                        goto case State.HeaderValueTeTokenOws;
                    }
                    if ((Class[c] & ConnToken) == 0) break;
                    p++;
                }
                _headerState = HsGeneral;
                goto case State.HeaderValue;

            case State.HeaderValueTeTokenOws:
                while (true)
                {
                    if (p == len) return Suspend(State.HeaderValueTeTokenOws);
                    c = data[p];
                    if (!IsSpaceOrTab(c)) break;
                    p++;
                }
                _index = 0;
                goto case State.HeaderValueTeChunked;

            case State.HeaderValueContentLength:
                while (true)
                {
                    if (p == len) return Suspend(State.HeaderValueContentLength);
                    c = data[p];
                    if (!IsDigit(c)) break;
                    p++;
                    if (!MulAdd(ref _contentLength, 10, c - '0'))
                    {
                        if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                        return Fail(HpeCode.InvalidContentLength, "Content-Length overflow", p);
                    }
                }
                goto case State.HeaderValueContentLengthWs;

            case State.HeaderValueContentLengthWs:
                while (true)
                {
                    if (p == len) return Suspend(State.HeaderValueContentLengthWs);
                    c = data[p];
                    if (!IsSpaceOrTab(c) || (c == '\t' && _contentLengthSpacesOnly)) break;
                    p++;
                }
                if (c == CR || c == LF)
                {
                    _flags |= ParserFlags.ContentLength;
                    goto case State.HeaderValueOtherwise;
                }
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                return Fail(HpeCode.InvalidContentLength, "Invalid character in Content-Length", p);

            case State.HeaderValueConnection:
                if (_index == 0)
                {
                    while (true)
                    {
                        if (p == len) return Suspend(State.HeaderValueConnection);
                        c = data[p];
                        if (!IsSpaceOrTab(c)) break;
                        p++;
                    }
                }
                m = TrieStep(data, ref p, ConnectionTokens, true);
                if (m == -2) return Suspend(State.HeaderValueConnection);
                if (m < 0) goto case State.HeaderValueConnectionToken;
                _headerState = m switch
                {
                    0 => HsConnectionClose,
                    1 => HsConnectionUpgrade,
                    _ => HsConnectionKeepAlive,
                };
                goto case State.HeaderValueConnectionWs;

            case State.HeaderValueConnectionWs:
                while (true)
                {
                    if (p == len) return Suspend(State.HeaderValueConnectionWs);
                    c = data[p];
                    if (!IsSpaceOrTab(c)) break;
                    p++;
                }
                if (c == ',')
                {
                    p++;
                    SetHeaderFlags();
                    _index = 0;
                    goto case State.HeaderValueConnection;
                }
                if (c == CR || c == LF) goto case State.HeaderValueOtherwise;
                _headerState = HsGeneral;
                goto case State.HeaderValueConnectionToken;

            case State.HeaderValueConnectionToken:
                while (true)
                {
                    if (p == len) return Suspend(State.HeaderValueConnectionToken);
                    c = data[p];
                    if (c == ',')
                    {
                        p++;
                        _index = 0;
                        goto case State.HeaderValueConnection;
                    }
                    if ((Class[c] & ConnToken) == 0) break;
                    p++;
                }
                goto case State.HeaderValueOtherwise;

            case State.HeaderValueAlmostDone:
                if (p == len) return Suspend(State.HeaderValueAlmostDone);
                if (data[p] != LF) return Fail(HpeCode.LfExpected, "Missing expected LF after header value", p);
                p++;
                goto case State.HeaderValueLws;

            case State.HeaderValueLws:
                if (p == len) return Suspend(State.HeaderValueLws);
                c = data[p];
                if (IsSpaceOrTab(c))
                {
                    if (!IsLenient(LenientFlags.Headers)) return Fail(HpeCode.InvalidHeaderToken, "Unexpected whitespace after header value", p);
                    // obs-fold: the folded line is another piece of the same value.
                    if (_headerState == HsTransferEncodingChunked) _headerState = HsGeneral;
                    StartSpan(SpanKind.HeaderValue, p);
                    goto case State.HeaderValueStart;
                }
                SetHeaderFlags();
            HeaderValueComplete:
                if (InvokePausable(ref cb, Callback.HeaderValueComplete, p, State.HeaderFieldStart, out rc)) return rc;
                goto case State.HeaderFieldStart;

            // ---------------------------------------------------------------- end of the head
            case State.HeadersAlmostDone:
                if (p == len) return Suspend(State.HeadersAlmostDone);
                if (!LfAfterCr(data, ref p, LenientFlags.OptionalLfAfterCr)) return Fail(HpeCode.Strict, "Expected LF after headers", p);
                goto CheckTrailing;

            CheckTrailing:
                if ((_flags & ParserFlags.Trailing) != 0)
                {
                    _headerBytes = 0;
                    if (Notifies<TCallbacks>(Callback.ChunkComplete)
                        && InvokePausable(ref cb, Callback.ChunkComplete, p, State.MessageDone, out rc)) return rc;
                    pos = p;
                    return NextSection(State.MessageDone);
                }
                // llhttp__before_headers_complete: an upgrade needs both headers, and for a response a 101.
                if ((_flags & ParserFlags.Upgrade) != 0 && (_flags & ParserFlags.ConnectionUpgrade) != 0)
                {
                    _upgrade = _type == HttpParserType.Request || _statusCode == 101;
                }
                else
                {
                    _upgrade = _method == HttpMethodId.Connect;
                }
                _headerBytes = 0;
                _pos = p;
                switch (cb.OnHeadersComplete(this))
                {
                    case HeadersCompleteAction.Continue:
                        break;
                    case HeadersCompleteAction.SkipBody:
                        _flags |= ParserFlags.SkipBody;
                        break;
                    case HeadersCompleteAction.SkipBodyUpgrade:
                        _upgrade = true;
                        _flags |= ParserFlags.SkipBody;
                        break;
                    case HeadersCompleteAction.Pause:
                        _state = State.HeadersDone;
                        _error = HpeCode.Paused;
                        _reason = "Paused by on_headers_complete";
                        _errorPos = p;
                        return HpeCode.Paused;
                    default:
                        if (_rejectCode != HpeCode.Ok)
                        {
                            HpeCode code = _rejectCode;
                            _rejectCode = HpeCode.Ok;
                            return Fail(code, _rejectReason!, p);
                        }
                        return Fail(HpeCode.CbHeadersComplete, "User callback error", p);
                }
                pos = p;
                return NextSection(State.HeadersDone);

            default:
                ThrowUnreachable();
                return HpeCode.Internal;
        }
    }

    // llhttp's setHeaderFlags: a value that ended on a recognised token sets its flag.
    private void SetHeaderFlags()
    {
        switch (_headerState)
        {
            case HsConnectionKeepAlive:
                _flags |= ParserFlags.ConnectionKeepAlive;
                _headerState = HsConnection;
                break;
            case HsConnectionClose:
                _flags |= ParserFlags.ConnectionClose;
                _headerState = HsConnection;
                break;
            case HsConnectionUpgrade:
                _flags |= ParserFlags.ConnectionUpgrade;
                _headerState = HsConnection;
                break;
            case HsTransferEncodingChunked:
                _flags |= ParserFlags.Chunked;
                break;
        }
    }
}
