using Microsoft.Extensions.Primitives;

namespace NodeHttp;

/// <summary>
/// The options of Node's <c>http.request(options)</c>, also what an <see cref="Agent"/> receives for
/// <see cref="Agent.GetName"/> and <see cref="Agent.CreateConnection"/>. Unset members take Node's defaults.
/// </summary>
public sealed class RequestOptions
{
    /// <summary>
    /// Node's <c>protocol</c>: <c>"http:"</c> or <c>"https:"</c>; null (default) takes the agent's (<c>"http:"</c> for
    /// <see cref="Http.Request(RequestOptions, Action{IncomingMessage}?)"/>). One that differs from the agent's is <c>ERR_INVALID_PROTOCOL</c>.
    /// </summary>
    public string? Protocol { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>host</c>: the server's name or IP address (default <c>"localhost"</c>); <see cref="Hostname"/> wins when both are set.</summary>
    public string? Host { get; set { Changing(); field = value; } } = "localhost";

    /// <summary>Node's <c>hostname</c>: alias of <see cref="Host"/> that takes precedence over it.</summary>
    public string? Hostname { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>family</c>: the IP family (4 or 6) to resolve <see cref="Host"/> to; null for either.</summary>
    public int? Family { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>port</c>: the server's port; null for <see cref="DefaultPort"/> (80).</summary>
    public int? Port { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>defaultPort</c>: the port used when <see cref="Port"/> is null (default: the agent's, 80).</summary>
    public int? DefaultPort { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>localAddress</c>: the local interface to bind the connection to.</summary>
    public string? LocalAddress { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>localPort</c>: the local port to connect from (0 = any).</summary>
    public int LocalPort { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>socketPath</c>: a Unix domain socket to connect to instead of host and port.</summary>
    public string? SocketPath { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>method</c>: the request method (default <c>"GET"</c>), upper-cased as Node does.</summary>
    public string? Method { get; set { Changing(); field = value; } } = "GET";

    /// <summary>Node's <c>path</c>: the request target including any query string (default <c>"/"</c>); must not contain spaces or control characters.</summary>
    public string? Path { get; set { Changing(); field = value; } } = "/";

    /// <summary>Node's <c>headers</c>: request headers, set with <c>SetHeader</c> in order.</summary>
    public IEnumerable<KeyValuePair<string, StringValues>>? Headers { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>auth</c>: <c>"user:password"</c> for a basic <c>Authorization</c> header (unless one is set in <see cref="Headers"/>).</summary>
    public string? Auth { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>agent</c>: the <see cref="NodeHttp.Agent"/> to use; null for <see cref="Http.GlobalAgent"/>.</summary>
    public Agent? Agent { get; set { Changing(); field = value; } }

    /// <summary>false is Node's <c>agent: false</c>: a new one-use agent with default options, so the connection is not pooled.</summary>
    public bool UseAgent { get; set { Changing(); field = value; } } = true;

    /// <summary>
    /// Node's <c>createConnection(options, oncreate)</c>: makes the socket when no agent is used (and used by
    /// <see cref="Agent.CreateConnection"/> when set). Return the socket, or null and call the callback later; a
    /// <see cref="Duplex"/> that is not a socket is returned as <see cref="Socket.FromDuplex"/>. Without an agent the
    /// socket stays the caller's: as in Node, it is left open after an exchange both sides kept alive (a GET asks for
    /// that only with a <c>Connection: keep-alive</c> header), ready for another request, and closed after one that was not.
    /// </summary>
    public Func<RequestOptions, Action<Exception?, Socket?>, Socket?>? CreateConnection { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>timeout</c>: the socket timeout in milliseconds (emits <c>'timeout'</c> on the request).</summary>
    public int? Timeout { get; set { Changing(); field = value; } }

    /// <summary>
    /// Node's <c>keepAlive</c> (a <c>net.createConnection</c> option): TCP keep-alive on the new connection. A
    /// keep-alive <see cref="NodeHttp.Agent"/> sets it, with <see cref="KeepAliveInitialDelay"/>, for the sockets it asks for.
    /// </summary>
    public bool KeepAlive { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>keepAliveInitialDelay</c>: milliseconds of idleness before the first TCP keep-alive probe (0: the system's).</summary>
    public int KeepAliveInitialDelay { get; set { Changing(); field = value; } }

    /// <summary>
    /// Node's <c>signal</c> (an <c>AbortSignal</c>): when the token is cancelled the request is destroyed with an
    /// <c>ABORT_ERR</c> error (Node's <c>AbortError</c>), as is a socket made by <see cref="Agent.CreateConnection"/> with it.
    /// Not passed on to the agent, as Node hands it the options without the signal.
    /// </summary>
    public CancellationToken Signal { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>setHost</c>: whether to add a <c>Host</c> header (default true).</summary>
    public bool SetHost { get; set { Changing(); field = value; } } = true;

    /// <summary>Node's <c>insecureHTTPParser</c>: accept invalid response headers (llhttp's lenient flags).</summary>
    public bool? InsecureHttpParser { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>maxHeaderSize</c>: the response head limit in bytes (default <see cref="Http.MaxHeaderSize"/>).</summary>
    public int? MaxHeaderSize { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>joinDuplicateHeaders</c>: join every duplicate response header with <c>", "</c>.</summary>
    public bool JoinDuplicateHeaders { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>uniqueHeaders</c>: request headers whose repeated values are sent joined into one line.</summary>
    public IEnumerable<string>? UniqueHeaders { get; set { Changing(); field = value; } }

    /// <summary>
    /// Node's <c>ca</c> (https): the certificate authorities to trust, as PEM (one or more certificates); when set they
    /// replace the system's roots, as in Node. Null trusts the system's roots.
    /// </summary>
    public string? Ca { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>ca</c> (https) given as certificates; joins <see cref="Ca"/>. They replace the system's roots.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2Collection? CaCertificates { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>cert</c> (https): the client certificate chain as PEM, with <see cref="Key"/>.</summary>
    public string? Cert { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>key</c> (https): the private key of <see cref="Cert"/> as PEM (encrypted with <see cref="Passphrase"/> if it is).</summary>
    public string? Key { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>pfx</c> (https): the client certificate and key as PKCS#12 bytes, opened with <see cref="Passphrase"/>.</summary>
    public byte[]? Pfx { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>passphrase</c> (https): for <see cref="Pfx"/> or an encrypted <see cref="Key"/>.</summary>
    public string? Passphrase { get; set { Changing(); field = value; } }

    /// <summary>The client certificate with its private key, the .NET way (instead of <see cref="Cert"/>/<see cref="Key"/> or <see cref="Pfx"/>).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>ciphers</c> (https): an OpenSSL cipher list, where the platform lets it be set.</summary>
    public string? Ciphers { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>minVersion</c> (https): <c>"TLSv1.2"</c> or <c>"TLSv1.3"</c>; null for the platform's default.</summary>
    public string? MinVersion { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>maxVersion</c> (https): <c>"TLSv1.2"</c> or <c>"TLSv1.3"</c>; null for the platform's default.</summary>
    public string? MaxVersion { get; set { Changing(); field = value; } }

    /// <summary>Node's <c>ALPNProtocols</c> (https): the protocols offered in the handshake; null offers none.</summary>
    public IReadOnlyList<string>? AlpnProtocols { get; set { Changing(); field = value; } }

    /// <summary>
    /// Node's <c>rejectUnauthorized</c> (https): whether a server certificate that does not verify (chain or host name)
    /// fails the request. Null is Node's default, true; as in Node, only a value set here is part of the agent's pool key.
    /// </summary>
    public bool? RejectUnauthorized { get; set { Changing(); field = value; } }

    /// <summary>
    /// Node's <c>servername</c> (https): the name sent for SNI and checked against the certificate. Null: the
    /// <c>Host</c> header's host, else <see cref="Host"/>, unless that is an IP address.
    /// </summary>
    public string? Servername { get; set { Changing(); field = value; } }

    /// <summary>
    /// Node's <c>checkServerIdentity(hostname, cert)</c> (https): returns the error that fails the connection, or null
    /// to accept it. Replaces the default check (host name against the certificate's names, <c>ERR_TLS_CERT_ALTNAME_INVALID</c>).
    /// </summary>
    public Func<string, System.Security.Cryptography.X509Certificates.X509Certificate2, Exception?>? CheckServerIdentity { get; set { Changing(); field = value; } }

    // The request reading these options without a copy of its own (see Lend), or null.
    private ClientRequest? borrower;

    /// <summary>A shallow copy (Node's <c>{ ...options }</c>).</summary>
    internal RequestOptions Clone()
    {
        var copy = (RequestOptions)MemberwiseClone();
        copy.borrower = null;
        return copy;
    }

    /// <summary>
    /// Lets <paramref name="request"/> read these options in place instead of copying them as Node does: most
    /// options objects are made for one request and never touched again, so the copy is usually waste. Before
    /// any member changes, the borrower takes its copy (<see cref="ClientRequest.TakeOptionsCopy"/>), so it
    /// still sees the options as they were when the request was made. One borrower at a time; false when there
    /// is one already (the caller copies).
    /// </summary>
    internal bool Lend(ClientRequest request) => Interlocked.CompareExchange(ref borrower, request, null) is null;

    /// <summary>The borrower no longer reads these options.</summary>
    internal void Return(ClientRequest request) => Interlocked.CompareExchange(ref borrower, null, request);

    private void Changing()
    {
        if (borrower is not null && Interlocked.Exchange(ref borrower, null) is { } request)
        {
            request.TakeOptionsCopy();
        }
    }
}
