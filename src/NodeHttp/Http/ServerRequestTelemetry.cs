using System.Diagnostics;

namespace NodeHttp;

/// <summary>What the server measures of one request while someone listens: made at its head, read at its end.</summary>
/// <remarks>Owned by the connection's loop.</remarks>
internal sealed class ServerRequestTelemetry(ServerMetrics metrics, string method, string version, Activity? activity)
{
    /// <summary>The instruments the request is counted in (its server's).</summary>
    public ServerMetrics Metrics { get; } = metrics;

    /// <summary>When the head arrived (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long Start { get; } = Stopwatch.GetTimestamp();

    /// <summary>The <c>http.request.method</c> tag (a known method or <c>_OTHER</c>).</summary>
    public string Method { get; } = method;

    /// <summary>The <c>network.protocol.version</c> tag.</summary>
    public string Version { get; } = version;

    /// <summary>The request's server span, or null.</summary>
    public Activity? Activity { get; } = activity;

    /// <summary>Counted in <c>http.server.active_requests</c> at the start, so counted down at the end.</summary>
    public bool CountedActive { get; set; }

    /// <summary><c>http.server.request.duration</c> had a listener at the start.</summary>
    public bool MeasureDuration { get; set; }

    /// <summary>The failure that ends the request (a handler's exception type), or null.</summary>
    public string? ErrorType { get; set; }
}
