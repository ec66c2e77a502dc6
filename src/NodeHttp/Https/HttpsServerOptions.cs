using System.Security.Cryptography.X509Certificates;

namespace NodeHttp;

/// <summary>
/// The options of Node's <c>https.createServer(options)</c>: the http server's (<see cref="ServerOptions"/>), the
/// server's TLS context (the members of <see cref="TlsOptions"/>: its certificate, the authorities it trusts for
/// client certificates, versions, ciphers, ALPN) and Node's <c>tls.createServer</c> options.
/// </summary>
public class HttpsServerOptions : ServerOptions
{
    /// <summary>Node's default <c>handshakeTimeout</c> (120 s).</summary>
    public const int DefaultHandshakeTimeout = 120_000;

    /// <summary>Node's <c>cert</c>: the server's certificate as PEM; further certificates after the first are its chain.</summary>
    public string? Cert { get; set; }

    /// <summary>Node's <c>key</c>: the private key of <see cref="Cert"/> as PEM (encrypted with <see cref="Passphrase"/> if it is).</summary>
    public string? Key { get; set; }

    /// <summary>Node's <c>pfx</c>: certificate, key and chain as PKCS#12, opened with <see cref="Passphrase"/>.</summary>
    public byte[]? Pfx { get; set; }

    /// <summary>Node's <c>passphrase</c>: for <see cref="Pfx"/> or an encrypted <see cref="Key"/>.</summary>
    public string? Passphrase { get; set; }

    /// <summary>The server's certificate the .NET way: an <see cref="X509Certificate2"/> with its private key.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>Node's <c>ca</c>: the authorities trusted for client certificates (<see cref="RequestCert"/>) as PEM; they replace the system's roots.</summary>
    public string? Ca { get; set; }

    /// <summary>Node's <c>ca</c> given as certificates; joins <see cref="Ca"/>.</summary>
    public X509Certificate2Collection? CaCertificates { get; set; }

    /// <summary>Node's <c>minVersion</c>: <c>"TLSv1.2"</c> (Node 20's default) or <c>"TLSv1.3"</c>.</summary>
    public string? MinVersion { get; set; }

    /// <summary>Node's <c>maxVersion</c>: <c>"TLSv1.3"</c> (Node 20's default) or <c>"TLSv1.2"</c>.</summary>
    public string? MaxVersion { get; set; }

    /// <summary>Node's <c>ciphers</c>: an OpenSSL cipher list, where the platform lets it be chosen (see <see cref="TlsOptions.Ciphers"/>).</summary>
    public string? Ciphers { get; set; }

    /// <summary>Node's <c>ALPNProtocols</c>: the protocols the server accepts; null is Node's https default, <c>["http/1.1"]</c>.</summary>
    public IReadOnlyList<string>? AlpnProtocols { get; set; }

    /// <summary>Node's <c>sessionTimeout</c> in seconds (Node's default 300): accepted and not applied (see <see cref="TlsOptions.SessionTimeout"/>).</summary>
    public int? SessionTimeout { get; set; }

    /// <summary>Node's <c>requestCert</c>: ask clients for a certificate (default false); see <see cref="TlsSocket.Authorized"/>.</summary>
    public bool RequestCert { get; set; }

    /// <summary>
    /// Node's <c>rejectUnauthorized</c> for a server (default true, no effect without <see cref="RequestCert"/>): fail
    /// the handshake of a client whose certificate is missing or does not verify.
    /// </summary>
    public bool RejectUnauthorized { get; set; } = true;

    /// <summary>Node's <c>SNICallback</c>: the TLS options (another certificate) for the server name a client asked for; null keeps these.</summary>
    public Func<string, TlsOptions?>? SniCallback { get; set; }

    /// <summary>The asynchronous form of <see cref="SniCallback"/>; used when <see cref="SniCallback"/> is null.</summary>
    public Func<string, Task<TlsOptions?>>? SniCallbackAsync { get; set; }

    /// <summary>
    /// Node's <c>handshakeTimeout</c> in ms (120000): a connection whose TLS handshake has not completed by then is
    /// destroyed after <c>'tlsClientError'</c> (<c>ERR_TLS_HANDSHAKE_TIMEOUT</c>); 0 waits for ever.
    /// </summary>
    public int HandshakeTimeout { get; set; } = DefaultHandshakeTimeout;
}
