using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace NodeHttp;

/// <summary>
/// Node's <c>tls.TLSSocket</c>: a <see cref="Socket"/> whose bytes are encrypted and decrypted by a TLS session over
/// an inner socket (<see cref="SslStream"/> on the platform's TLS). It reads, writes, pauses, half-closes and is
/// destroyed as a plain socket, so whatever works over a <see cref="Socket"/> works over it. Events, besides a
/// socket's: <c>secureConnect</c> (client) and <c>secure</c> when the handshake is done.
/// </summary>
/// <remarks>
/// The records flow through the inner socket on the loop thread: SslStream's reads are answered from the inner
/// socket's data callback and its writes go to the inner socket's write, so no record costs a thread hop. Writes
/// made before the handshake is done are held and sent after it, as in Node. The socket counts as connecting
/// (<see cref="Socket.Connecting"/>) until the handshake is done, and emits <c>connect</c> then.
/// </remarks>
public class TlsSocket : Socket
{
    private readonly Socket inner;
    private readonly TlsSocketOptions options;
    private TlsTransport? transport;
    private Action<TlsSocket>? onSecure;
    private Action<Exception, TlsSocket>? onClientError;

    /// <summary>
    /// Node's <c>new tls.TLSSocket(socket, options)</c>: TLS over <paramref name="socket"/> (connected, or connecting:
    /// the handshake starts at its <c>connect</c>), as a client or, with <see cref="TlsSocketOptions.IsServer"/>, a server.
    /// </summary>
    /// <param name="socket">The socket carrying the records; it belongs to the TLS socket from now on.</param>
    /// <param name="options">Which side, the secure context or the options to make one from, and verification.</param>
    public TlsSocket(Socket socket, TlsSocketOptions? options = null)
        : this(socket, options ?? new TlsSocketOptions(), allowHalfOpen: false)
    {
    }

