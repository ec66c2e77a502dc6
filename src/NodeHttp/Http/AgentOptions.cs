namespace NodeHttp;

/// <summary>
/// The options of Node's <c>new http.Agent([options])</c>. Unset members take Node 20's defaults.
/// </summary>
public class AgentOptions
{
    /// <summary>Node's <c>keepAlive</c>: keep sockets around for later requests even with nothing queued (default false).</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Node's <c>keepAliveMsecs</c>: the initial delay of TCP keep-alive probes on pooled sockets (default 1000).</summary>
    public int KeepAliveMsecs { get; set; } = Agent.DefaultKeepAliveMsecs;

    /// <summary>Node's <c>maxSockets</c>: sockets per origin (<c>host:port:localAddress</c>); null is Node's <c>Infinity</c>.</summary>
    public int? MaxSockets { get; set; }

    /// <summary>Node's <c>maxTotalSockets</c>: sockets over all origins; null is Node's <c>Infinity</c>.</summary>
    public int? MaxTotalSockets { get; set; }

    /// <summary>Node's <c>maxFreeSockets</c>: idle sockets kept per origin when <see cref="KeepAlive"/> is on (default 256).</summary>
    public int MaxFreeSockets { get; set; } = Agent.DefaultMaxFreeSockets;

    /// <summary>Node's <c>timeout</c>: the socket timeout in milliseconds set on the agent's sockets; 0 or null for none.</summary>
    public int? Timeout { get; set; }

    /// <summary>Node's <c>scheduling</c>: which free socket is used next, <c>"lifo"</c> (default) or <c>"fifo"</c>.</summary>
    public string Scheduling { get; set; } = "lifo";

    /// <summary>Node's agent <c>noDelay</c> option (default true, as Node's <c>Agent</c> constructor sets it): disables Nagle on the agent's sockets.</summary>
    public bool NoDelay { get; set; } = true;

    /// <summary>Where the agent's requests log their failures (event ids in docs/observability.md); null logs nothing.</summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; set; }

    /// <summary>
    /// Makes the agent's <see cref="NodeHttpDiagnostics.ClientMeterName"/> meter, as <c>HttpClient</c>'s meter is made by
    /// the container's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>: the meter's
    /// <see cref="System.Diagnostics.Metrics.Meter.Scope"/> is the factory. Null: the process-wide meter of that name
    /// (also the one of requests made without an agent).
    /// </summary>
    public System.Diagnostics.Metrics.IMeterFactory? MeterFactory { get; set; }
}
