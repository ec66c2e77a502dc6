using System.Diagnostics;
using System.Globalization;

namespace NodeHttp;

/// <summary>
/// The spans of <see cref="NodeHttpDiagnostics.ServerActivitySourceName"/> and <see cref="NodeHttpDiagnostics.ClientActivitySourceName"/>:
/// W3C trace context in and out through <see cref="DistributedContextPropagator.Current"/>, tags of the OpenTelemetry HTTP
/// semantic conventions. Nothing here runs unless <see cref="ActivitySource.HasListeners"/> (or, for the client's
/// headers, a current activity to carry on).
/// </summary>
/// <remarks>
/// The loop thread runs one callback after another, so <see cref="Activity.Current"/> (an async-local) must not
/// stay set there after a callback: every start and stop here puts back what was current before.
/// </remarks>
internal static class HttpTracing
{
    internal static readonly ActivitySource ServerSource = new(NodeHttpDiagnostics.ServerActivitySourceName, typeof(HttpTracing).Assembly.GetName().Version?.ToString());

    internal static readonly ActivitySource ClientSource = new(NodeHttpDiagnostics.ClientActivitySourceName, typeof(HttpTracing).Assembly.GetName().Version?.ToString());

    private static readonly DistributedContextPropagator.PropagatorGetterCallback HeaderGetter = static (object? carrier, string name, out string? value, out IEnumerable<string>? values) =>
    {
        values = null;
        value = carrier is IncomingMessage req && req.Headers.TryGetValue(name, out var v) ? v.ToString() : null;
    };

    private static readonly DistributedContextPropagator.PropagatorSetterCallback HeaderSetter = static (object? carrier, string name, string value) =>
        ((ClientRequest)carrier!).SetHeader(name, value);

    /// <summary>
    /// Starts the server span of a request that just arrived: a child of the <c>traceparent</c>/<c>tracestate</c> it
    /// carries, else a new trace. Leaves <see cref="Activity.Current"/> as it was; <see cref="Enter"/> makes the span
    /// current while the request's events run. Null when nobody listens or the sampler declines.
    /// </summary>
    internal static Activity? StartServer(IncomingMessage req, Socket socket)
    {
        Activity? previous = Activity.Current;
        DistributedContextPropagator.Current.ExtractTraceIdAndState(req, HeaderGetter, out string? traceParent, out string? traceState);
        ActivityContext.TryParse(traceParent, traceState, isRemote: true, out ActivityContext parent);
        string method = HttpMetrics.MethodTag(req.Method);
        Activity? activity = ServerSource.StartActivity(NodeHttpDiagnostics.ServerActivityName, ActivityKind.Server, parent);
        Activity.Current = previous;
        if (activity is null)
        {
            return null;
        }
        activity.DisplayName = method == "_OTHER" ? "HTTP" : method;
        if (activity.IsAllDataRequested)
        {
            string url = req.Url ?? "/";
            int query = url.IndexOf('?', StringComparison.Ordinal);
            activity.SetTag("http.request.method", method);
            if (method == "_OTHER")
            {
                activity.SetTag("http.request.method_original", req.Method);
            }
            activity.SetTag("url.scheme", "http");
            activity.SetTag("url.path", query < 0 ? url : url[..query]);
            if (query >= 0)
            {
                activity.SetTag("url.query", url[(query + 1)..]);
            }
            activity.SetTag("network.protocol.version", req.HttpVersion);
            if (req.Headers.TryGetValue("host", out var host))
            {
                SetServerAddress(activity, host.ToString());
            }
            if (req.Headers.TryGetValue("user-agent", out var agent))
            {
                activity.SetTag("user_agent.original", agent.ToString());
            }
            if (socket.RemoteAddress is { } remote)
            {
                activity.SetTag("client.address", remote);
            }
        }
        return activity;
    }

