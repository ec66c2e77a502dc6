namespace NodeHttp;

/// <summary>
/// The names under which NodeHttp publishes its metrics (<see cref="System.Diagnostics.Metrics.Meter"/>) and traces
/// (<see cref="System.Diagnostics.ActivitySource"/>), for <c>AddMeter</c>/<c>AddSource</c> of OpenTelemetry or a
/// <see cref="System.Diagnostics.Metrics.MeterListener"/>. The instruments carry the names, units and attributes of
/// the OpenTelemetry HTTP semantic conventions as Kestrel and <c>HttpClient</c> publish them, so dashboards made for
/// those read NodeHttp's too. Nothing is measured, timed or allocated for them while nobody listens.
/// </summary>
/// <remarks>
/// <para>Server (<see cref="ServerMeterName"/>): <c>http.server.request.duration</c> (s),
/// <c>http.server.active_requests</c>, <c>kestrel.active_connections</c>, <c>kestrel.connection.duration</c> (s),
/// <c>kestrel.rejected_connections</c> (<see cref="Server.MaxConnections"/>), <c>kestrel.upgraded_connections</c>.</para>
/// <para>Client (<see cref="ClientMeterName"/>): <c>http.client.request.duration</c> (s),
/// <c>http.client.active_requests</c>, <c>http.client.open_connections</c> (<c>http.connection.state</c>
/// <c>active</c>/<c>idle</c>), <c>http.client.connection.duration</c> (s), <c>http.client.request.time_in_queue</c>
/// (s, the <see cref="Agent"/>'s queue).</para>
/// <para>Traces: a server span per request that continues the incoming W3C <c>traceparent</c>/<c>tracestate</c>
/// (through <see cref="System.Diagnostics.DistributedContextPropagator.Current"/>), and a client span per request whose
/// context is sent in those headers, as <c>HttpClient</c> does.</para>
/// </remarks>
public static class NodeHttpDiagnostics
{
    /// <summary>The meter and activity source name of the server side: <c>NodeHttp.Server</c>.</summary>
    public const string ServerMeterName = "NodeHttp.Server";

    /// <summary>The meter and activity source name of the client side: <c>NodeHttp.Client</c>.</summary>
    public const string ClientMeterName = "NodeHttp.Client";

    /// <summary>The activity source of server spans (the same name as <see cref="ServerMeterName"/>).</summary>
    public const string ServerActivitySourceName = ServerMeterName;

    /// <summary>The activity source of client spans (the same name as <see cref="ClientMeterName"/>).</summary>
    public const string ClientActivitySourceName = ClientMeterName;

    /// <summary>The operation name of a server span (its display name is the request method, as OpenTelemetry names HTTP spans).</summary>
    public const string ServerActivityName = "NodeHttp.HttpRequestIn";

    /// <summary>The operation name of a client span (its display name is the request method).</summary>
    public const string ClientActivityName = "NodeHttp.HttpRequestOut";
}
