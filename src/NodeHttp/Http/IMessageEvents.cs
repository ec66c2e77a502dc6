namespace NodeHttp;

/// <summary>
/// What a connection does with a received message beyond its head's text, which <see cref="HeaderCollector"/>
/// gathers: the server's request events, the client's response events. Implemented by a struct wrapping the
/// connection, so <see cref="CollectingCallbacks{TEvents}"/> calls it directly.
/// </summary>
internal interface IMessageEvents
{
    /// <summary>A message starts (after the collector forgot the one before).</summary>
    HpeCode OnMessageBegin();

    /// <summary>The head is complete; the collector holds its lines and start-line text.</summary>
    HeadersCompleteAction OnHeadersComplete(HttpParser parser);

    /// <summary>Bytes of the body.</summary>
    HpeCode OnBody(ReadOnlySpan<byte> data);

    /// <summary>The message is complete; the collector holds its trailer lines.</summary>
    HpeCode OnMessageComplete();
}
