using static NodeHttp.HttpParserTables;

namespace NodeHttp;

public sealed partial class HttpParser
{
    // Body, chunks and the end of a message: llhttp's after_headers_complete, body_identity, chunk_size*,
    // chunk_extension*, chunk_data*, message_done, cleanup and closed.
    private HpeCode RunBody<TCallbacks>(ReadOnlySpan<byte> data, ref int pos, ref TCallbacks cb)
        where TCallbacks : struct, IHttpParserCallbacks
    {
        int p = pos;
        int len = data.Length;
        HpeCode rc;
        int m;
        byte c;

        switch (_state)
        {
            // ---------------------------------------------------------------- body framing
            case State.HeadersDone:
            {
                // llhttp__after_headers_complete (RFC 9112 section 6.3).
                bool hasBody = (_flags & ParserFlags.Chunked) != 0 || _contentLength > 0;
                bool response = _type == HttpParserType.Response;
                if ((_upgrade && (_method == HttpMethodId.Connect || (_flags & ParserFlags.SkipBody) != 0 || !hasBody))
                    || (response && _statusCode == 101))
                {
                    if (InvokePausable(ref cb, Callback.MessageComplete, p, State.UpgradeAfterDone, out rc)) return rc;
                    goto UpgradePause;
                }
                if ((response && _statusCode == 100)
                    || (_flags & ParserFlags.SkipBody) != 0
                    || (response && _statusCode is 102 or 103 or 204 or 304))
                {
                    goto NoBody;
                }
                if ((_flags & ParserFlags.Chunked) != 0) goto case State.ChunkSizeStart;
                if ((_flags & ParserFlags.TransferEncoding) != 0)
                {
                    if (_type == HttpParserType.Request && !IsLenient(LenientFlags.ChunkedLength) && !IsLenient(LenientFlags.TransferEncoding))
                    {
                        return Fail(HpeCode.InvalidTransferEncoding, "Request has invalid `Transfer-Encoding`", p);
                    }
                    goto BodyUntilEof;
                }
                if ((_flags & ParserFlags.ContentLength) == 0)
                {
                    if (MessageNeedsEof) goto BodyUntilEof;
                    goto NoBody;
                }
                if (_contentLength == 0) goto NoBody;
                StartSpan(SpanKind.Body, p);
                _state = State.BodyIdentity;
                goto case State.BodyIdentity;
            }

            NoBody:
                if (InvokePausable(ref cb, Callback.MessageComplete, p, State.Cleanup, out rc)) return rc;
                goto case State.Cleanup;

            BodyUntilEof:
                _finish = FinishSafeWithCallback;
                StartSpan(SpanKind.Body, p);
                goto case State.Eof;

            case State.Eof:
                p = len;
                return Suspend(State.Eof);

            case State.BodyIdentity:
            case State.ChunkData:
            {
                bool chunk = _state == State.ChunkData;
                ulong avail = (ulong)(len - p);
                if (avail < _contentLength)
                {
                    _contentLength -= avail;
                    p = len;
                    return Suspend(chunk ? State.ChunkData : State.BodyIdentity);
                }
                p += (int)_contentLength;
                _contentLength = 0;
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                if (chunk)
                {
                    _index = 0;
                    goto case State.ChunkDataAlmostDone;
                }
                goto case State.MessageDone;
            }

            // ---------------------------------------------------------------- chunked framing
            case State.ChunkSizeStart:
                _contentLength = 0;
                goto case State.ChunkSizeDigit;

            case State.ChunkSizeDigit:
                if (p == len) return Suspend(State.ChunkSizeDigit);
                m = HexValue(data[p]);
                if (m < 0) return Fail(HpeCode.InvalidChunkSize, "Invalid character in chunk size", p);
                p++;
                if (!MulAdd(ref _contentLength, 16, m)) return Fail(HpeCode.InvalidChunkSize, "Chunk size overflow", p);
                goto case State.ChunkSize;

            case State.ChunkSize:
                while (true)
                {
                    if (p == len) return Suspend(State.ChunkSize);
                    m = HexValue(data[p]);
                    if (m < 0) break;
                    p++;
                    if (!MulAdd(ref _contentLength, 16, m)) return Fail(HpeCode.InvalidChunkSize, "Chunk size overflow", p);
                }
                goto case State.ChunkSizeOtherwise;

            case State.ChunkSizeOtherwise:
                if (p == len) return Suspend(State.ChunkSizeOtherwise);
                c = data[p];
                p++;
                if (IsSpaceOrTab(c))
                {
                    if (IsLenient(LenientFlags.SpacesAfterChunkSize)) goto case State.ChunkSizeOtherwise;
                    return Fail(HpeCode.InvalidChunkSize, "Invalid character in chunk size", p);
                }
                if (IsCrOrLenientLf(c)) goto case State.ChunkSizeAlmostDone;
                if (c == LF) return Fail(HpeCode.CrExpected, "Missing expected CR after chunk size", p);
                if (c == ';') goto case State.ChunkExtensions;
                return Fail(HpeCode.InvalidChunkSize, "Invalid character in chunk size", p - 1);

            case State.ChunkSizeAlmostDone:
                if (p == len) return Suspend(State.ChunkSizeAlmostDone);
                if (!LfAfterCr(data, ref p, LenientFlags.OptionalLfAfterCr)) return Fail(HpeCode.Strict, "Expected LF after chunk size", p);
                _headerBytes = 0;
                _chunkExtensionBytes = 0;
                if (Notifies<TCallbacks>(Callback.ChunkHeader)
                    && InvokePausable(ref cb, Callback.ChunkHeader, p, State.ToChunk, out rc)) return rc;
                goto case State.ToChunk;

            case State.ToChunk:
                if (_contentLength == 0)
                {
                    _flags |= ParserFlags.Trailing;
                    pos = p;
                    return NextSection(State.HeaderFieldStart);
                }
                StartSpan(SpanKind.Body, p);
                _state = State.ChunkData;
                goto case State.ChunkData;

            case State.ChunkExtensions:
                if (p == len) return Suspend(State.ChunkExtensions);
                c = data[p];
                if (c == ' ' || c == CR) return Fail(HpeCode.Strict, "Invalid character in chunk extensions", p + 1);
                StartSpan(SpanKind.ChunkExtensionName, p);
                goto case State.ChunkExtensionName;

            case State.ChunkExtensionName:
                while (true)
                {
                    if (p == len) return Suspend(State.ChunkExtensionName);
                    c = data[p];
                    if ((Class[c] & Token) == 0) break;
                    p++;
                }
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, c == LF ? p : p + 1);
                if (c == '=')
                {
                    p++;
                    StartSpan(SpanKind.ChunkExtensionValue, p);
                    if (Notifies<TCallbacks>(Callback.ChunkExtensionName)
                        && InvokePausable(ref cb, Callback.ChunkExtensionName, p, State.ChunkExtensionValue, out rc)) return rc;
                    goto case State.ChunkExtensionValue;
                }
                if (c == ';' || c == CR)
                {
                    p++;
                    State next = c == ';' ? State.ChunkExtensions : State.ChunkSizeAlmostDone;
                    if (Notifies<TCallbacks>(Callback.ChunkExtensionName)
                        && InvokePausable(ref cb, Callback.ChunkExtensionName, p, next, out rc)) return rc;
                    if (c == ';') goto case State.ChunkExtensions;
                    goto case State.ChunkSizeAlmostDone;
                }
                if (c == LF)
                {
                    if (Notifies<TCallbacks>(Callback.ChunkExtensionName)
                        && InvokePausable(ref cb, Callback.ChunkExtensionName, p, State.ChunkExtensionNameLfCheck, out rc)) return rc;
                    goto case State.ChunkExtensionNameLfCheck;
                }
                return Fail(HpeCode.Strict, "Invalid character in chunk extensions name", p + 1);

            case State.ChunkExtensionNameLfCheck:
                if (IsLenient(LenientFlags.OptionalCrBeforeLf)) goto case State.ChunkSizeAlmostDone;
                return Fail(HpeCode.CrExpected, "Missing expected CR after chunk extension name", p);

            case State.ChunkExtensionValue:
                while (true)
                {
                    if (p == len) return Suspend(State.ChunkExtensionValue);
                    c = data[p];
                    if (c == '"')
                    {
                        p++;
                        goto case State.ChunkExtensionQuotedValue;
                    }
                    if ((Class[c] & Token) == 0) break;
                    p++;
                }
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, c == LF ? p : p + 1);
                if (c == ';' || c == CR)
                {
                    p++;
                    State next = c == ';' ? State.ChunkExtensions : State.ChunkSizeAlmostDone;
                    if (Notifies<TCallbacks>(Callback.ChunkExtensionValue)
                        && InvokePausable(ref cb, Callback.ChunkExtensionValue, p, next, out rc)) return rc;
                    if (c == ';') goto case State.ChunkExtensions;
                    goto case State.ChunkSizeAlmostDone;
                }
                if (c == LF)
                {
                    if (Notifies<TCallbacks>(Callback.ChunkExtensionValue)
                        && InvokePausable(ref cb, Callback.ChunkExtensionValue, p, State.ChunkExtensionValueLfCheck, out rc)) return rc;
                    goto case State.ChunkExtensionValueLfCheck;
                }
                return Fail(HpeCode.Strict, "Invalid character in chunk extensions value", p + 1);

