using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace NodeHttp;

/// <summary>
/// The instruments of one <see cref="NodeHttpDiagnostics.ClientMeterName"/> meter, named, united and described as the
/// OpenTelemetry semantic conventions and <c>HttpClient</c> have them: the process-wide meter (<see cref="Default"/>),
/// or one made by an <see cref="IMeterFactory"/> (<see cref="AgentOptions.MeterFactory"/>), as <c>HttpClient</c>'s
/// meter is made by the container's factory. Callers check <see cref="Instrument.Enabled"/> before they measure anything.
/// </summary>
internal sealed class ClientMetrics
{
    /// <summary>The meter of agents given no factory (and of requests without an agent): made once, never disposed.</summary>
    internal static readonly ClientMetrics Default = new(new Meter(NodeHttpDiagnostics.ClientMeterName, HttpMetrics.Version));

    // One set of instruments per factory: the agents of a container share them, as the factory shares its meter.
    private static readonly ConditionalWeakTable<IMeterFactory, ClientMetrics> ByFactory = new();

    private ClientMetrics(Meter meter)
    {
        Meter = meter;
        // System.Net.Http's instruments.
        RequestDuration = meter.CreateHistogram(
            "http.client.request.duration", "s", "Duration of HTTP client requests.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HttpMetrics.RequestBuckets });
        ActiveRequests = meter.CreateUpDownCounter<long>(
            "http.client.active_requests", "{request}", "Number of outbound HTTP requests that are currently active on the client.");
        OpenConnections = meter.CreateUpDownCounter<long>(
            "http.client.open_connections", "{connection}", "Number of outbound HTTP connections that are currently active or idle on the client.");
        ConnectionDuration = meter.CreateHistogram(
            "http.client.connection.duration", "s", "The duration of successfully established outbound HTTP connections.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HttpMetrics.ConnectionBuckets });
        TimeInQueue = meter.CreateHistogram(
            "http.client.request.time_in_queue", "s", "The amount of time requests spent on a queue waiting for an available connection.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HttpMetrics.RequestBuckets });
    }

    /// <summary>The meter the instruments belong to.</summary>
    internal Meter Meter { get; }

    internal Histogram<double> RequestDuration { get; }

    internal UpDownCounter<long> ActiveRequests { get; }

    internal UpDownCounter<long> OpenConnections { get; }

    internal Histogram<double> ConnectionDuration { get; }

    internal Histogram<double> TimeInQueue { get; }

    /// <summary>Whether any request instrument has a listener.</summary>
    internal bool RequestsObserved => RequestDuration.Enabled || ActiveRequests.Enabled || TimeInQueue.Enabled;

    /// <summary>Whether any connection instrument has a listener.</summary>
    internal bool ConnectionsObserved => OpenConnections.Enabled || ConnectionDuration.Enabled;

    /// <summary>The instruments of <paramref name="factory"/>'s <c>NodeHttp.Client</c> meter, or <see cref="Default"/> for none.</summary>
    internal static ClientMetrics For(IMeterFactory? factory) =>
        factory is null ? Default : ByFactory.GetValue(factory, static f => new ClientMetrics(f.Create(NodeHttpDiagnostics.ClientMeterName, HttpMetrics.Version)));
}
