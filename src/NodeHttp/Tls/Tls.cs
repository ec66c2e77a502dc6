namespace NodeHttp;

/// <summary>Node's <c>tls</c> module: TLS clients and servers over the loop's sockets, on the platform's TLS.</summary>
public static class Tls
{
    /// <summary>Node 20's <c>tls.DEFAULT_MIN_VERSION</c>.</summary>
    public const string DefaultMinVersion = "TLSv1.2";

    /// <summary>Node 20's <c>tls.DEFAULT_MAX_VERSION</c>.</summary>
    public const string DefaultMaxVersion = "TLSv1.3";

    /// <summary>Node's <c>tls.createSecureContext(options)</c>: certificates, trust and settings loaded once, for many connections.</summary>
    /// <param name="options">The certificate, key, CA and settings.</param>
    public static SecureContext CreateSecureContext(TlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SecureContext(options);
    }

    /// <summary>
    /// Node's <c>tls.connect(options[, callback])</c>: opens a connection (or uses <see cref="TlsConnectOptions.Socket"/>)
    /// and starts the client handshake. The server's certificate is verified against the system's roots or
    /// <see cref="TlsOptions.Ca"/> and must name <see cref="TlsSocketOptions.Servername"/> (else the host); unless
    /// <see cref="TlsSocketOptions.RejectUnauthorized"/> is false a failure destroys the socket with Node's error.
    /// </summary>
    /// <param name="options">Where to connect and the TLS options.</param>
    /// <param name="secureConnectListener">Added as a one-time <c>'secureConnect'</c> listener.</param>
    public static TlsSocket Connect(TlsConnectOptions options, Action? secureConnectListener = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.IsServer = false;
        Socket inner = options.Socket ?? new Socket(allowHalfOpen: true);
        if (options.Socket is null)
        {
            if (options.Path is { Length: > 0 } path)
            {
                inner.Connect(path);
            }
            else
            {
                inner.Connect(new SocketConnectOptions { Host = options.Host, Port = options.Port });
            }
        }
        var tls = new TlsSocket(inner, options, allowHalfOpen: false);
        if (secureConnectListener is not null)
        {
            tls.Once(TlsEvents.SecureConnect, secureConnectListener);
        }
        return tls;
    }

    /// <summary>Node's <c>tls.connect(port[, host][, options][, callback])</c>.</summary>
    /// <param name="port">The server's port.</param>
    /// <param name="host">The server's host (also the default SNI name and the name the certificate must hold).</param>
    /// <param name="options">TLS options; <see cref="TlsConnectOptions.Host"/> and <see cref="TlsConnectOptions.Port"/> are set from the arguments.</param>
    /// <param name="secureConnectListener">Added as a one-time <c>'secureConnect'</c> listener.</param>
    public static TlsSocket Connect(int port, string host = "localhost", TlsConnectOptions? options = null, Action? secureConnectListener = null)
    {
        options ??= new TlsConnectOptions();
        options.Port = port;
        options.Host = host;
        return Connect(options, secureConnectListener);
    }

    /// <summary>
    /// Node's <c>tls.createServer(options[, secureConnectionListener])</c>: a <see cref="NetServer"/> whose connections
    /// are TLS sockets, announced by <c>secureConnection</c> once their handshake is done.
    /// </summary>
    /// <param name="options">The server's certificate and settings.</param>
    /// <param name="secureConnectionListener">Added as a <c>'secureConnection'</c> listener.</param>
    public static TlsServer CreateServer(TlsServerOptions options, Action<TlsSocket>? secureConnectionListener = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new TlsServer(options, secureConnectionListener);
    }
}
