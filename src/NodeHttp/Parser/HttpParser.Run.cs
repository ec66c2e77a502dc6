using System.Runtime.CompilerServices;

namespace NodeHttp;

public sealed partial class HttpParser
{
    private const byte CR = (byte)'\r';
    private const byte LF = (byte)'\n';

    // The state machine: llhttp's graph (src/llhttp/http.ts, url.ts) walked by hand, one method per section of it:
    // the start line and request target (HttpParser.StartLine.cs), the headers (HttpParser.Headers.cs), the body,
    // chunks and end of a message (HttpParser.Body.cs). Inside a section a transition is a `goto case`; into
    // another section it sets _state and returns SectionEnd with the position in `pos`, and this loop enters the
    // section that state belongs to. A `match` consumes the byte before the next node runs, a `peek` does not;
    // errors are reported at the position llhttp reports them.
    private HpeCode Run<TCallbacks>(ReadOnlySpan<byte> data, ref TCallbacks cb)
        where TCallbacks : struct, IHttpParserCallbacks
    {
        int p = 0;
        HpeCode rc;
        do
        {
            rc = _state < State.HeadersStart ? RunStartLine(data, ref p, ref cb)
                : _state < State.HeadersDone ? RunHeaders(data, ref p, ref cb)
                : RunBody(data, ref p, ref cb);
        }
        while (rc == SectionEnd);
        return rc;
    }

    // Run's signal that a section handed over to another one at _state.
    private const HpeCode SectionEnd = (HpeCode)(-1);

    private HpeCode NextSection(State next)
    {
        _state = next;
        return SectionEnd;
    }

    // llhttp's invokePausable: a notification callback at p. On Ok the section goes on (false); otherwise it
    // stops there (true, with the code in `rc`): a pause resumes at `next`, anything else is the callback's error.
    // `which` is a constant at every call, so the switch folds to the one call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool InvokePausable<TCallbacks>(ref TCallbacks cb, Callback which, int p, State next, out HpeCode rc)
        where TCallbacks : struct, IHttpParserCallbacks
    {
        _pos = p;
        rc = which switch
        {
            Callback.MessageBegin => cb.OnMessageBegin(),
            Callback.Reset => cb.OnReset(),
            Callback.MethodComplete => cb.OnMethodComplete(),
            Callback.UrlComplete => cb.OnUrlComplete(),
            Callback.ProtocolComplete => cb.OnProtocolComplete(),
            Callback.VersionComplete => cb.OnVersionComplete(),
            Callback.StatusComplete => cb.OnStatusComplete(),
            Callback.HeaderFieldComplete => cb.OnHeaderFieldComplete(),
            Callback.HeaderValueComplete => cb.OnHeaderValueComplete(),
            Callback.ChunkHeader => cb.OnChunkHeader(),
            Callback.ChunkExtensionName => cb.OnChunkExtensionNameComplete(),
            Callback.ChunkExtensionValue => cb.OnChunkExtensionValueComplete(),
            Callback.ChunkComplete => cb.OnChunkComplete(),
            _ => cb.OnMessageComplete(),
        };
        if (rc == HpeCode.Ok)
        {
            return false;
        }
        rc = CallbackStop(rc, p, next, which);
        return true;
    }

    // Whether the callbacks want the completion `which` (a constant at every call, as is the answer): one that
    // carries no data is not made for callbacks marked IHttpParserQuietCallbacks.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Notifies<TCallbacks>(Callback which)
        where TCallbacks : struct, IHttpParserCallbacks =>
        default(TCallbacks) is not IHttpParserQuietCallbacks
        || which is not (Callback.Reset or Callback.MethodComplete or Callback.UrlComplete or Callback.ProtocolComplete
            or Callback.VersionComplete or Callback.StatusComplete or Callback.HeaderFieldComplete or Callback.ChunkHeader
            or Callback.ChunkExtensionName or Callback.ChunkExtensionValue or Callback.ChunkComplete);

    // "CR, or LF when lenient": the byte that ends a line where llhttp takes both to the same node. A CR still
    // wants its LF; a bare LF passes only under OptionalCrBeforeLf.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool IsCrOrLenientLf(byte c) => c == CR || (c == LF && IsLenient(LenientFlags.OptionalCrBeforeLf));

    // After a CR: the LF that completes the line, consumed, or none where `lenient` allows it (OptionalLfAfterCr;
    // Headers after an empty value). False means the line is broken here.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool LfAfterCr(ReadOnlySpan<byte> data, ref int p, LenientFlags lenient)
    {
        if (data[p] == LF)
        {
            p++;
            return true;
        }
        return IsLenient(lenient);
    }

    // Optional whitespace (RFC 9110 OWS) around header values and their tokens.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsSpaceOrTab(byte c) => c == ' ' || c == '\t';
}
