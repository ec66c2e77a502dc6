namespace NodeHttp.Hosting;

/// <summary>
/// The options of a hosted NodeHttp server, bound from the configuration section <see cref="SectionName"/>
/// (<c>"NodeHttp"</c>: <c>NodeHttp:Port</c>, <c>NodeHttp:Host</c>, <c>NodeHttp:KeepAliveTimeout</c>, ...) and then from
/// the delegate given to <see cref="NodeHttpServiceCollectionExtensions.AddNodeHttpServer{THandler}"/>. Unset members
/// keep Node's defaults (see <see cref="ServerOptions"/>).
/// </summary>
public sealed class NodeHttpServerOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "NodeHttp";

    /// <summary>The TCP port (Node's <c>server.listen(port)</c>); 0 picks a free one, see <see cref="NodeHttpHostedService.Address"/>. Default 8080.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>The address to listen on; null listens on <c>::</c> (every address, dual stack), as Node does.</summary>
    public string? Host { get; set; }

    /// <summary>A Unix domain socket path to listen on instead of <see cref="Host"/> and <see cref="Port"/>.</summary>
    public string? SocketPath { get; set; }

    /// <summary>Node's listen <c>backlog</c> (511).</summary>
    public int Backlog { get; set; } = 511;

    /// <summary>How many event loops serve connections: 1 (default) runs everything on one loop thread; more spreads connections over an <see cref="EventLoopGroup"/>.</summary>
    public int Loops { get; set; } = 1;

    /// <summary>Node's <c>keepAliveTimeout</c> in ms (5000).</summary>
    public int KeepAliveTimeout { get; set; } = ServerOptions.DefaultKeepAliveTimeout;

    /// <summary>Node's <c>headersTimeout</c> in ms; null applies Node's rule <c>min(60000, RequestTimeout)</c>.</summary>
    public int? HeadersTimeout { get; set; }

    /// <summary>Node's <c>requestTimeout</c> in ms (300000; 0 disables it).</summary>
    public int RequestTimeout { get; set; } = ServerOptions.DefaultRequestTimeout;

    /// <summary>Node's <c>connectionsCheckingInterval</c> in ms (30000).</summary>
    public int ConnectionsCheckingInterval { get; set; } = ServerOptions.DefaultConnectionsCheckingInterval;

    /// <summary>Node's <c>maxHeaderSize</c> in bytes; null is 16 KiB.</summary>
    public int? MaxHeaderSize { get; set; }

    /// <summary>Node's <c>maxRequestsPerSocket</c> (0 = no limit).</summary>
    public int MaxRequestsPerSocket { get; set; }

    /// <summary>Node's <c>server.maxConnections</c>; null for no limit.</summary>
    public int? MaxConnections { get; set; }

    /// <summary>How often, in ms, connections that finished their last request are closed while the server drains at stop (100).</summary>
    public int DrainSweepInterval { get; set; } = 100;
}
