namespace NodeHttp;

/// <summary>
/// The TLS side of an https <see cref="Server"/> (Node's <c>https.Server</c> is a <c>tls.Server</c> whose
/// <c>'secureConnection'</c> listener is http's connection listener): each accepted socket, after <c>'connection'</c>,
/// becomes a server-side <see cref="TlsSocket"/>; once its handshake is done the server emits
/// <c>'secureConnection'</c> and http takes the TLS socket over; a failed or timed-out handshake is
/// <c>'tlsClientError'</c> and the socket is destroyed.
/// </summary>
internal sealed class HttpsServerTransport
{
    /// <summary>Node's <c>'secureConnection'</c> server event.</summary>
    public const string SecureConnectionEvent = "secureConnection";

    /// <summary>Node's <c>'tlsClientError'</c> server event.</summary>
    public const string TlsClientErrorEvent = "tlsClientError";

    // Node's https.Server: ALPNProtocols defaults to ['http/1.1'].
    private static readonly IReadOnlyList<string> DefaultAlpn = ["http/1.1"];

    private readonly Server server;

    // One set of options (and the secure context in it, loaded once) for every connection; read-only after this.
    private readonly TlsSocketOptions socketOptions;
    private readonly Action<TlsSocket> onSecure;
    private readonly Action<Exception, TlsSocket> onClientError;

    private HttpsServerTransport(Server server, HttpsServerOptions options)
    {
        this.server = server;
        var context = new TlsOptions
        {
            Cert = options.Cert,
            Key = options.Key,
            Pfx = options.Pfx,
            Passphrase = options.Passphrase,
            Certificate = options.Certificate,
            Ca = options.Ca,
            CaCertificates = options.CaCertificates,
            MinVersion = options.MinVersion,
            MaxVersion = options.MaxVersion,
            Ciphers = options.Ciphers,
            AlpnProtocols = options.AlpnProtocols ?? DefaultAlpn,
            SessionTimeout = options.SessionTimeout,
        };
        socketOptions = new TlsSocketOptions
        {
            IsServer = true,
            // Loaded now, so a bad certificate or key throws from CreateServer as in Node.
            SecureContext = Tls.CreateSecureContext(context),
            RequestCert = options.RequestCert,
            RejectUnauthorized = options.RejectUnauthorized,
            SniCallback = options.SniCallback,
            SniCallbackAsync = options.SniCallbackAsync,
            HandshakeTimeout = options.HandshakeTimeout,
        };
        onSecure = OnSecure;
        onClientError = OnClientError;
    }

    /// <summary>Makes <paramref name="server"/> an https server with <paramref name="options"/>' TLS settings.</summary>
    public static void Attach(Server server, HttpsServerOptions options)
    {
        var transport = new HttpsServerTransport(server, options);
        server.TransportHook = transport.OnConnection;
    }

    // Node's tlsConnectionListener: the raw socket (already announced by 'connection') gets its TLS socket.
    // allowHalfOpen as http's server asks of its sockets, so a client's close_notify/FIN does not cut an answer short.
    // Paused as http's plain sockets are (pauseOnConnect): nothing is decrypted into the socket's own buffer when the
    // handshake completes, so a request that came with the client's last handshake flight waits for http's parser.
    private void OnConnection(Server owner, Socket raw)
    {
        long started = ServerTelemetry.TlsHandshakeStarted(server, raw);
        TlsSocket tls = started == 0
            ? new TlsSocket(raw, socketOptions, allowHalfOpen: true, onSecure, onClientError)
            : new HandshakeTiming(this, raw, started).Start();
        tls.Pause();
    }

    // Only while a handshake instrument listens: the handshake of one connection, counted once however it ends
    // (secure, failed, or the socket closed first).
    private sealed class HandshakeTiming(HttpsServerTransport transport, Socket raw, long started)
    {
        private bool ended;

        public TlsSocket Start()
        {
            raw.Once(NetEvents.Close, (bool _) => End(null, null));
            return new TlsSocket(raw, transport.socketOptions, allowHalfOpen: true, OnSecure, OnClientError);
        }

        private void OnSecure(TlsSocket socket)
        {
            End(socket.GetProtocol(), null);
            transport.onSecure(socket);
        }

        private void OnClientError(Exception error, TlsSocket socket)
        {
            End(null, error);
            transport.onClientError(error, socket);
        }

        private void End(string? protocol, Exception? error)
        {
            if (!ended)
            {
                ended = true;
                ServerTelemetry.TlsHandshakeEnded(transport.server, raw, started, protocol, error ?? (protocol is null ? ClosedFirst : null));
            }
        }

        private static readonly NodeHttpException ClosedFirst = new("ECONNRESET", "The connection closed before the TLS handshake completed");
    }

    // Node's onServerSocketSecure, then http's connectionListener. The user's listeners run first, before any
    // request can be read from the socket.
    private void OnSecure(TlsSocket socket)
    {
        server.Emit(SecureConnectionEvent, socket);
        if (!socket.Destroyed)
        {
            server.OnTransportReady(socket);
        }
    }

    // Node's onSocketTLSError: reported once, the socket already destroyed.
    private void OnClientError(Exception error, TlsSocket socket) => server.Emit(TlsClientErrorEvent, error, socket);
}
