namespace NodeHttp;

/// <summary>
/// Typed listeners for a <see cref="ClientRequest"/>'s documented events; each returns the request for chaining (<c>OnFinish</c>, <c>OnClose</c>, <c>OnError</c> are in <see cref="StreamEventExtensions"/>).
/// </summary>
public static class ClientRequestEventExtensions
{
    /// <summary>Listens to <c>'response'</c>(<see cref="IncomingMessage"/> res): the response head arrived.</summary>
    /// <param name="request">The request.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="request"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="listener"/> is null.</exception>
    public static ClientRequest OnResponse(this ClientRequest request, Action<IncomingMessage> listener)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(listener);
        request.On(HttpEvents.Response, listener);
        return request;
    }

    /// <summary>Listens to <c>'socket'</c>(<see cref="Socket"/>): a socket was assigned to the request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="request"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="listener"/> is null.</exception>
    public static ClientRequest OnSocket(this ClientRequest request, Action<Socket> listener)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(listener);
        request.On(HttpEvents.Socket, listener);
        return request;
    }

    /// <summary>Listens to <c>'connect'</c>(res, <see cref="Socket"/>, <see cref="NodeBuffer"/> head): the answer to a <c>CONNECT</c> request.</summary>
    /// <param name="request">The request.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="request"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="listener"/> is null.</exception>
    public static ClientRequest OnConnect(this ClientRequest request, Action<IncomingMessage, Socket, NodeBuffer> listener)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(listener);
        request.On(HttpEvents.Connect, listener);
        return request;
    }

    /// <summary>Listens to <c>'upgrade'</c>(res, <see cref="Socket"/>, <see cref="NodeBuffer"/> head): the server switched protocols.</summary>
    /// <param name="request">The request.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="request"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="listener"/> is null.</exception>
    public static ClientRequest OnUpgrade(this ClientRequest request, Action<IncomingMessage, Socket, NodeBuffer> listener)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(listener);
        request.On(HttpEvents.Upgrade, listener);
        return request;
    }

    /// <summary>Listens to <c>'continue'</c>(): the server answered <c>100 Continue</c>.</summary>
    /// <param name="request">The request.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="request"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="listener"/> is null.</exception>
    public static ClientRequest OnContinue(this ClientRequest request, Action listener)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(listener);
        request.On(HttpEvents.Continue, listener);
        return request;
    }

    /// <summary>Listens to <c>'information'</c>(<see cref="InformationEvent"/>): a 1xx response other than 101.</summary>
    /// <param name="request">The request.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="request"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="listener"/> is null.</exception>
    public static ClientRequest OnInformation(this ClientRequest request, Action<InformationEvent> listener)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(listener);
        request.On(HttpEvents.Information, listener);
        return request;
    }

    /// <summary>Listens to <c>'timeout'</c>(): the socket was idle for the request's timeout (the request is not destroyed by it).</summary>
    /// <param name="request">The request.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="request"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="listener"/> is null.</exception>
    public static ClientRequest OnTimeout(this ClientRequest request, Action listener)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(listener);
        request.On(HttpEvents.Timeout, listener);
        return request;
    }

    /// <summary>Listens to <c>'abort'</c>(): <see cref="ClientRequest.Abort"/> was called.</summary>
    /// <param name="request">The request.</param>
    /// <param name="listener">The listener.</param>
    /// <returns><paramref name="request"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="listener"/> is null.</exception>
    public static ClientRequest OnAbort(this ClientRequest request, Action listener)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(listener);
        request.On(HttpEvents.Abort, listener);
        return request;
    }
}
