using System.Diagnostics;

namespace NodeHttp;

/// <summary>What the client measures of one request while someone listens: made with the request, ended at its response head or failure.</summary>
/// <remarks>Made on the thread that makes the request, then used on the request's loop only.</remarks>
internal sealed class ClientRequestTelemetry(ClientMetrics metrics, string method, string host, int port, Activity? activity)
{
    /// <summary>The instruments the request is counted in (its agent's).</summary>
    public ClientMetrics Metrics { get; } = metrics;

    /// <summary>When the request was made (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long Start { get; } = Stopwatch.GetTimestamp();

    /// <summary>The <c>http.request.method</c> tag.</summary>
    public string Method { get; } = method;

    /// <summary>The <c>server.address</c> tag: the host the request goes to.</summary>
    public string Host { get; } = host;

    /// <summary>The <c>server.port</c> tag.</summary>
    public int Port { get; } = port;

    /// <summary>The request's client span, or null.</summary>
    public Activity? Activity { get; } = activity;

    /// <summary>Counted in <c>http.client.active_requests</c>.</summary>
    public bool CountedActive { get; set; }

    /// <summary><c>http.client.request.duration</c> had a listener when the request was made.</summary>
    public bool MeasureDuration { get; set; }

    /// <summary>When the agent queued the request (0: not queued).</summary>
    public long QueuedAt { get; set; }

    /// <summary>The duration was recorded and the span ended.</summary>
    public bool Ended { get; set; }
}
