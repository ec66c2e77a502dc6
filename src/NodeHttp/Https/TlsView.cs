using System.Security.Cryptography.X509Certificates;

namespace NodeHttp;

/// <summary>
/// The TLS options of one https request as its connection sees them: the agent's own (which win, as Node's
/// <c>{ ...options, ...agent.options }</c>) over the request's. Equal views share a <see cref="SecureContext"/>.
/// </summary>
internal readonly record struct TlsView(
    string? Ca,
    X509Certificate2Collection? CaCertificates,
    string? Cert,
    string? Key,
    byte[]? Pfx,
    string? Passphrase,
    X509Certificate2? Certificate,
    string? Ciphers,
    string? MinVersion,
    string? MaxVersion,
    IReadOnlyList<string>? AlpnProtocols,
    bool? RejectUnauthorized,
    string? Servername,
    Func<string, X509Certificate2, Exception?>? CheckServerIdentity)
{
    /// <summary>The view of <paramref name="request"/> under <paramref name="agent"/>'s options.</summary>
    public static TlsView Of(RequestOptions? request, HttpsAgentOptions agent)
    {
        TlsOptions? a = agent.Tls;
        return new TlsView(
            a?.Ca ?? request?.Ca,
            a?.CaCertificates ?? request?.CaCertificates,
            a?.Cert ?? request?.Cert,
            a?.Key ?? request?.Key,
            a?.Pfx ?? request?.Pfx,
            a?.Passphrase ?? request?.Passphrase,
            a?.Certificate ?? request?.Certificate,
            a?.Ciphers ?? request?.Ciphers,
            a?.MinVersion ?? request?.MinVersion,
            a?.MaxVersion ?? request?.MaxVersion,
            a?.AlpnProtocols ?? request?.AlpnProtocols,
            agent.RejectUnauthorized ?? request?.RejectUnauthorized,
            agent.Servername ?? request?.Servername ?? (request is null ? null : HttpsAgent.ServernameOf(request)),
            agent.CheckServerIdentity ?? request?.CheckServerIdentity);
    }

    /// <summary>The secure-context part (what <see cref="Tls.CreateSecureContext"/> reads), as <see cref="TlsOptions"/>.</summary>
    public TlsOptions ToContextOptions() => new()
    {
        Ca = Ca,
        CaCertificates = CaCertificates,
        Cert = Cert,
        Key = Key,
        Pfx = Pfx,
        Passphrase = Passphrase,
        Certificate = Certificate,
        Ciphers = Ciphers,
        MinVersion = MinVersion,
        MaxVersion = MaxVersion,
        AlpnProtocols = AlpnProtocols,
    };

    /// <summary>The context part only: two views with the same one may share a <see cref="SecureContext"/>.</summary>
    public TlsView ContextKey => this with { RejectUnauthorized = null, Servername = null, CheckServerIdentity = null };
}
