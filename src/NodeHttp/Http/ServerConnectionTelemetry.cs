using System.Diagnostics;

namespace NodeHttp;

/// <summary>What the server measures of one connection while someone listens: made at accept, read at close.</summary>
/// <remarks>Owned by the connection's loop.</remarks>
internal sealed class ServerConnectionTelemetry(ServerMetrics metrics, TagList tags)
{
    /// <summary>The instruments the connection is counted in (its server's).</summary>
    public ServerMetrics Metrics { get; } = metrics;

    /// <summary>When the connection was accepted (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long Start { get; } = Stopwatch.GetTimestamp();

    /// <summary>The endpoint tags (transport, network type, server address and port).</summary>
    public TagList Tags { get; } = tags;

    /// <summary>Counted in <c>kestrel.active_connections</c>.</summary>
    public bool CountedActive { get; set; }

    /// <summary>Counted in <c>kestrel.upgraded_connections</c>.</summary>
    public bool CountedUpgraded { get; set; }

    /// <summary><c>kestrel.connection.duration</c> had a listener at accept.</summary>
    public bool MeasureDuration { get; set; }

    /// <summary>Recorded once: the socket's close and an upgrade's close listener may both report the end.</summary>
    public bool Closed { get; set; }

    /// <summary>Why the connection ended, if it failed (Kestrel's names).</summary>
    public string? ErrorType { get; set; }
}
