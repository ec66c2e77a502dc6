using System.Diagnostics.Metrics;

namespace NodeHttp;

/// <summary>
/// The instruments of <see cref="NodeHttpDiagnostics.ClientMeterName"/> (a server's are <see cref="ServerMetrics"/>),
/// named, united and described as the OpenTelemetry semantic conventions and HttpClient have them, and what both
/// sides share. Callers check <see cref="Instrument.Enabled"/> before they measure anything.
/// </summary>
internal static class HttpMetrics
{
    // The bucket boundaries the semantic conventions advise for request durations and times in queue.
    internal static readonly double[] RequestBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    // ... and for connection durations.
    internal static readonly double[] ConnectionBuckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

    /// <summary>The version the meters carry: NodeHttp's assembly version.</summary>
    internal static readonly string? Version = typeof(HttpMetrics).Assembly.GetName().Version?.ToString();

    internal static readonly Meter ClientMeter = new(NodeHttpDiagnostics.ClientMeterName, Version);

    // Client: System.Net.Http's instruments.
    internal static readonly Histogram<double> ClientRequestDuration = ClientMeter.CreateHistogram(
        "http.client.request.duration", "s", "Duration of HTTP client requests.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RequestBuckets });

    internal static readonly UpDownCounter<long> ClientActiveRequests = ClientMeter.CreateUpDownCounter<long>(
        "http.client.active_requests", "{request}", "Number of outbound HTTP requests that are currently active on the client.");

    internal static readonly UpDownCounter<long> OpenConnections = ClientMeter.CreateUpDownCounter<long>(
        "http.client.open_connections", "{connection}", "Number of outbound HTTP connections that are currently active or idle on the client.");

    internal static readonly Histogram<double> ClientConnectionDuration = ClientMeter.CreateHistogram(
        "http.client.connection.duration", "s", "The duration of successfully established outbound HTTP connections.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ConnectionBuckets });

    internal static readonly Histogram<double> TimeInQueue = ClientMeter.CreateHistogram(
        "http.client.request.time_in_queue", "s", "The amount of time requests spent on a queue waiting for an available connection.",
        tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RequestBuckets });

    /// <summary>Whether any client request instrument has a listener.</summary>
    internal static bool ClientRequestsObserved => ClientRequestDuration.Enabled || ClientActiveRequests.Enabled || TimeInQueue.Enabled;

    /// <summary>Whether any client connection instrument has a listener.</summary>
    internal static bool ClientConnectionsObserved => OpenConnections.Enabled || ClientConnectionDuration.Enabled;

    /// <summary>The semantic conventions' name for a method: the known ones as they are, anything else <c>_OTHER</c>.</summary>
    internal static string MethodTag(string? method) => method switch
    {
        "GET" or "POST" or "PUT" or "DELETE" or "HEAD" or "OPTIONS" or "PATCH" or "CONNECT" or "TRACE" => method,
        _ => "_OTHER",
    };

    /// <summary>The <c>error.type</c> of an exception: Node's error code when it has one (<c>ECONNRESET</c>), else its type.</summary>
    internal static string ErrorType(Exception error) =>
        error is NodeHttpException { Code: { Length: > 0 } code } ? code : error.GetType().FullName ?? error.GetType().Name;

    /// <summary>Seconds between two <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> values.</summary>
    internal static double Seconds(long start, long end) => System.Diagnostics.Stopwatch.GetElapsedTime(start, end).TotalSeconds;
}
