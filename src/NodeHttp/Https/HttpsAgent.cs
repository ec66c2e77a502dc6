using System.Globalization;
using System.Net;
using System.Text;

namespace NodeHttp;

/// <summary>
/// Node's <c>https.Agent</c>: the <see cref="Agent"/> pool over TLS connections. Its <see cref="Agent.CreateConnection"/> is
/// Node's <c>tls.connect</c> with the request's TLS options (and the agent's own, which win), its pool key
/// (<see cref="GetName"/>) adds those options as Node's <c>https.Agent.prototype.getName</c> does, and its connections
/// resume TLS sessions unless <see cref="MaxCachedSessions"/> is 0.
/// </summary>
public class HttpsAgent : Agent
{
    // Bounds the secure contexts kept for distinct TLS options (a context holds parsed certificates and keys).
    private const int MaxContexts = 64;

    private readonly Dictionary<TlsView, SecureContext> contexts = new();

    // The last pool key made and what it was made from. A keep-alive client asks for the same key on every request,
    // and the key carries the CA's and certificate's PEM text (as Node's getName does), so it is made once, not per
    // request. Replaced whole (immutable), so loops sharing the agent read it without a lock.
    private PoolKey? lastKey;

    /// <summary>Node's <c>new https.Agent([options])</c>.</summary>
    /// <param name="options">Pool and TLS settings; null for Node's defaults (no keep-alive, 100 cached sessions).</param>
    public HttpsAgent(HttpsAgentOptions? options = null)
        : base(options ?? new HttpsAgentOptions())
    {
        HttpsOptions = (HttpsAgentOptions)Options;
        MaxCachedSessions = HttpsOptions.MaxCachedSessions;
    }

    /// <summary>Node's <c>agent.defaultPort</c> for https (443).</summary>
    public override int DefaultPort => 443;

    /// <summary>Node's <c>agent.protocol</c> for https (<c>"https:"</c>).</summary>
    public override string Protocol => "https:";

    /// <summary>
    /// Node's <c>agent.maxCachedSessions</c>: 0 makes every connection a full handshake (no session is offered). Any
    /// other value lets connections resume: the platform's TLS keeps the client sessions itself (one per target host
    /// and TLS settings, in a cache it sizes and ages), so the number does not bound it as Node's agent does.
    /// </summary>
    public int MaxCachedSessions { get; set; }

    /// <summary>The options the agent was made with (<see cref="Agent.Options"/> as <see cref="HttpsAgentOptions"/>).</summary>
    public HttpsAgentOptions HttpsOptions { get; }

    /// <summary>
    /// Node's <c>https.Agent.prototype.getName(options)</c>: <see cref="Agent.GetName"/>, then, each after a colon and
    /// empty when unset, <c>ca</c>, <c>cert</c>, <c>clientCertEngine</c>, <c>ciphers</c>, <c>key</c>, <c>pfx</c>,
    /// <c>rejectUnauthorized</c>, <c>servername</c> (when it is not the host), <c>minVersion</c>, <c>maxVersion</c> and
    /// the ten options of Node's secure context this library has no counterpart for (always empty). The agent's
    /// own TLS options count as the request's, as Node merges them before naming. A <see cref="RequestOptions.Certificate"/>
    /// stands in the <c>cert</c> place by its thumbprint, <see cref="RequestOptions.Pfx"/> by its base64 text.
    /// </summary>
    public override string GetName(RequestOptions? options = null)
    {
        string origin = base.GetName(options);
        TlsView tls = View(options);
        if (lastKey is { } last && last.Origin == origin && last.Tls.Equals(tls))
        {
            return last.Name;
        }
        var name = new StringBuilder(origin);
        Append(name, tls.Ca);
        Append(name, tls.Cert ?? tls.Certificate?.Thumbprint);
        Append(name, null); // clientCertEngine
        Append(name, tls.Ciphers);
        Append(name, tls.Key);
        Append(name, tls.Pfx is { Length: > 0 } pfx ? Convert.ToBase64String(pfx) : null);
        Append(name, tls.RejectUnauthorized is bool reject ? (reject ? "true" : "false") : null);
        string? servername = tls.Servername;
        Append(name, servername is { Length: > 0 } && servername != (options?.Host ?? "localhost") ? servername : null);
        Append(name, tls.MinVersion);
        Append(name, tls.MaxVersion);
        // secureProtocol, crl, honorCipherOrder, ecdhCurve, dhparam, secureOptions, sessionIdContext, sigalgs,
        // privateKeyIdentifier, privateKeyEngine: Node's, with no counterpart on SslStream.
        name.Append(':', 10);
        string made = name.ToString();
        lastKey = new PoolKey(origin, tls, made);
        return made;
    }

