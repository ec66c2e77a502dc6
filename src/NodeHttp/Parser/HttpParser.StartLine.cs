using System.Runtime.CompilerServices;
using static NodeHttp.HttpParserTables;

namespace NodeHttp;

public sealed partial class HttpParser
{
    // The start line: llhttp's start, start_req_or_res, the method, the request target (url.ts), the protocol and
    // version of a request; the protocol, version, status code and reason phrase of a response.
    private HpeCode RunStartLine<TCallbacks>(ReadOnlySpan<byte> data, ref int pos, ref TCallbacks cb)
        where TCallbacks : struct, IHttpParserCallbacks
    {
        int p = pos;
        int len = data.Length;
        HpeCode rc;
        int m;
        byte c;

        switch (_state)
        {
            // ---------------------------------------------------------------- message start
            case State.Start:
                while (true)
                {
                    if (p == len) return Suspend(State.Start);
                    c = data[p];
                    if (c != CR && c != LF) break;
                    p++;
                }
                if (_initialMessageCompleted)
                {
                    if (Notifies<TCallbacks>(Callback.Reset)
                        && InvokePausable(ref cb, Callback.Reset, p, State.AfterStart, out rc)) return rc;
                }
                goto case State.AfterStart;

            case State.AfterStart:
                _finish = FinishUnsafe;
                if (InvokePausable(ref cb, Callback.MessageBegin, p, State.SwitchType, out rc)) return rc;
                goto case State.SwitchType;

            case State.SwitchType:
                if (_type == HttpParserType.Request) goto case State.StartReq;
                if (_type == HttpParserType.Response) goto case State.StartRes;
                goto case State.StartReqOrRes;

            case State.StartReqOrRes:
                if (p == len) return Suspend(State.StartReqOrRes);
                if (data[p] == 'H')
                {
                    StartSpan(SpanKind.Method, p);
                    _index = 0;
                    goto case State.ReqOrResMethod;
                }
                _type = HttpParserType.Request;
                goto case State.StartReq;

            case State.ReqOrResMethod:
                m = TrieStep(data, ref p, HeadOrHttp, false);
                if (m == -2) return Suspend(State.ReqOrResMethod);
                if (m == 0)
                {
                    _method = HttpMethodId.Head;
                    _type = HttpParserType.Request;
                    if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                    if (Notifies<TCallbacks>(Callback.MethodComplete)
                        && InvokePausable(ref cb, Callback.MethodComplete, p, State.ReqFirstSpaceBeforeUrl, out rc)) return rc;
                    goto case State.ReqFirstSpaceBeforeUrl;
                }
                if (m == 1)
                {
                    if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                    _type = HttpParserType.Response;
                    StartSpan(SpanKind.Version, p);
                    _state = State.ResHttpMajor;
                    goto case State.ResHttpMajor;
                }
                return Fail(HpeCode.InvalidConstant, "Invalid word encountered", p);

            // ---------------------------------------------------------------- request line
            case State.StartReq:
                StartSpan(SpanKind.Method, p);
                _index = 0;
                goto case State.AfterStartReq;

            case State.AfterStartReq:
                if (p == len) return Suspend(State.AfterStartReq);
                if (_index == 0)
                {
                    // The whole method and its space in this input: look it up instead of walking it.
                    int limit = Math.Min(len - p, 16);
                    int sp = data.Slice(p, limit).IndexOf((byte)' ');
                    if (sp > 0 && (m = FindMethod(data.Slice(p, sp))) >= 0)
                    {
                        p += sp;
                        goto MethodFound;
                    }
                }
                m = TrieStep(data, ref p, MethodNames, false);
                if (m == -2) return Suspend(State.AfterStartReq);
                if (m < 0) return Fail(HpeCode.InvalidMethod, "Invalid method encountered", p);
                m = (int)MethodIds[m];
            MethodFound:
                _method = (HttpMethodId)m;
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                if (Notifies<TCallbacks>(Callback.MethodComplete)
                    && InvokePausable(ref cb, Callback.MethodComplete, p, State.ReqFirstSpaceBeforeUrl, out rc)) return rc;
                goto case State.ReqFirstSpaceBeforeUrl;

            case State.ReqFirstSpaceBeforeUrl:
                if (p == len) return Suspend(State.ReqFirstSpaceBeforeUrl);
                if (data[p] != ' ') return Fail(HpeCode.InvalidMethod, "Expected space after method", p);
                p++;
                goto case State.ReqSpacesBeforeUrl;

            case State.ReqSpacesBeforeUrl:
                while (true)
                {
                    if (p == len) return Suspend(State.ReqSpacesBeforeUrl);
                    if (data[p] != ' ') break;
                    // RFC 9112 §3: one SP between the parts; llhttp skips any number.
                    if (_rfcStrict) return Fail(HpeCode.Strict, "More than one space before the request target", p);
                    p++;
                }
                StartSpan(SpanKind.Url, p);
                if (_method == HttpMethodId.Connect)
                {
                    if (default(TCallbacks) is IHttpUrlPartCallbacks) StartUrlPart(HttpUrlPart.Host, p);
                    _state = State.UrlServer;
                    goto case State.UrlServer;
                }
                goto case State.UrlStart;

            // ---------------------------------------------------------------- request target (llhttp's url.ts)
            // Under `default(TCallbacks) is IHttpUrlPartCallbacks` (a JIT constant) the states also report the
            // target's parts where llhttp's separate URL spans start and end; otherwise that code is not there.
            case State.UrlStart:
                if (p == len) return Suspend(State.UrlStart);
                c = data[p];
                if (c == '/' || c == '*')
                {
                    if (default(TCallbacks) is IHttpUrlPartCallbacks) StartUrlPart(HttpUrlPart.Path, p);
                    p++;
                    goto case State.UrlPath;
                }
                if ((Class[c] & Alpha) != 0)
                {
                    if (default(TCallbacks) is IHttpUrlPartCallbacks) StartUrlPart(HttpUrlPart.Schema, p);
                    goto case State.UrlSchema;
                }
                if (IsUrlEnd(c) || IsTabOrFormFeed(c)) return InvalidUrlCharacters(p);
                return Fail(HpeCode.InvalidUrl, "Unexpected start char in url", p);

            case State.UrlSchema:
                while (true)
                {
                    if (p == len) return Suspend(State.UrlSchema);
                    c = data[p];
                    if ((Class[c] & Alpha) == 0) break;
                    p++;
                }
                if (c == ':')
                {
                    if (default(TCallbacks) is IHttpUrlPartCallbacks)
                    {
                        if ((rc = EndUrlPart(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                    }
                    p++;
                    _index = 0;
                    goto case State.UrlSchemaDelim;
                }
                if (IsUrlEnd(c) || IsTabOrFormFeed(c)) return InvalidUrlCharacters(p);
                return Fail(HpeCode.InvalidUrl, "Unexpected char in url schema", p);

            case State.UrlSchemaDelim:
                while (true)
                {
                    if (p == len) return Suspend(State.UrlSchemaDelim);
                    c = data[p];
                    if (c == '/')
                    {
                        p++;
                        if (++_index == 2)
                        {
                            _index = 0;
                            if (default(TCallbacks) is IHttpUrlPartCallbacks) StartUrlPart(HttpUrlPart.Host, p);
                            _state = State.UrlServer;
                            goto case State.UrlServer;
                        }
                        continue;
                    }
                    if (_index == 0 && (IsUrlEnd(c) || IsTabOrFormFeed(c))) return InvalidUrlCharacters(p);
                    _index = 0;
                    return Fail(HpeCode.InvalidUrl, "Unexpected char in url schema", p);
                }

            case State.UrlServer:
            case State.UrlServerWithAt:
            {
                bool withAt = _state == State.UrlServerWithAt;
                while (true)
                {
                    if (p == len) return Suspend(withAt ? State.UrlServerWithAt : State.UrlServer);
                    c = data[p];
                    if ((Class[c] & UserInfo) != 0 || c == '[' || c == ']')
                    {
                        p++;
                        continue;
                    }
                    if (c == '@')
                    {
                        // llhttp matches (consumes) the second '@' before failing, so the error is after it.
                        if (withAt) return Fail(HpeCode.InvalidUrl, "Double @ in url", p + 1);
                        withAt = true;
                        _state = State.UrlServerWithAt;
                        p++;
                        continue;
                    }
                    break;
                }
                _state = State.UrlServer;
                if (c == '/')
                {
                    if (default(TCallbacks) is IHttpUrlPartCallbacks)
                    {
                        if ((rc = EndUrlPart(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                        StartUrlPart(HttpUrlPart.Path, p);
                    }
                    p++;
                    goto case State.UrlPath;
                }
                if (c == '?')
                {
                    p++;
                    // llhttp matches the '?' before ending the host, so the host part keeps it.
                    if (default(TCallbacks) is IHttpUrlPartCallbacks)
                    {
                        if ((rc = EndUrlPart(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                        StartUrlPart(HttpUrlPart.Query, p);
                    }
                    goto case State.UrlQuery;
                }
                if (IsUrlEnd(c)) goto UrlEnd;
                if (IsTabOrFormFeed(c)) return InvalidUrlCharacters(p);
                return Fail(HpeCode.InvalidUrl, "Unexpected char in url server", p);
            }

            case State.UrlPath:
                if (p == len) return Suspend(State.UrlPath);
                m = data[p..].IndexOfAnyExcept(UrlValues);
                if (m < 0)
                {
                    p = len;
                    return Suspend(State.UrlPath);
                }
                p += m;
                c = data[p];
                if (IsTabOrFormFeed(c)) return InvalidUrlCharacters(p);
                // Any other byte ends the path part, even one llhttp then rejects.
                if (default(TCallbacks) is IHttpUrlPartCallbacks)
                {
                    if ((rc = EndUrlPart(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                }
                if (c == '?')
                {
                    p++;
                    if (default(TCallbacks) is IHttpUrlPartCallbacks) StartUrlPart(HttpUrlPart.Query, p);
                    goto case State.UrlQuery;
                }
                if (c == '#')
                {
                    p++;
                    if (default(TCallbacks) is IHttpUrlPartCallbacks) StartUrlPart(HttpUrlPart.Fragment, p);
                    goto case State.UrlFragment;
                }
                if (IsUrlEnd(c)) goto UrlEnd;
                return Fail(HpeCode.InvalidUrl, "Invalid char in url path", p);

            case State.UrlQuery:
                while (true)
                {
                    if (p == len) return Suspend(State.UrlQuery);
                    c = data[p];
                    if ((Class[c] & UrlChar) == 0 && c != '?') break;
                    p++;
                }
                if (c == '#')
                {
                    if (default(TCallbacks) is IHttpUrlPartCallbacks)
                    {
                        if ((rc = EndUrlPart(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                        StartUrlPart(HttpUrlPart.Fragment, p + 1);
                    }
                    p++;
                    goto case State.UrlFragment;
                }
                if (IsUrlEnd(c)) goto UrlEnd;
                if (IsTabOrFormFeed(c)) return InvalidUrlCharacters(p);
                return Fail(HpeCode.InvalidUrl, "Invalid char in url query", p);

            case State.UrlFragment:
                while (true)
                {
                    if (p == len) return Suspend(State.UrlFragment);
                    c = data[p];
                    if ((Class[c] & UrlChar) == 0 && c != '?' && c != '#') break;
                    p++;
                }
                if (IsUrlEnd(c)) goto UrlEnd;
                if (IsTabOrFormFeed(c)) return InvalidUrlCharacters(p);
                return Fail(HpeCode.InvalidUrl, "Invalid char in url fragment start", p);

            UrlEnd:
                // c is the byte ending the target: a space (HTTP/1.x follows) or CR/LF (HTTP/0.9). An open part
                // (host, query or fragment) ends before the whole target, as in llhttp.
                if (default(TCallbacks) is IHttpUrlPartCallbacks && _urlPart != HttpUrlPart.None)
                {
                    if ((rc = EndUrlPart(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                }
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                if (c == ' ')
                {
                    p++;
                    goto case State.UrlToHttp;
                }
                if (c == LF)
                {
                    p++;
                    goto case State.UrlToHttp09;
                }
                _index = 0;
                goto case State.UrlSkipLfToHttp09;

            // llhttp's url exits still refuse a TAB or FF as the next byte.
            case State.UrlToHttp:
                if (p == len) return Suspend(State.UrlToHttp);
                c = data[p];
                if (IsTabOrFormFeed(c)) return InvalidUrlCharacters(p);
                if (default(TCallbacks) is IHttpUrlPartCallbacks && _urlOnly) goto UrlOnlyNext;
                if (Notifies<TCallbacks>(Callback.UrlComplete)
                    && InvokePausable(ref cb, Callback.UrlComplete, p, State.ReqHttpStart, out rc)) return rc;
                goto case State.ReqHttpStart;

            case State.UrlSkipLfToHttp09:
                while (true)
                {
                    if (p == len) return Suspend(State.UrlSkipLfToHttp09);
                    c = data[p];
                    if (c != (_index == 0 ? CR : LF))
                    {
                        _index = 0;
                        return Fail(HpeCode.InvalidUrl, "Expected CRLF", p);
                    }
                    p++;
                    if (++_index == 2)
                    {
                        _index = 0;
                        break;
                    }
                }
                goto case State.UrlToHttp09;

            case State.UrlToHttp09:
                if (p == len) return Suspend(State.UrlToHttp09);
                c = data[p];
                if (IsTabOrFormFeed(c)) return InvalidUrlCharacters(p);
                if (default(TCallbacks) is IHttpUrlPartCallbacks && _urlOnly) goto UrlOnlyNext;
                _major = 0;
                _minor = 9;
                if (Notifies<TCallbacks>(Callback.UrlComplete)
                    && InvokePausable(ref cb, Callback.UrlComplete, p, State.HeadersStart, out rc)) return rc;
                goto HeadersStart;

            UrlOnlyNext:
                // Target-only mode (CreateUrlParser) loops as llhttp's URL fixture does: another target follows.
                StartSpan(SpanKind.Url, p);
                goto case State.UrlStart;

            case State.ReqHttpStart:
                while (true)
                {
                    if (p == len) return Suspend(State.ReqHttpStart);
                    if (data[p] != ' ') break;
                    if (_rfcStrict) return Fail(HpeCode.Strict, "More than one space before the HTTP version", p);
                    p++;
                }
                StartSpan(SpanKind.Protocol, p);
                _index = 0;
                goto case State.ReqAfterHttpStart;

            case State.ReqAfterHttpStart:
                m = ProtocolStep(data, ref p);
                if (m == -2) return Suspend(State.ReqAfterHttpStart);
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                if (m < 0) return Fail(HpeCode.InvalidConstant, "Expected HTTP/, RTSP/ or ICE/", p);
                (_protocolMethods, _protocolReason) = m switch
                {
                    0 => (HttpMethodsMask, "Invalid method for HTTP/x.x request"),
                    1 => (RtspMethodsMask, "Invalid method for RTSP/x.x request"),
                    _ => (IceMethodsMask, "Expected SOURCE method for ICE/x.x request"),
                };
                if (Notifies<TCallbacks>(Callback.ProtocolComplete)
                    && InvokePausable(ref cb, Callback.ProtocolComplete, p, State.ReqProtocolCheck, out rc)) return rc;
                goto case State.ReqProtocolCheck;

            case State.ReqProtocolCheck:
                if ((_protocolMethods & (1UL << (int)_method)) == 0) return Fail(HpeCode.InvalidConstant, _protocolReason!, p);
                goto case State.ReqAfterProtocol;

            case State.ReqAfterProtocol:
                if (p == len) return Suspend(State.ReqAfterProtocol);
                if (data[p] != '/') return Fail(HpeCode.InvalidConstant, "Expected HTTP/, RTSP/ or ICE/", p);
                p++;
                StartSpan(SpanKind.Version, p);
                _state = State.ReqHttpMajor;
                goto case State.ReqHttpMajor;

            case State.ReqHttpMajor:
            case State.ResHttpMajor:
            {
                bool req = _state == State.ReqHttpMajor;
                if (p == len) return HpeCode.Ok;
                c = data[p];
                if (!IsDigit(c))
                {
                    if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                    return Fail(HpeCode.InvalidVersion, "Invalid major version", p);
                }
                _major = (byte)(c - '0');
                p++;
                _state = req ? State.ReqHttpDot : State.ResHttpDot;
                goto case State.ReqHttpDot;
            }

            case State.ReqHttpDot:
            case State.ResHttpDot:
                if (p == len) return HpeCode.Ok;
                if (data[p] != '.')
                {
                    if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                    return Fail(HpeCode.InvalidVersion, "Expected dot", p);
                }
                p++;
                _state = _state == State.ReqHttpDot ? State.ReqHttpMinor : State.ResHttpMinor;
                goto case State.ReqHttpMinor;

            case State.ReqHttpMinor:
            case State.ResHttpMinor:
            {
                if (p == len) return HpeCode.Ok;
                c = data[p];
                if (!IsDigit(c))
                {
                    if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                    return Fail(HpeCode.InvalidVersion, "Invalid minor version", p);
                }
                _minor = (byte)(c - '0');
                p++;
                if (!IsLenient(LenientFlags.Version)
                    && !((_major == 0 && _minor == 9) || (_major == 1 && _minor <= 1) || (_major == 2 && _minor == 0)))
                {
                    if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                    return Fail(HpeCode.InvalidVersion, "Invalid HTTP version", p);
                }
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                if (_state == State.ReqHttpMinor)
                {
                    if (Notifies<TCallbacks>(Callback.VersionComplete)
                        && InvokePausable(ref cb, Callback.VersionComplete, p, State.ReqVersionDone, out rc)) return rc;
                    goto case State.ReqVersionDone;
                }
                if (Notifies<TCallbacks>(Callback.VersionComplete)
                    && InvokePausable(ref cb, Callback.VersionComplete, p, State.ResAfterVersion, out rc)) return rc;
                goto case State.ResAfterVersion;
            }

            case State.ReqVersionDone:
                if (_method == HttpMethodId.Pri)
                {
                    _index = 0;
                    goto case State.ReqPriUpgrade;
                }
                goto case State.ReqHttpComplete;

            case State.ReqHttpComplete:
                if (p == len) return Suspend(State.ReqHttpComplete);
                c = data[p];
                if (IsCrOrLenientLf(c))
                {
                    p++;
                    goto case State.ReqHttpCompleteCrlf;
                }
                // A refused LF is matched before the error, as in llhttp.
                return Fail(HpeCode.InvalidVersion, "Expected CRLF after version", c == LF ? p + 1 : p);

            case State.ReqHttpCompleteCrlf:
                if (p == len) return Suspend(State.ReqHttpCompleteCrlf);
                if (!LfAfterCr(data, ref p, LenientFlags.OptionalLfAfterCr)) return Fail(HpeCode.Strict, "Expected CRLF after version", p);
                goto HeadersStart;

            case State.ReqPriUpgrade:
                m = TrieStep(data, ref p, H2Preface, false);
                if (m == -2) return Suspend(State.ReqPriUpgrade);
                if (m < 0) return Fail(HpeCode.InvalidVersion, "Expected HTTP/2 Connection Preface", p);
                return Fail(HpeCode.PausedH2Upgrade, "Pause on PRI/Upgrade", p);

            // ---------------------------------------------------------------- status line
            case State.StartRes:
                StartSpan(SpanKind.Protocol, p);
                _index = 0;
                goto case State.ResAfterStart;

            case State.ResAfterStart:
                m = ProtocolStep(data, ref p);
                if (m == -2) return Suspend(State.ResAfterStart);
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                if (m < 0) return Fail(HpeCode.InvalidConstant, "Expected HTTP/, RTSP/ or ICE/", p);
                if (Notifies<TCallbacks>(Callback.ProtocolComplete)
                    && InvokePausable(ref cb, Callback.ProtocolComplete, p, State.ResAfterProtocol, out rc)) return rc;
                goto case State.ResAfterProtocol;

            case State.ResAfterProtocol:
                if (p == len) return Suspend(State.ResAfterProtocol);
                if (data[p] != '/') return Fail(HpeCode.InvalidConstant, "Expected HTTP/, RTSP/ or ICE/", p);
                p++;
                StartSpan(SpanKind.Version, p);
                _state = State.ResHttpMajor;
                goto case State.ResHttpMajor;

            case State.ResAfterVersion:
                if (p == len) return Suspend(State.ResAfterVersion);
                if (data[p] != ' ') return Fail(HpeCode.InvalidVersion, "Expected space after version", p);
                p++;
                _statusCode = 0;
                _state = State.ResStatusDigit1;
                goto case State.ResStatusDigit1;

            case State.ResStatusDigit1:
            case State.ResStatusDigit2:
            case State.ResStatusDigit3:
            {
                State s = _state;
                while (true)
                {
                    if (p == len) return Suspend(s);
                    c = data[p];
                    if (!IsDigit(c)) return Fail(HpeCode.InvalidStatus, "Invalid status code", p);
                    _statusCode = _statusCode * 10 + (c - '0');
                    p++;
                    if (s == State.ResStatusDigit3) break;
                    s++;
                }
                goto case State.ResStatusOtherwise;
            }

            case State.ResStatusOtherwise:
                if (p == len) return Suspend(State.ResStatusOtherwise);
                c = data[p];
                if (c == ' ')
                {
                    p++;
                    StartSpan(SpanKind.Status, p);
                    goto case State.ResStatus;
                }
                if (c == CR)
                {
                    p++;
                    goto case State.ResLineAlmostDone;
                }
                if (c == LF)
                {
                    p++;
                    if (IsLenient(LenientFlags.OptionalCrBeforeLf)) goto StatusComplete;
                    return Fail(HpeCode.InvalidStatus, "Invalid response status", p);
                }
                return Fail(HpeCode.InvalidStatus, "Invalid response status", p);

            case State.ResStatus:
                if (p == len) return Suspend(State.ResStatus);
                m = data[p..].IndexOfAny(CrLf);
                if (m < 0)
                {
                    p = len;
                    return Suspend(State.ResStatus);
                }
                p += m;
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p + 1);
                c = data[p];
                p++;
                if (c == CR) goto case State.ResLineAlmostDone;
                if (IsLenient(LenientFlags.OptionalCrBeforeLf)) goto StatusComplete;
                return Fail(HpeCode.CrExpected, "Missing expected CR after response line", p);

            case State.ResLineAlmostDone:
                if (p == len) return Suspend(State.ResLineAlmostDone);
                if (!LfAfterCr(data, ref p, LenientFlags.OptionalLfAfterCr)) return Fail(HpeCode.Strict, "Expected LF after CR", p);
                goto StatusComplete;

            StatusComplete:
                if (Notifies<TCallbacks>(Callback.StatusComplete)
                    && InvokePausable(ref cb, Callback.StatusComplete, p, State.HeadersStart, out rc)) return rc;
                goto HeadersStart;

            default:
                ThrowUnreachable();
                return HpeCode.Internal;
        }

    HeadersStart:
        // llhttp's headers_start, in RunHeaders.
        pos = p;
        return NextSection(State.HeadersStart);
    }

    // The bytes that end a request target: a space before the protocol, or CR or LF (HTTP/0.9).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsUrlEnd(byte c) => c == ' ' || c == CR || c == LF;

    // TAB and FF, which every url node refuses.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsTabOrFormFeed(byte c) => c == '\t' || c == '\f';

    // llhttp matches the refused byte before failing, so the error is one byte on.
    private HpeCode InvalidUrlCharacters(int p) => Fail(HpeCode.InvalidUrl, "Invalid characters in url", p + 1);
}