    internal TlsSocket(Socket socket, TlsSocketOptions options, bool allowHalfOpen, Action<TlsSocket>? onSecure = null, Action<Exception, TlsSocket>? onClientError = null)
        : base(allowHalfOpen)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentNullException.ThrowIfNull(options);
        if (socket.Loop != Loop)
        {
            ErrorCodes.Throw("ERR_INVALID_STATE", "the socket belongs to another event loop");
        }
        inner = socket;
        this.options = options;
        this.onSecure = onSecure;
        this.onClientError = onClientError;
        SecureContext context = options.SecureContext ?? SecureContext.For(options);
        if (options.IsServer && context.CertificateContext is null)
        {
            ErrorCodes.Throw("ERR_TLS_NO_CERTIFICATE");
        }
        Loop.Execute(static s =>
        {
            var (tls, ctx) = ((TlsSocket, SecureContext))s!;
            tls.Start(ctx);
        }, (this, context));
    }

    private void Start(SecureContext context)
    {
        transport = new TlsTransport(this, inner, options, context);
        AttachTransport(transport);
        if (inner.Destroyed)
        {
            Destroy(ErrorCodes.Create("ERR_SOCKET_CLOSED"));
            return;
        }
        // Bytes the inner socket read before it was handed over are the start of the handshake.
        while (inner.ReadableLength > 0 && inner.Read() is NodeBuffer early)
        {
            transport.TakeEarly(early.Span);
        }
        if (inner.Pending)
        {
            inner.Once(NetEvents.Connect, transport.BeginHandshake);
            inner.ResumeReading();
        }
        else
        {
            transport.BeginHandshake();
        }
    }

    /// <summary>Node's <c>tlsSocket.encrypted</c>: always true.</summary>
    public bool Encrypted => true;

    /// <summary>
    /// Node's <c>tlsSocket.authorized</c>: the peer's certificate verified against the trusted roots (and, on a client,
    /// named the server).
    /// </summary>
    public bool Authorized => transport?.Authorized ?? false;

    /// <summary>Node's <c>tlsSocket.authorizationError</c>: why the peer's certificate did not verify (<c>DEPTH_ZERO_SELF_SIGNED_CERT</c>, …), or null.</summary>
    public string? AuthorizationError => transport?.AuthorizationError;

    /// <summary>Node's <c>tlsSocket.alpnProtocol</c>: the protocol ALPN selected, or null (Node's <c>false</c>) when none.</summary>
    public string? AlpnProtocol
    {
        get
        {
            if (transport is not { Secure: true } t)
            {
                return null;
            }
            SslApplicationProtocol p = t.Ssl.NegotiatedApplicationProtocol;
            return p.Protocol.IsEmpty ? null : p.ToString();
        }
    }

    /// <summary>Node's <c>tlsSocket.servername</c>: the SNI name sent (client) or received (server), or null.</summary>
    public string? Servername => transport?.Servername;

    /// <summary>Node's <c>tlsSocket.getProtocol()</c>: <c>"TLSv1.3"</c>, <c>"TLSv1.2"</c>…, or null before the handshake.</summary>
    public string? GetProtocol()
    {
        if (transport is not { Secure: true } t)
        {
            return null;
        }
#pragma warning disable SYSLIB0039 // names of old versions, reported only if the peer negotiated them
        return t.Ssl.SslProtocol switch
        {
            SslProtocols.Tls13 => "TLSv1.3",
            SslProtocols.Tls12 => "TLSv1.2",
            SslProtocols.Tls11 => "TLSv1.1",
            SslProtocols.Tls => "TLSv1",
            _ => "unknown",
        };
#pragma warning restore SYSLIB0039
    }

    /// <summary>Node's <c>tlsSocket.getCipher()</c>: the negotiated cipher suite, or null before the handshake.</summary>
    public TlsCipher? GetCipher()
    {
        if (transport is not { Secure: true } t)
        {
            return null;
        }
        TlsCipherSuite suite = t.Ssl.NegotiatedCipherSuite;
        return new TlsCipher(TlsCiphers.OpenSslName(suite), suite.ToString(), GetProtocol()!);
    }

    /// <summary>Node's <c>tlsSocket.getPeerCertificate()</c>: the peer's certificate, or null when it sent none.</summary>
    public X509Certificate2? GetPeerCertificate() => transport?.PeerCertificate;

    /// <summary>Node's <c>tlsSocket.getCertificate()</c>: this side's certificate, or null when it has none.</summary>
    public X509Certificate2? GetCertificate() =>
        (options.SecureContext ?? SecureContext.For(options)).Certificate;

    /// <summary>
    /// Node's <c>tlsSocket.isSessionReused()</c>: the handshake resumed an earlier session (TLS 1.3 with a PSK, or a
    /// TLS 1.2 session id or ticket) instead of a full handshake; false until the handshake is done. The platform's
    /// TLS resumes on its own (a client per target host and settings, a server per certificate) and this is read from
    /// the handshake's hello messages, as both sides see them.
    /// </summary>
    public bool IsSessionReused() => transport?.SessionReused ?? false;

    /// <summary>The handshake is done: Node's <c>onConnectSecure</c> (client) / <c>onServerSocketSecure</c>.</summary>
    internal void OnSecure()
    {
        // 'connect' (as the socket stops connecting) and any writes held meanwhile go out; reading starts after 'secure'.
        ((ISocketHandleOwner)this).OnConnect(System.Net.Sockets.SocketError.Success);
        if (Destroyed)
        {
            return;
        }
        if (!options.IsServer)
        {
            Emit(TlsEvents.SecureConnect);
        }
        Emit(TlsEvents.Secure);
        onSecure?.Invoke(this);
    }

    /// <summary>
    /// The connection failed before it was secure: a server's socket reports it to its server (<c>tlsClientError</c>)
    /// and is destroyed quietly; any other emits <c>error</c>.
    /// </summary>
    internal void OnHandshakeError(NodeHttpException error)
    {
        if (Destroyed)
        {
            return;
        }
        if (onClientError is { } report)
        {
            onClientError = null;
            Destroy();
            report(error, this);
            return;
        }
        Destroy(error);
    }
}
