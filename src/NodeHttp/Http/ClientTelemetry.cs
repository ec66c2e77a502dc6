using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace NodeHttp;

/// <summary>
/// The client's metrics and spans: per request (<see cref="ClientRequestTelemetry"/>, made only when someone listens
/// or a current activity is to be carried on) and per pooled connection (<see cref="ClientConnectionTelemetry"/>, made
/// only when someone listens). An unobserved client pays a few checks per request and allocates nothing.
/// </summary>
internal static class ClientTelemetry
{
    // The agent's sockets being measured. Looked up only while `tracked` is above 0, so an agent nobody observes
    // never touches the table.
    private static readonly ConditionalWeakTable<Socket, ClientConnectionTelemetry> Connections = new();
    private static int tracked;

    /// <summary>
    /// A request was made: its span is started and its context put into its headers (or a current activity's
    /// context, as HttpClient does); it is counted active. Null when there is nothing to measure.
    /// </summary>
    internal static ClientRequestTelemetry? Start(ClientRequest req, string host, int port)
    {
        Activity? activity = HttpTracing.ClientSource.HasListeners() || Activity.Current is not null
            ? HttpTracing.StartClient(req, host, port)
            : null;
        ClientMetrics m = req.Agent?.Metrics ?? ClientMetrics.Default;
        if (!m.RequestsObserved && activity is null)
        {
            return null;
        }
        var telemetry = new ClientRequestTelemetry(m, HttpMetrics.MethodTag(req.Method), host, port, activity);
        if (m.ActiveRequests.Enabled)
        {
            telemetry.CountedActive = true;
            m.ActiveRequests.Add(1, ActiveTags(telemetry));
        }
        telemetry.MeasureDuration = m.RequestDuration.Enabled;
        return telemetry;
    }

