namespace NodeHttp;

/// <summary>
/// Node's <c>tls.Server</c>: a <see cref="NetServer"/> that runs the server handshake on every connection. Events,
/// besides a server's: <c>secureConnection</c>(TlsSocket) when a client's handshake is done, and
/// <c>tlsClientError</c>(Exception, TlsSocket) when a connection fails before that (a plaintext request, a bad
/// handshake, a handshake over <see cref="TlsServerOptions.HandshakeTimeout"/>); that socket is destroyed.
/// <c>connection</c> still receives the raw <see cref="Socket"/>.
/// </summary>
public sealed class TlsServer : NetServer
{
    private readonly TlsSocketOptions socketOptions;
    private readonly bool allowHalfOpen;

    internal TlsServer(TlsServerOptions options, Action<TlsSocket>? secureConnectionListener)
        // Raw sockets start paused: nothing is read before the TLS socket takes their bytes.
        : base(new NetServerOptions { AllowHalfOpen = true, PauseOnConnect = true, Loops = options.Loops })
    {
        SecureContext context = Tls.CreateSecureContext(options);
        if (context.CertificateContext is null && options.SniCallback is null && options.SniCallbackAsync is null)
        {
            ErrorCodes.Throw("ERR_TLS_NO_CERTIFICATE");
        }
        Context = context;
        allowHalfOpen = options.AllowHalfOpen;
        PauseOnConnect = options.PauseOnConnect;
        socketOptions = ServerSocketOptions(context, options.RequestCert, options.RejectUnauthorized, options.SniCallback, options.SniCallbackAsync, options.HandshakeTimeout);
        // Node's tlsConnectionListener: the first 'connection' listener, so the handshake starts before user code runs.
        On<Socket>(NetEvents.Connection, OnConnection);
        if (secureConnectionListener is not null)
        {
            On(TlsEvents.SecureConnection, secureConnectionListener);
        }
    }

    /// <summary>The server's secure context (Node's <c>server._sharedCreds</c>).</summary>
    public SecureContext Context { get; }

    private bool PauseOnConnect { get; }

    /// <summary>The options server-side sockets are made with (what <see cref="Accept"/> takes).</summary>
    internal static TlsSocketOptions ServerSocketOptions(SecureContext context, bool requestCert, bool rejectUnauthorized,
        Func<string, TlsOptions?>? sni, Func<string, Task<TlsOptions?>>? sniAsync, int handshakeTimeout) => new()
        {
            IsServer = true,
            SecureContext = context,
            RequestCert = requestCert,
            RejectUnauthorized = rejectUnauthorized,
            SniCallback = sni,
            SniCallbackAsync = sniAsync,
            HandshakeTimeout = handshakeTimeout,
        };

    /// <summary>
    /// Runs the server handshake over an accepted <paramref name="raw"/> socket (loop thread) and reports to
    /// <paramref name="server"/>: <c>secureConnection</c>(TlsSocket) when done, <c>tlsClientError</c>(Exception,
    /// TlsSocket) when it failed (the socket is destroyed then). For servers that take their connections themselves.
    /// </summary>
    internal static TlsSocket Accept(Socket raw, TlsSocketOptions options, EventEmitter server, bool allowHalfOpen, Action<TlsSocket>? onSecure = null) =>
        new(raw, options, allowHalfOpen,
            onSecure ?? (tls => server.Emit(TlsEvents.SecureConnection, tls)),
            (error, tls) => server.Emit(TlsEvents.TlsClientError, error, tls));

    private void OnConnection(Socket raw)
    {
        TlsSocket tls = Accept(raw, socketOptions, this, allowHalfOpen);
        if (PauseOnConnect)
        {
            tls.Pause();
        }
    }
}
