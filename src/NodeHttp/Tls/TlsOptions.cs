using System.Security.Cryptography.X509Certificates;

namespace NodeHttp;

/// <summary>
/// Node's <c>tls.createSecureContext(options)</c> members: this side's certificate and key, the certificate
/// authorities trusted for the peer, protocol versions, ciphers and ALPN protocols. Read when a
/// <see cref="SecureContext"/> is made from it (once per server or per connect options, not per connection).
/// </summary>
public class TlsOptions
{
    /// <summary>Node's <c>cert</c>: this side's certificate as PEM; further certificates after the first are its chain.</summary>
    public string? Cert { get; set; }

    /// <summary>Node's <c>key</c>: the private key of <see cref="Cert"/> as PEM (PKCS#8, PKCS#1 or SEC1; encrypted with <see cref="Passphrase"/>).</summary>
    public string? Key { get; set; }

    /// <summary>Node's <c>pfx</c>: certificate, key and chain as PKCS#12, opened with <see cref="Passphrase"/>.</summary>
    public byte[]? Pfx { get; set; }

    /// <summary>Node's <c>passphrase</c>: for <see cref="Pfx"/> or an encrypted <see cref="Key"/>.</summary>
    public string? Passphrase { get; set; }

    /// <summary>This side's certificate the .NET way: an <see cref="X509Certificate2"/> with its private key (instead of <see cref="Cert"/>/<see cref="Key"/>/<see cref="Pfx"/>).</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Node's <c>ca</c>: the certificate authorities trusted for the peer's certificate as PEM (one or several
    /// concatenated). As in Node, they replace the system's roots.
    /// </summary>
    public string? Ca { get; set; }

    /// <summary>Node's <c>ca</c> given as certificates; joins <see cref="Ca"/>. They replace the system's roots.</summary>
    public X509Certificate2Collection? CaCertificates { get; set; }

    /// <summary>Node's <c>minVersion</c>: <c>"TLSv1.2"</c> (Node 20's default) or <c>"TLSv1.3"</c>.</summary>
    public string? MinVersion { get; set; }

    /// <summary>Node's <c>maxVersion</c>: <c>"TLSv1.3"</c> (Node 20's default) or <c>"TLSv1.2"</c>.</summary>
    public string? MaxVersion { get; set; }

    /// <summary>
    /// Node's <c>ciphers</c>: a colon-separated list of OpenSSL cipher suite names (<c>"TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256"</c>)
    /// or IANA names. Honoured where the platform lets an application choose (Linux, macOS); elsewhere setting it throws.
    /// </summary>
    public string? Ciphers { get; set; }

    /// <summary>Node's <c>ALPNProtocols</c>: the application protocols offered (client) or accepted (server), in preference order.</summary>
    public IReadOnlyList<string>? AlpnProtocols { get; set; }

    /// <summary>
    /// Node's <c>sessionTimeout</c> for a server's TLS sessions, in seconds (Node's default 300). Accepted and not applied:
    /// SslStream has no setting for it, and a server's sessions and tickets live as long as the platform's TLS keeps
    /// them (OpenSSL's 7200 s on Linux).
    /// </summary>
    public int? SessionTimeout { get; set; }
}
