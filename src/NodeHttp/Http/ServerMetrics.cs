using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;

namespace NodeHttp;

/// <summary>
/// The instruments of one <see cref="NodeHttpDiagnostics.ServerMeterName"/> meter, named, united and described as the
/// OpenTelemetry semantic conventions and Kestrel have them: the process-wide meter (<see cref="Default"/>), or one
/// made by an <see cref="IMeterFactory"/> (<see cref="ServerOptions.MeterFactory"/>), as Kestrel's meters are made by
/// the host's factory, so that a listener can tell one host's servers from another's by <see cref="Meter.Scope"/>.
/// Callers check <see cref="Instrument.Enabled"/> before they measure anything.
/// </summary>
internal sealed class ServerMetrics
{
    /// <summary>The meter of servers given no factory: made once, never disposed.</summary>
    internal static readonly ServerMetrics Default = new(new Meter(NodeHttpDiagnostics.ServerMeterName, HttpMetrics.Version));

    // One set of instruments per factory: the servers of a host share them, as the factory shares its meter.
    private static readonly ConditionalWeakTable<IMeterFactory, ServerMetrics> ByFactory = new();

    private ServerMetrics(Meter meter)
    {
        Meter = meter;
        // ASP.NET Core hosting's request instruments.
        RequestDuration = meter.CreateHistogram(
            "http.server.request.duration", "s", "Duration of HTTP server requests.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HttpMetrics.RequestBuckets });
        ActiveRequests = meter.CreateUpDownCounter<long>(
            "http.server.active_requests", "{request}", "Number of active HTTP server requests.");
        // Kestrel's connection instruments. kestrel.queued_connections has no counterpart (a connection is served as it
        // is accepted, in the same loop turn). The TLS handshake's two are recorded by https servers
        // (ServerTelemetry.TlsHandshakeStarted).
        ActiveConnections = meter.CreateUpDownCounter<long>(
            "kestrel.active_connections", "{connection}", "Number of connections that are currently active on the server.");
        ConnectionDuration = meter.CreateHistogram(
            "kestrel.connection.duration", "s", "The duration of connections on the server.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HttpMetrics.ConnectionBuckets });
        TlsHandshakeDuration = meter.CreateHistogram(
            "kestrel.tls_handshake.duration", "s", "The duration of TLS handshakes on the server.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = HttpMetrics.ConnectionBuckets });
        ActiveTlsHandshakes = meter.CreateUpDownCounter<long>(
            "kestrel.active_tls_handshakes", "{handshake}", "Number of TLS handshakes that are currently in progress on the server.");
        RejectedConnections = meter.CreateCounter<long>(
            "kestrel.rejected_connections", "{connection}", "Number of connections rejected by the server.");
        UpgradedConnections = meter.CreateUpDownCounter<long>(
            "kestrel.upgraded_connections", "{connection}", "Number of connections that are currently upgraded (WebSockets).");
    }

    /// <summary>The meter the instruments belong to.</summary>
    internal Meter Meter { get; }

    internal Histogram<double> RequestDuration { get; }

    internal UpDownCounter<long> ActiveRequests { get; }

    internal UpDownCounter<long> ActiveConnections { get; }

    internal Histogram<double> ConnectionDuration { get; }

    internal Histogram<double> TlsHandshakeDuration { get; }

    internal UpDownCounter<long> ActiveTlsHandshakes { get; }

    internal Counter<long> RejectedConnections { get; }

    internal UpDownCounter<long> UpgradedConnections { get; }

    /// <summary>Whether any instrument of a request has a listener (one check on the request path).</summary>
    internal bool RequestsObserved => RequestDuration.Enabled || ActiveRequests.Enabled;

    /// <summary>Whether any connection instrument has a listener.</summary>
    internal bool ConnectionsObserved => ActiveConnections.Enabled || ConnectionDuration.Enabled || UpgradedConnections.Enabled;

    /// <summary>The instruments of <paramref name="factory"/>'s <c>NodeHttp.Server</c> meter, or <see cref="Default"/> for none.</summary>
    internal static ServerMetrics For(IMeterFactory? factory) =>
        factory is null ? Default : ByFactory.GetValue(factory, static f => new ServerMetrics(f.Create(NodeHttpDiagnostics.ServerMeterName, HttpMetrics.Version)));
}
