namespace NodeHttp;

/// <summary>
/// Typed listeners for a <see cref="Server"/>'s documented events, so a listener of the wrong shape is a compile error; each returns the server for chaining (<c>OnClose</c> and <c>OnError</c> are in <see cref="StreamEventExtensions"/>).
/// </summary>
public static class ServerEventExtensions
{
    /// <summary>Listens to <c>'request'</c>(<see cref="IncomingMessage"/> req, <see cref="ServerResponse"/> res): each request.</summary>
    /// <param name="server">The server.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="server"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> or <paramref name="listener"/> is null.</exception>
    public static Server OnRequest(this Server server, Action<IncomingMessage, ServerResponse> listener)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        server.On(HttpEvents.Request, listener);
        return server;
    }

    /// <summary>Listens to <c>'connection'</c>(<see cref="Socket"/>): each accepted connection.</summary>
    /// <param name="server">The server.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="server"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> or <paramref name="listener"/> is null.</exception>
    public static Server OnConnection(this Server server, Action<Socket> listener)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        server.On(HttpEvents.Connection, listener);
        return server;
    }

    /// <summary>Listens to <c>'listening'</c>(): the server is bound.</summary>
    /// <param name="server">The server.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="server"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> or <paramref name="listener"/> is null.</exception>
    public static Server OnListening(this Server server, Action listener)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        server.On(HttpEvents.Listening, listener);
        return server;
    }

    /// <summary>Listens to <c>'checkContinue'</c>(req, res): a request with <c>Expect: 100-continue</c> (then no <c>'request'</c> is emitted for it).</summary>
    /// <param name="server">The server.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="server"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> or <paramref name="listener"/> is null.</exception>
    public static Server OnCheckContinue(this Server server, Action<IncomingMessage, ServerResponse> listener)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        server.On(HttpEvents.CheckContinue, listener);
        return server;
    }

    /// <summary>Listens to <c>'checkExpectation'</c>(req, res): a request with another <c>Expect</c> value.</summary>
    /// <param name="server">The server.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="server"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> or <paramref name="listener"/> is null.</exception>
    public static Server OnCheckExpectation(this Server server, Action<IncomingMessage, ServerResponse> listener)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        server.On(HttpEvents.CheckExpectation, listener);
        return server;
    }

    /// <summary>Listens to <c>'clientError'</c>(<see cref="Exception"/> (a <see cref="NodeHttpException"/>), <see cref="Socket"/>): a malformed request or a connection error; the listener answers or destroys the socket.</summary>
    /// <param name="server">The server.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="server"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> or <paramref name="listener"/> is null.</exception>
    public static Server OnClientError(this Server server, Action<Exception, Socket> listener)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        server.On(HttpEvents.ClientError, listener);
        return server;
    }

    /// <summary>Listens to <c>'connect'</c>(req, <see cref="Socket"/>, <see cref="NodeBuffer"/> head): a <c>CONNECT</c> request; the head holds the bytes after it.</summary>
    /// <param name="server">The server.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="server"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> or <paramref name="listener"/> is null.</exception>
    public static Server OnConnect(this Server server, Action<IncomingMessage, Socket, NodeBuffer> listener)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        server.On(HttpEvents.Connect, listener);
        return server;
    }

    /// <summary>Listens to <c>'upgrade'</c>(req, <see cref="Socket"/>, <see cref="NodeBuffer"/> head): a request asking for a protocol switch.</summary>
    /// <param name="server">The server.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="server"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> or <paramref name="listener"/> is null.</exception>
    public static Server OnUpgrade(this Server server, Action<IncomingMessage, Socket, NodeBuffer> listener)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        server.On(HttpEvents.Upgrade, listener);
        return server;
    }

    /// <summary>Listens to <c>'timeout'</c>(<see cref="Socket"/>): a connection idle for <see cref="Server.Timeout"/>.</summary>
    /// <param name="server">The server.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="server"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> or <paramref name="listener"/> is null.</exception>
    public static Server OnTimeout(this Server server, Action<Socket> listener)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        server.On(HttpEvents.Timeout, listener);
        return server;
    }

    /// <summary>Listens to <c>'dropRequest'</c>(req, <see cref="Socket"/>): a request refused past <see cref="Server.MaxRequestsPerSocket"/>.</summary>
    /// <param name="server">The server.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="server"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="server"/> or <paramref name="listener"/> is null.</exception>
    public static Server OnDropRequest(this Server server, Action<IncomingMessage, Socket> listener)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(listener);
        server.On(HttpEvents.DropRequest, listener);
        return server;
    }
}