    private sealed record PoolKey(string Origin, TlsView Tls, string Name);

    /// <summary>
    /// Node's <c>https.Agent.prototype.createConnection</c>: <c>tls.connect</c> to the request's host and port (or Unix
    /// socket) with its TLS options and the agent's, which win. The TCP connection is made as http's agent makes it
    /// (<c>Family</c>, <c>LocalAddress</c>, <c>LocalPort</c>); the server's certificate is verified unless
    /// <see cref="RequestOptions.RejectUnauthorized"/> is false, against <see cref="RequestOptions.Ca"/> or the system's
    /// roots, and must name the server (<see cref="RequestOptions.Servername"/>, else the <c>Host</c> header's host,
    /// else the host). A failure is the request's <c>'error'</c> with Node's code.
    /// </summary>
    public override Socket? CreateConnection(RequestOptions options, Action<Exception?, Socket?> callback)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(callback);
        if (options.CreateConnection is { } create)
        {
            return create(options, callback);
        }
        TlsView tls = View(options);
        SecureContext context = ContextFor(tls);
        if (options.Port is null && options.DefaultPort is null)
        {
            // Called directly with no port: https's 443, not http's 80.
            options = options.Clone();
            options.DefaultPort = DefaultPort;
        }
        Socket raw = ClientConnect.Connect(options);
        return Tls.Connect(new TlsConnectOptions
        {
            Host = options.Host is { Length: > 0 } h ? h : "localhost",
            Port = options.Port ?? options.DefaultPort ?? DefaultPort,
            Path = options.SocketPath,
            Socket = raw,
            SecureContext = context,
            RejectUnauthorized = tls.RejectUnauthorized ?? true,
            // Empty for an IP address: no SNI, and the address is what the certificate must name.
            Servername = tls.Servername is { Length: > 0 } sni ? sni : null,
            CheckServerIdentity = tls.CheckServerIdentity,
            // The platform keeps the sessions (see MaxCachedSessions); an agent that caches none offers none.
            AllowSessionResumption = MaxCachedSessions > 0,
        });
    }

    /// <summary>The TLS options a connection for <paramref name="options"/> uses: the agent's over the request's.</summary>
    internal TlsView View(RequestOptions? options) => TlsView.Of(options, HttpsOptions);

    // The secure context of a set of TLS options, loaded once: the certificates are parsed once, not per connection,
    // and connections with the same options present the same context (which the platform's session cache keys on).
    private SecureContext ContextFor(TlsView tls)
    {
        TlsView key = tls.ContextKey;
        lock (contexts)
        {
            if (contexts.TryGetValue(key, out SecureContext? known))
            {
                return known;
            }
        }
        SecureContext made = NodeHttp.Tls.CreateSecureContext(key.ToContextOptions());
        lock (contexts)
        {
            if (contexts.Count >= MaxContexts)
            {
                contexts.Clear();
            }
            contexts.TryAdd(key, made);
            return contexts[key];
        }
    }

    /// <summary>Node's <c>new defaultAgent.constructor()</c> for a request with <c>agent: false</c>.</summary>
    internal override Agent CreateOneUse() => new HttpsAgent();

    // Node's net.isIP: dotted-quad IPv4 or IPv6 (IPAddress.TryParse alone would take "1" as 0.0.0.1).
    private static bool IsIp(string name) =>
        IPAddress.TryParse(name, out IPAddress? ip)
        && (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 || name.Count(static c => c == '.') == 3);

    private static void Append(StringBuilder name, string? value)
    {
        name.Append(':');
        if (!string.IsNullOrEmpty(value))
        {
            name.Append(value);
        }
    }

    /// <summary>
    /// Node's <c>calculateServerName</c>: the host of the request's <c>Host</c> header (without port or IPv6 brackets),
    /// else its host; empty for an IP address, which is never sent as SNI.
    /// </summary>
    internal static string ServernameOf(RequestOptions options)
    {
        string name = options.Hostname is { Length: > 0 } hn ? hn : options.Host is { Length: > 0 } h ? h : "localhost";
        if (options.Headers is { } headers)
        {
            foreach (KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues> header in headers)
            {
                if (string.Equals(header.Key, "host", StringComparison.OrdinalIgnoreCase) && header.Value.ToString() is { Length: > 0 } value)
                {
                    if (value[0] == '[')
                    {
                        int close = value.IndexOf(']', StringComparison.Ordinal);
                        name = close < 0 ? value : value[1..close];
                    }
                    else
                    {
                        int colon = value.IndexOf(':', StringComparison.Ordinal);
                        name = colon < 0 ? value : value[..colon];
                    }
                }
            }
        }
        return IsIp(name) ? string.Empty : name;
    }
}