    /// <summary>The agent queued the request: no socket of its origin is free and no new one may be made.</summary>
    internal static void Queued(ClientRequest req)
    {
        if (req.Telemetry is { } t && t.Metrics.TimeInQueue.Enabled)
        {
            t.QueuedAt = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>The request got its socket (or failed to): the time it waited in the agent's queue is recorded.</summary>
    internal static void Dequeued(ClientRequest req)
    {
        if (req.Telemetry is { QueuedAt: not 0 } t)
        {
            long queuedAt = t.QueuedAt;
            t.QueuedAt = 0;
            var tags = new TagList
            {
                { "http.request.method", t.Method },
                { "server.address", t.Host },
                { "server.port", t.Port },
                { "url.scheme", "http" },
                { "network.protocol.version", "1.1" },
            };
            t.Metrics.TimeInQueue.Record(HttpMetrics.Seconds(queuedAt, Stopwatch.GetTimestamp()), tags);
        }
    }

    /// <summary>The response head arrived: the request's duration ends here, as HttpClient's does at its response headers.</summary>
    internal static void ResponseReceived(ClientRequest req, IncomingMessage res)
    {
        if (req.Telemetry is { Ended: false } t)
        {
            End(t, res, null);
        }
    }

    /// <summary>The request failed (its <c>'error'</c>): logged through the agent's logger and, if still open, ended with <c>error.type</c>.</summary>
    internal static Exception Failed(ClientRequest req, Exception error)
    {
        if (req.Agent?.Options.Logger is { } logger)
        {
            HttpLog.RequestFailed(logger, req.Method, req.Host, req.ConnectPort, req.Path, HttpMetrics.ErrorType(error), error);
        }
        if (req.Telemetry is { Ended: false } t)
        {
            End(t, req.Res, HttpMetrics.ErrorType(error));
        }
        return error;
    }

    /// <summary>The request is over: one that never got a response nor an error (aborted) ends here.</summary>
    internal static void Ended(ClientRequest req)
    {
        if (req.Telemetry is { Ended: false } t)
        {
            End(t, req.Res, req.Res is null ? "aborted" : null);
        }
    }

    private static void End(ClientRequestTelemetry t, IncomingMessage? res, string? errorType)
    {
        t.Ended = true;
        int? status = res?.StatusCode;
        if (t.CountedActive)
        {
            t.Metrics.ActiveRequests.Add(-1, ActiveTags(t));
        }
        if (t.MeasureDuration)
        {
            var tags = new TagList
            {
                { "http.request.method", t.Method },
                { "server.address", t.Host },
                { "server.port", t.Port },
                { "url.scheme", "http" },
            };
            if (status is int s)
            {
                tags.Add("http.response.status_code", s);
                tags.Add("network.protocol.version", res!.HttpVersion);
            }
            if (errorType is not null)
            {
                tags.Add("error.type", errorType);
            }
            t.Metrics.RequestDuration.Record(HttpMetrics.Seconds(t.Start, Stopwatch.GetTimestamp()), tags);
        }
        if (t.Activity is { } activity)
        {
            HttpTracing.StopClient(activity, res, errorType);
        }
    }

    private static TagList ActiveTags(ClientRequestTelemetry t) => new()
    {
        { "http.request.method", t.Method },
        { "server.address", t.Host },
        { "server.port", t.Port },
        { "url.scheme", "http" },
    };

    /// <summary>
    /// The agent made a socket for an origin: once connected it counts in <c>http.client.open_connections</c> (active,
    /// as it was made for a request) and its duration runs, as HttpClient's connections do from their establishment.
    /// </summary>
    internal static void ConnectionCreated(Agent agent, Socket socket, RequestOptions options)
    {
        ClientMetrics m = agent.Metrics;
        if (!m.ConnectionsObserved)
        {
            return;
        }
        string host = options.Hostname is { Length: > 0 } hn ? hn : options.Host is { Length: > 0 } h ? h : "localhost";
        int port = options.Port is int p and not 0 ? p : options.DefaultPort is int dp and not 0 ? dp : 80;
        if (socket.Connecting)
        {
            socket.Once(NetEvents.Connect, () => Open(m, socket, host, port));
        }
        else
        {
            Open(m, socket, host, port);
        }
    }

    private static void Open(ClientMetrics m, Socket socket, string host, int port)
    {
        var tags = new TagList
        {
            { "network.peer.address", socket.RemoteAddress },
            { "network.protocol.version", "1.1" },
            { "server.address", host },
            { "server.port", port },
            { "url.scheme", "http" },
        };
        var telemetry = new ClientConnectionTelemetry(m, tags)
        {
            CountedOpen = m.OpenConnections.Enabled,
            MeasureDuration = m.ConnectionDuration.Enabled,
        };
        lock (Connections)
        {
            if (!Connections.TryAdd(socket, telemetry))
            {
                return;
            }
            tracked++;
        }
        if (telemetry.CountedOpen)
        {
            m.OpenConnections.Add(1, telemetry.StateTags(idle: false));
        }
    }

    /// <summary>The agent put the socket in its free pool: it moves from active to idle.</summary>
    internal static void ConnectionIdle(Socket socket) => SetState(socket, idle: true);

    /// <summary>The agent took the socket from its free pool for a request: it moves from idle to active.</summary>
    internal static void ConnectionActive(Socket socket) => SetState(socket, idle: false);

    private static void SetState(Socket socket, bool idle)
    {
        if (Volatile.Read(ref tracked) == 0 || !Connections.TryGetValue(socket, out ClientConnectionTelemetry? t))
        {
            return;
        }
        lock (t)
        {
            if (t.Closed || t.Idle == idle)
            {
                return;
            }
            if (t.CountedOpen)
            {
                t.Metrics.OpenConnections.Add(-1, t.StateTags(t.Idle));
                t.Metrics.OpenConnections.Add(1, t.StateTags(idle));
            }
            t.Idle = idle;
        }
    }

    /// <summary>The agent's socket closed (or left the agent): counted down, its duration recorded.</summary>
    internal static void ConnectionClosed(Socket socket)
    {
        if (Volatile.Read(ref tracked) == 0)
        {
            return;
        }
        ClientConnectionTelemetry? t;
        lock (Connections)
        {
            if (!Connections.TryGetValue(socket, out t))
            {
                return;
            }
            Connections.Remove(socket);
            tracked--;
        }
        lock (t)
        {
            t.Closed = true;
            if (t.CountedOpen)
            {
                t.Metrics.OpenConnections.Add(-1, t.StateTags(t.Idle));
            }
        }
        if (t.MeasureDuration)
        {
            t.Metrics.ConnectionDuration.Record(HttpMetrics.Seconds(t.Start, Stopwatch.GetTimestamp()), t.Tags);
        }
    }
}
