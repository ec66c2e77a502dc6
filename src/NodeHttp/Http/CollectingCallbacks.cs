namespace NodeHttp;

/// <summary>
/// The parser callbacks of both the server and the client: the head's pieces (request target or reason phrase,
/// header names and values) go to the connection's <see cref="HeaderCollector"/>, the message events to
/// <typeparamref name="TEvents"/>. A struct over a struct, so the parser's calls are direct; the completions that
/// carry nothing it needs are not made at all (<see cref="IHttpParserQuietCallbacks"/>).
/// </summary>
internal readonly struct CollectingCallbacks<TEvents> : IHttpParserCallbacks, IHttpParserQuietCallbacks
    where TEvents : struct, IMessageEvents
{
    private readonly HeaderCollector collector;
    private readonly TEvents events;

    public CollectingCallbacks(HeaderCollector collector, TEvents events)
    {
        this.collector = collector;
        this.events = events;
    }

    public HpeCode OnMessageBegin()
    {
        collector.BeginMessage();
        return events.OnMessageBegin();
    }

    public HpeCode OnReset() => HpeCode.Ok;

    public HpeCode OnMethod(ReadOnlySpan<byte> data) => HpeCode.Ok;

    public HpeCode OnMethodComplete() => HpeCode.Ok;

    public HpeCode OnUrl(ReadOnlySpan<byte> data)
    {
        collector.AppendStartText(data);
        return HpeCode.Ok;
    }

    public HpeCode OnUrlComplete() => HpeCode.Ok;

    public HpeCode OnProtocol(ReadOnlySpan<byte> data) => HpeCode.Ok;

    public HpeCode OnProtocolComplete() => HpeCode.Ok;

    public HpeCode OnVersion(ReadOnlySpan<byte> data) => HpeCode.Ok;

    public HpeCode OnVersionComplete() => HpeCode.Ok;

    public HpeCode OnStatus(ReadOnlySpan<byte> data)
    {
        collector.AppendStartText(data);
        return HpeCode.Ok;
    }

    public HpeCode OnStatusComplete() => HpeCode.Ok;

    public HpeCode OnHeaderField(ReadOnlySpan<byte> data)
    {
        collector.AppendName(data);
        return HpeCode.Ok;
    }

    public HpeCode OnHeaderFieldComplete() => HpeCode.Ok;

    public HpeCode OnHeaderValue(ReadOnlySpan<byte> data)
    {
        collector.AppendValue(data);
        return HpeCode.Ok;
    }

    public HpeCode OnHeaderValueComplete()
    {
        collector.CompleteLine();
        return HpeCode.Ok;
    }

    public HeadersCompleteAction OnHeadersComplete(HttpParser parser) => events.OnHeadersComplete(parser);

    public HpeCode OnBody(ReadOnlySpan<byte> data) => events.OnBody(data);

    public HpeCode OnChunkHeader() => HpeCode.Ok;

    public HpeCode OnChunkExtensionName(ReadOnlySpan<byte> data) => HpeCode.Ok;

    public HpeCode OnChunkExtensionNameComplete() => HpeCode.Ok;

    public HpeCode OnChunkExtensionValue(ReadOnlySpan<byte> data) => HpeCode.Ok;

    public HpeCode OnChunkExtensionValueComplete() => HpeCode.Ok;

    public HpeCode OnChunkComplete() => HpeCode.Ok;

    public HpeCode OnMessageComplete() => events.OnMessageComplete();
}
