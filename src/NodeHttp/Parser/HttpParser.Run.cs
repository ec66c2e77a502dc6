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
}
