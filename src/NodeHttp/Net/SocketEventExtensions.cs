namespace NodeHttp;

/// <summary>
/// Typed listeners for a <see cref="Socket"/>'s documented events (its stream events — <c>OnData</c>, <c>OnEnd</c>,
/// <c>OnDrain</c>, <c>OnError</c> — are in <see cref="StreamEventExtensions"/>). Each returns the socket for chaining.
/// </summary>
public static class SocketEventExtensions
{
    /// <summary>Listens to <c>'connect'</c>() — the connection is established.</summary>
    /// <typeparam name="T">The socket's type.</typeparam>
    /// <param name="socket">The socket.</param>
    /// <param name="listener">Called once connected.</param>
    /// <returns><paramref name="socket"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> or <paramref name="listener"/> is null.</exception>
    public static T OnConnect<T>(this T socket, Action listener)
        where T : Socket
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(listener);
        socket.On(NetEvents.Connect, listener);
        return socket;
    }

    /// <summary>Listens to <c>'timeout'</c>() — the socket was idle for its <c>SetTimeout</c> (it stays open).</summary>
    /// <typeparam name="T">The socket's type.</typeparam>
    /// <param name="socket">The socket.</param>
    /// <param name="listener">Called at each idle timeout.</param>
    /// <returns><paramref name="socket"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> or <paramref name="listener"/> is null.</exception>
    public static T OnTimeout<T>(this T socket, Action listener)
        where T : Socket
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(listener);
        socket.On(NetEvents.Timeout, listener);
        return socket;
    }

    /// <summary>Listens to <c>'close'</c>(bool hadError) — the socket is fully closed; true when an error closed it.</summary>
    /// <typeparam name="T">The socket's type.</typeparam>
    /// <param name="socket">The socket.</param>
    /// <param name="listener">Called once with whether an error closed it.</param>
    /// <returns><paramref name="socket"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="socket"/> or <paramref name="listener"/> is null.</exception>
    public static T OnClose<T>(this T socket, Action<bool> listener)
        where T : Socket
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(listener);
        socket.On(NetEvents.Close, listener);
        return socket;
    }
}
