using System.Security.Cryptography.X509Certificates;

namespace NodeHttp;

/// <summary>
/// The options of Node's <c>new https.Agent([options])</c>: the pool settings of <see cref="AgentOptions"/>, the TLS
/// options every connection of the agent uses (Node passes the agent's options to <c>tls.connect</c> over each
/// request's), and <see cref="MaxCachedSessions"/>.
/// </summary>
public class HttpsAgentOptions : AgentOptions
{
    /// <summary>Node's default <c>maxCachedSessions</c> (100).</summary>
    public const int DefaultMaxCachedSessions = 100;

    /// <summary>
    /// Node's <c>maxCachedSessions</c> (default 100): 0 turns TLS session resumption off for the agent's connections;
    /// otherwise they resume from the platform's own session cache (see <see cref="HttpsAgent.MaxCachedSessions"/>).
    /// </summary>
    public int MaxCachedSessions { get; set; } = DefaultMaxCachedSessions;

    /// <summary>
    /// The secure-context options (<c>ca</c>, <c>cert</c>/<c>key</c>, <c>pfx</c>, versions, ciphers, ALPN) of every
    /// connection the agent makes; a member set here wins over the request's, as in Node. Null for none.
    /// </summary>
    public TlsOptions? Tls { get; set; }

    /// <summary>Node's <c>rejectUnauthorized</c> as an agent option: wins over the request's; null leaves it to the request (default true).</summary>
    public bool? RejectUnauthorized { get; set; }

    /// <summary>Node's <c>servername</c> as an agent option: wins over the request's; null leaves it to the request.</summary>
    public string? Servername { get; set; }

    /// <summary>Node's <c>checkServerIdentity</c> as an agent option: wins over the request's; null leaves it to the request.</summary>
    public Func<string, X509Certificate2, Exception?>? CheckServerIdentity { get; set; }
}