    /// <summary>Ends a server span: the status code, <c>error.type</c> and an error status for 5xx or a failure.</summary>
    internal static void StopServer(Activity activity, int? statusCode, string? errorType)
    {
        if (activity.IsAllDataRequested)
        {
            if (statusCode is int status)
            {
                activity.SetTag("http.response.status_code", status);
            }
            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
            }
        }
        if (errorType is not null || statusCode >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error);
        }
        Stop(activity);
    }

    /// <summary>
    /// Starts the client span of a request and puts its context into the request's headers, as HttpClient does; with no
    /// listener but a current activity, that activity's context is sent instead so the trace goes on. Headers the user
    /// set already are left alone. Null when no span was made.
    /// </summary>
    internal static Activity? StartClient(ClientRequest req, string host, int port)
    {
        Activity? previous = Activity.Current;
        Activity? activity = null;
        if (ClientSource.HasListeners())
        {
            activity = ClientSource.StartActivity(NodeHttpDiagnostics.ClientActivityName, ActivityKind.Client);
            Activity.Current = previous;
        }
        Activity? carried = activity ?? previous;
        if (carried is not null && !req.HasHeader("traceparent"))
        {
            DistributedContextPropagator.Current.Inject(carried, req, HeaderSetter);
        }
        if (activity is null)
        {
            return null;
        }
        string method = HttpMetrics.MethodTag(req.Method);
        activity.DisplayName = method == "_OTHER" ? "HTTP" : method;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("http.request.method", method);
            if (method == "_OTHER")
            {
                activity.SetTag("http.request.method_original", req.Method);
            }
            activity.SetTag("server.address", host);
            activity.SetTag("server.port", port);
            activity.SetTag("url.full", FullUrl(req, host, port));
        }
        return activity;
    }

    /// <summary>Ends a client span: the status code, <c>error.type</c>, and an error status for 4xx/5xx or a failure.</summary>
    internal static void StopClient(Activity activity, IncomingMessage? response, string? errorType)
    {
        int? status = response?.StatusCode;
        if (activity.IsAllDataRequested)
        {
            if (status is int s)
            {
                activity.SetTag("http.response.status_code", s);
                activity.SetTag("network.protocol.version", response!.HttpVersion);
            }
            if (errorType is not null)
            {
                activity.SetTag("error.type", errorType);
            }
        }
        if (errorType is not null || status >= 400)
        {
            activity.SetStatus(ActivityStatusCode.Error);
        }
        Stop(activity);
    }

    /// <summary>Makes a request's server span current while its events run; the scope puts back what was current.</summary>
    internal static ActivityScope Enter(Activity? activity)
    {
        if (activity is null)
        {
            return default;
        }
        var scope = new ActivityScope(Activity.Current, active: true);
        Activity.Current = activity;
        return scope;
    }

    private static void Stop(Activity activity)
    {
        Activity? previous = Activity.Current;
        activity.Stop();
        Activity.Current = previous == activity ? activity.Parent : previous;
    }

    private static void SetServerAddress(Activity activity, string host)
    {
        // Host is host[:port], an IPv6 literal in brackets.
        int colon = host.LastIndexOf(':');
        int bracket = host.LastIndexOf(']');
        if (colon > bracket && int.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port))
        {
            activity.SetTag("server.address", host[..colon]);
            activity.SetTag("server.port", port);
        }
        else
        {
            activity.SetTag("server.address", host);
        }
    }

    private static string FullUrl(ClientRequest req, string host, int port)
    {
        string authority = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? "[" + host + "]" : host;
        string path = req.Path;
        if (req.Method == "CONNECT")
        {
            return "http://" + authority + ":" + port.ToString(CultureInfo.InvariantCulture);
        }
        // As HttpClient (.NET 9+): the query's values may be secrets, so it is sent to the span as "?*".
        int query = path.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            path = path[..query] + "?*";
        }
        return "http://" + authority + (port == 80 ? string.Empty : ":" + port.ToString(CultureInfo.InvariantCulture)) + (path.StartsWith('/') ? path : "/" + path);
    }

    /// <summary>What <see cref="Enter"/> replaced; disposing puts it back.</summary>
    internal readonly struct ActivityScope(Activity? previous, bool active) : IDisposable
    {
        /// <inheritdoc/>
        public void Dispose()
        {
            if (active)
            {
                Activity.Current = previous;
            }
        }
    }
}
