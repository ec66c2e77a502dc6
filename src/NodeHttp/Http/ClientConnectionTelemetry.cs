using System.Diagnostics;

namespace NodeHttp;

/// <summary>What the client measures of one of the agent's connections while someone listens.</summary>
/// <remarks>The agent is shared by loops: its state changes are made under a lock on this object.</remarks>
internal sealed class ClientConnectionTelemetry(ClientMetrics metrics, TagList tags)
{
    /// <summary>The instruments the connection is counted in (its agent's).</summary>
    public ClientMetrics Metrics { get; } = metrics;

    /// <summary>When the connection was established (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long Start { get; } = Stopwatch.GetTimestamp();

    /// <summary>HttpClient's connection tags: peer address, protocol version, server address and port, scheme.</summary>
    public TagList Tags { get; } = tags;

    /// <summary>Counted in <c>http.client.open_connections</c>.</summary>
    public bool CountedOpen { get; init; }

    /// <summary><c>http.client.connection.duration</c> had a listener when the connection was established.</summary>
    public bool MeasureDuration { get; init; }

    /// <summary>In the agent's free pool (<c>http.connection.state</c> <c>idle</c>), else <c>active</c>.</summary>
    public bool Idle { get; set; }

    /// <summary>Counted down already.</summary>
    public bool Closed { get; set; }

    /// <summary>The tags with <c>http.connection.state</c>.</summary>
    public TagList StateTags(bool idle)
    {
        TagList tags = Tags;
        tags.Add("http.connection.state", idle ? "idle" : "active");
        return tags;
    }
}
