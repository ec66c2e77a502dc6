namespace NodeHttp;

/// <summary>Node's <c>tls.createServer(options)</c>: the server's <see cref="TlsOptions"/> plus how it treats clients.</summary>
public sealed class TlsServerOptions : TlsOptions
{
    /// <summary>Node 20's default <c>handshakeTimeout</c>: 120000 ms.</summary>
    public const int DefaultHandshakeTimeout = 120_000;

    /// <summary>Node's <c>requestCert</c>: ask clients for a certificate.</summary>
    public bool RequestCert { get; set; }

    /// <summary>Node's <c>rejectUnauthorized</c>: with <see cref="RequestCert"/>, fail the handshake of a client whose certificate does not verify (default true; no effect without <see cref="RequestCert"/>).</summary>
    public bool RejectUnauthorized { get; set; } = true;

    /// <summary>Node's <c>SNICallback</c>: the options for the server name a client asked for; null keeps the default.</summary>
    public Func<string, TlsOptions?>? SniCallback { get; set; }

    /// <summary>The asynchronous form of <see cref="SniCallback"/>; used when <see cref="SniCallback"/> is null.</summary>
    public Func<string, Task<TlsOptions?>>? SniCallbackAsync { get; set; }

    /// <summary>Node's <c>handshakeTimeout</c> in milliseconds (120000); 0 disables it.</summary>
    public int HandshakeTimeout { get; set; } = DefaultHandshakeTimeout;

    /// <summary>Node's <c>allowHalfOpen</c> for the TLS sockets (default false).</summary>
    public bool AllowHalfOpen { get; set; }

    /// <summary>Node's <c>pauseOnConnect</c>: TLS sockets do not read until resumed.</summary>
    public bool PauseOnConnect { get; set; }

    /// <summary>Spreads connections over the loops of this group (see <see cref="NetServerOptions.Loops"/>).</summary>
    public EventLoopGroup? Loops { get; set; }
}
