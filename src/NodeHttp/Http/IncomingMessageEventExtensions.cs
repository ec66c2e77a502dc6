namespace NodeHttp;

/// <summary>
/// Typed listeners for an <see cref="IncomingMessage"/>'s own events (its stream events — <c>OnData</c>, <c>OnEnd</c>, <c>OnClose</c>, <c>OnError</c> — are in <see cref="StreamEventExtensions"/>); each returns the message for chaining.
/// </summary>
public static class IncomingMessageEventExtensions
{
    /// <summary>Listens to <c>'aborted'</c>(): the message was cut short before its end.</summary>
    /// <param name="message">The message.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="message"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="message"/> or <paramref name="listener"/> is null.</exception>
    public static IncomingMessage OnAborted(this IncomingMessage message, Action listener)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(listener);
        message.On(HttpEvents.Aborted, listener);
        return message;
    }
}
