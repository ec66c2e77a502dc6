namespace NodeHttp;

/// <summary>
/// Node's <c>new tls.TLSSocket(socket, options)</c> options: which side this is and how the peer is verified, over
/// either a <see cref="SecureContext"/> (Node's <c>secureContext</c>) or the <see cref="TlsOptions"/> members themselves.
/// </summary>
public class TlsSocketOptions : TlsOptions
{
    /// <summary>Node's <c>isServer</c>: this side answers the handshake (false: it starts it, as a client).</summary>
    public bool IsServer { get; set; }

    /// <summary>Node's <c>secureContext</c>: made once by <see cref="Tls.CreateSecureContext"/>; when null one is made from these options.</summary>
    public SecureContext? SecureContext { get; set; }

    /// <summary>Node's <c>requestCert</c> (server): ask the client for a certificate.</summary>
    public bool RequestCert { get; set; }

    /// <summary>
    /// Node's <c>rejectUnauthorized</c> (default true). A client destroys the socket when the server's certificate does
    /// not verify; a server (only with <see cref="RequestCert"/>) fails the handshake of a client whose certificate does not.
    /// </summary>
    public bool RejectUnauthorized { get; set; } = true;

    /// <summary>Node's <c>servername</c> (client): the SNI name sent and checked against the certificate; by default the host, unless it is an IP address.</summary>
    public string? Servername { get; set; }

    /// <summary>
    /// Node's <c>checkServerIdentity(hostname, cert)</c> (client): returns an error to refuse the certificate or null to
    /// accept it; it replaces the built-in host name check and runs only when the chain verified.
    /// </summary>
    public Func<string, System.Security.Cryptography.X509Certificates.X509Certificate2, Exception?>? CheckServerIdentity { get; set; }

    /// <summary>Node's <c>SNICallback</c> (server): the options for the server name the client asked for; null keeps the default context.</summary>
    public Func<string, TlsOptions?>? SniCallback { get; set; }

    /// <summary>The asynchronous form of <see cref="SniCallback"/> (Node's callback form); used when <see cref="SniCallback"/> is null.</summary>
    public Func<string, Task<TlsOptions?>>? SniCallbackAsync { get; set; }

    /// <summary>Node's <c>handshakeTimeout</c> (server) in milliseconds: a handshake not done by then fails with <c>ERR_TLS_HANDSHAKE_TIMEOUT</c>; 0 disables it.</summary>
    public int HandshakeTimeout { get; set; }

    /// <summary>(client) Offer a session the platform cached for the same server and settings; false for an agent that caches none.</summary>
    internal bool AllowSessionResumption { get; set; } = true;
}
