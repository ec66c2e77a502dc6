using NodeHttp;
using SharpFuzz;

// The parser under coverage-guided fuzzing (SharpFuzz + AFL++; see fuzz/README.md). One input drives the parser:
//   byte 0: mode (bit 0: request or response; bit 1: InsecureHttpParser flags; bit 2: the server's RfcStrict checks)
//   byte 1: where the rest is split into two Execute calls (scaled to its length), the second half fed again after
//           a Finish when bit 3 of byte 0 is set.
// The parser must return, never throw, whatever the bytes; a thrown exception or a hang is what AFL++ reports.
// ParserFuzz --replay <file>... runs inputs once each outside AFL (for a crash turned into a test).
if (args.Length > 0 && args[0] == "--replay")
{
    foreach (string file in args.Skip(1))
    {
        Harness.Run(File.ReadAllBytes(file));
        Console.WriteLine("ok " + file);
    }
    return;
}
Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    Harness.Run(memory.ToArray());
});

/// <summary>Feeds one fuzz input to the parser.</summary>
internal static class Harness
{
    private static readonly System.Reflection.PropertyInfo ServerChecks =
        typeof(HttpParser).GetProperty("RfcStrict", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;

    private static readonly System.Reflection.PropertyInfo SpacesOnly =
        typeof(HttpParser).GetProperty("ContentLengthSpacesOnly", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;

    internal static void Run(byte[] input)
    {
        if (input.Length < 2)
        {
            return;
        }
        byte mode = input[0];
        ReadOnlySpan<byte> data = input.AsSpan(2);
        var parser = new HttpParser(
            (mode & 1) == 0 ? HttpParserType.Request : HttpParserType.Response,
            (mode & 2) != 0 ? LenientFlags.InsecureHttpParser : LenientFlags.None,
            16384);
        if ((mode & 4) != 0)
        {
            // The server's checks are internal to the library: set as the server sets them.
            ServerChecks.SetValue(parser, true);
            SpacesOnly.SetValue(parser, true);
        }
        int split = data.Length * input[1] / 256;
        var callbacks = new CountingCallbacks();
        HpeCode rc = Feed(parser, data[..split], ref callbacks);
        if (rc == HpeCode.Ok || rc == HpeCode.Paused)
        {
            Feed(parser, data[split..], ref callbacks);
        }
        parser.Finish(ref callbacks);
        if ((mode & 8) != 0)
        {
            parser.Reset();
            Feed(parser, data, ref callbacks);
            parser.Finish(ref callbacks);
        }
    }

    // Runs the input through, resuming after pauses and upgrades as a server would.
    private static HpeCode Feed(HttpParser parser, ReadOnlySpan<byte> data, ref CountingCallbacks callbacks)
    {
        for (int guard = 0; guard < 10_000; guard++)
        {
            HpeCode rc = parser.Execute(data, ref callbacks);
            if (rc == HpeCode.PausedUpgrade)
            {
                data = data[parser.ErrorOffset..];
                parser.ResumeAfterUpgrade();
                continue;
            }
            if (rc == HpeCode.Paused)
            {
                data = data[parser.ErrorOffset..];
                parser.Resume();
                continue;
            }
            return rc;
        }
        throw new InvalidOperationException("the parser made no progress");
    }
}

/// <summary>Callbacks that read every span (so the spans' bounds are exercised) and pause the parser now and then.</summary>
internal struct CountingCallbacks : IHttpParserCallbacks
{
    private long sum;
    private int events;

    private HpeCode Span(ReadOnlySpan<byte> s)
    {
        foreach (byte b in s)
        {
            sum += b;
        }
        return HpeCode.Ok;
    }

    // Completion events may pause (llhttp's pausable callbacks); every 13th does.
    private HpeCode Done() => ++events % 13 == 0 ? HpeCode.Paused : HpeCode.Ok;

    public HpeCode OnMessageBegin() => HpeCode.Ok;
    public HpeCode OnReset() => HpeCode.Ok;
    public HpeCode OnMethod(ReadOnlySpan<byte> data) => Span(data);
    public HpeCode OnMethodComplete() => Done();
    public HpeCode OnUrl(ReadOnlySpan<byte> data) => Span(data);
    public HpeCode OnUrlComplete() => Done();
    public HpeCode OnProtocol(ReadOnlySpan<byte> data) => Span(data);
    public HpeCode OnProtocolComplete() => Done();
    public HpeCode OnVersion(ReadOnlySpan<byte> data) => Span(data);
    public HpeCode OnVersionComplete() => Done();
    public HpeCode OnStatus(ReadOnlySpan<byte> data) => Span(data);
    public HpeCode OnStatusComplete() => Done();
    public HpeCode OnHeaderField(ReadOnlySpan<byte> data) => Span(data);
    public HpeCode OnHeaderFieldComplete() => Done();
    public HpeCode OnHeaderValue(ReadOnlySpan<byte> data) => Span(data);
    public HpeCode OnHeaderValueComplete() => Done();
    public HeadersCompleteAction OnHeadersComplete(HttpParser parser) => (events & 7) == 7 ? HeadersCompleteAction.SkipBody : HeadersCompleteAction.Continue;
    public HpeCode OnBody(ReadOnlySpan<byte> data) => Span(data);
    public HpeCode OnChunkHeader() => Done();
    public HpeCode OnChunkExtensionName(ReadOnlySpan<byte> data) => Span(data);
    public HpeCode OnChunkExtensionNameComplete() => Done();
    public HpeCode OnChunkExtensionValue(ReadOnlySpan<byte> data) => Span(data);
    public HpeCode OnChunkExtensionValueComplete() => Done();
    public HpeCode OnChunkComplete() => Done();
    public HpeCode OnMessageComplete() => Done();
}