            case State.ChunkExtensionValueLfCheck:
                if (IsLenient(LenientFlags.OptionalCrBeforeLf)) goto case State.ChunkSizeAlmostDone;
                return Fail(HpeCode.CrExpected, "Missing expected CR after chunk extension value", p);

            case State.ChunkExtensionQuotedValue:
                while (true)
                {
                    if (p == len) return Suspend(State.ChunkExtensionQuotedValue);
                    c = data[p];
                    if ((Class[c] & QdText) == 0) break;
                    p++;
                }
                if (c == '"')
                {
                    p++;
                    if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p);
                    if (Notifies<TCallbacks>(Callback.ChunkExtensionValue)
                        && InvokePausable(ref cb, Callback.ChunkExtensionValue, p, State.ChunkExtensionQuotedValueDone, out rc)) return rc;
                    goto case State.ChunkExtensionQuotedValueDone;
                }
                if (c == '\\')
                {
                    p++;
                    goto case State.ChunkExtensionQuotedValuePair;
                }
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p + 1);
                return Fail(HpeCode.Strict, "Invalid character in chunk extensions quoted value", p + 1);

            case State.ChunkExtensionQuotedValuePair:
                if (p == len) return Suspend(State.ChunkExtensionQuotedValuePair);
                c = data[p];
                if ((Class[c] & HeaderChar) != 0)
                {
                    p++;
                    goto case State.ChunkExtensionQuotedValue;
                }
                if ((rc = EndSpan(ref cb, data, p)) != HpeCode.Ok) return SpanFail(rc, p + 1);
                return Fail(HpeCode.Strict, "Invalid quoted-pair in chunk extensions quoted value", p + 1);

            case State.ChunkExtensionQuotedValueDone:
                if (p == len) return Suspend(State.ChunkExtensionQuotedValueDone);
                c = data[p];
                if (c == ';')
                {
                    p++;
                    goto case State.ChunkExtensions;
                }
                if (c == CR)
                {
                    p++;
                    goto case State.ChunkSizeAlmostDone;
                }
                if (c == LF) goto case State.ChunkExtensionValueLfCheck;
                return Fail(HpeCode.Strict, "Invalid character in chunk extensions quote value", p);

            case State.ChunkDataAlmostDone:
                if (p == len) return Suspend(State.ChunkDataAlmostDone);
                c = data[p];
                if (_index == 0)
                {
                    if (c == CR)
                    {
                        p++;
                        _index = 1;
                        goto case State.ChunkDataAlmostDone;
                    }
                    if (c == LF)
                    {
                        p++;
                        if (IsLenient(LenientFlags.OptionalCrBeforeLf)) goto case State.ChunkComplete;
                        return Fail(HpeCode.CrExpected, "Missing expected CR after chunk data", p);
                    }
                }
                else
                {
                    _index = 0;
                    if (c == LF)
                    {
                        p++;
                        goto case State.ChunkComplete;
                    }
                }
                if (IsLenient(LenientFlags.OptionalCrlfAfterChunk)) goto case State.ChunkComplete;
                return Fail(HpeCode.Strict, "Expected LF after chunk data", p);

            case State.ChunkComplete:
                _headerBytes = 0;
                if (Notifies<TCallbacks>(Callback.ChunkComplete)
                    && InvokePausable(ref cb, Callback.ChunkComplete, p, State.ChunkSizeStart, out rc)) return rc;
                goto case State.ChunkSizeStart;

            // ---------------------------------------------------------------- message end
            case State.MessageDone:
                if (InvokePausable(ref cb, Callback.MessageComplete, p, State.UpgradeAfterDone, out rc)) return rc;
                goto case State.UpgradeAfterDone;

            case State.UpgradeAfterDone:
                if (_upgrade) goto UpgradePause;
                goto case State.Cleanup;

            UpgradePause:
                _state = State.Cleanup;
                _error = HpeCode.PausedUpgrade;
                _reason = "Pause on CONNECT/Upgrade";
                _errorPos = p;
                return HpeCode.PausedUpgrade;

            case State.Cleanup:
            {
                // llhttp__after_message_complete, then llhttp's `restart` or `closed`.
                bool keepAlive = ShouldKeepAlive;
                _finish = FinishSafe;
                _flags = 0;
                if (keepAlive)
                {
                    _contentLength = 0;
                }
                else if (!IsLenient(LenientFlags.KeepAlive))
                {
                    goto case State.Closed;
                }
                _initialMessageCompleted = true;
                pos = p;
                return NextSection(State.Start);
            }

            case State.Closed:
                while (true)
                {
                    if (p == len) return Suspend(State.Closed);
                    c = data[p];
                    p++;
                    if (c == CR || c == LF) continue;
                    if (!IsLenient(LenientFlags.DataAfterClose)) return Fail(HpeCode.ClosedConnection, "Data after `Connection: close`", p);
                }

            default:
                ThrowUnreachable();
                return HpeCode.Internal;
        }
    }
}
