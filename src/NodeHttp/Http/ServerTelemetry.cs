using System.Diagnostics;

namespace NodeHttp;

/// <summary>
/// The server's metrics and spans for one request (<see cref="ServerRequestTelemetry"/>) and one connection
/// (<see cref="ServerConnectionTelemetry"/>). Each is made only when someone listens at the time the request or the
/// connection starts, so an unobserved server pays one check per request and per connection and allocates nothing;
/// what was counted up at the start is counted down at the end even if the listener left meanwhile.
/// </summary>
internal static class ServerTelemetry
{
    /// <summary>A request head arrived: starts its span and timer and counts it active. Null when nobody listens.</summary>
    internal static ServerRequestTelemetry? RequestStart(Server server, IncomingMessage req, Socket socket)
    {
        ServerMetrics m = server.Metrics;
        bool metrics = m.RequestsObserved;
        if (!metrics && !HttpTracing.ServerSource.HasListeners())
        {
            return null;
        }
        Activity? activity = HttpTracing.ServerSource.HasListeners() ? HttpTracing.StartServer(req, socket) : null;
        if (!metrics && activity is null)
        {
            return null;
        }
        var telemetry = new ServerRequestTelemetry(m, HttpMetrics.MethodTag(req.Method), req.HttpVersion, activity);
        if (m.ActiveRequests.Enabled)
        {
            telemetry.CountedActive = true;
            m.ActiveRequests.Add(1, new("http.request.method", telemetry.Method), new("url.scheme", "http"));
        }
        telemetry.MeasureDuration = m.RequestDuration.Enabled;
        return telemetry;
    }

    /// <summary>Makes the request's span current while the events of its head run (<c>'request'</c> and the like).</summary>
    internal static HttpTracing.ActivityScope Enter(ServerResponse res) => HttpTracing.Enter(res.Telemetry?.Activity);

    /// <summary>
    /// A request handler failed: logged as the server's <c>HandlerFault</c>, and the request's <c>error.type</c> is the
    /// exception's type, as ASP.NET Core reports it. True when the server's logger took it (the loop then does not print it).
    /// </summary>
    internal static bool HandlerFailed(Server server, ServerResponse res, Exception error)
    {
        if (res.Telemetry is { } t)
        {
            t.ErrorType ??= error.GetType().FullName;
        }
        if (server.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Error))
        {
            HttpLog.HandlerFault(server.Logger, res.Req.Method, res.Req.Url, error);
            return true;
        }
        return false;
    }

    /// <summary>Node's <c>socketOnError</c> on a connection: logged as <c>ClientError</c>; the connection's <c>error.type</c>.</summary>
    internal static void ClientError(Server server, ServerConnectionTelemetry? telemetry, Exception error, Socket socket)
    {
        if (server.Logger.IsEnabled(Microsoft.Extensions.Logging.LogLevel.Debug))
        {
            HttpLog.ClientError(server.Logger, (error as NodeHttpException)?.Code ?? error.GetType().Name, socket.RemoteAddress, socket.RemotePort, error);
        }
        ConnectionError(telemetry, error);
    }

    /// <summary>
    /// The response is done with (finished, or closed with its connection): records the duration with its status and,
    /// when it never finished, an <c>error.type</c>; ends the span.
    /// </summary>
    internal static void RequestEnd(ServerResponse res, Exception? error)
    {
        if (res.Telemetry is not { } t)
        {
            return;
        }
        res.Telemetry = null;
        long end = Stopwatch.GetTimestamp();
        bool finished = res.WritableFinished;
        int? status = res.HeadersSent || finished ? res.StatusCode : null;
        string? errorType = t.ErrorType ?? (finished ? null : error is not null ? HttpMetrics.ErrorType(error) : "aborted");
        if (t.CountedActive)
        {
            t.Metrics.ActiveRequests.Add(-1, new("http.request.method", t.Method), new("url.scheme", "http"));
        }
        if (t.MeasureDuration)
        {
            var tags = new TagList
            {
                { "http.request.method", t.Method },
                { "url.scheme", "http" },
                { "network.protocol.version", t.Version },
            };
            if (status is int s)
            {
                tags.Add("http.response.status_code", s);
            }
            if (errorType is not null)
            {
                tags.Add("error.type", errorType);
            }
            t.Metrics.RequestDuration.Record(HttpMetrics.Seconds(t.Start, end), tags);
        }
        if (t.Activity is { } activity)
        {
            HttpTracing.StopServer(activity, status, errorType);
        }
    }

    /// <summary>A connection was accepted: counts it active and starts its timer. Null when nobody listens.</summary>
    internal static ServerConnectionTelemetry? ConnectionOpened(Server server, Socket socket)
    {
        ServerMetrics m = server.Metrics;
        if (!m.ConnectionsObserved)
        {
            return null;
        }
        var telemetry = new ServerConnectionTelemetry(m, EndpointTags(server, socket.LocalAddress, socket.LocalPort, socket.LocalFamily));
        if (m.ActiveConnections.Enabled)
        {
            telemetry.CountedActive = true;
            m.ActiveConnections.Add(1, telemetry.Tags);
        }
        telemetry.MeasureDuration = m.ConnectionDuration.Enabled;
        return telemetry;
    }

    /// <summary>Why the connection is ending, as Kestrel's <c>error.type</c> names it (the first reason stays).</summary>
    internal static void ConnectionError(ServerConnectionTelemetry? telemetry, Exception error)
    {
        if (telemetry is not null)
        {
            telemetry.ErrorType ??= (error as NodeHttpException)?.Code switch
            {
                "ERR_HTTP_REQUEST_TIMEOUT" => "request_headers_timeout",
                "HPE_HEADER_OVERFLOW" => "max_request_headers_total_size_exceeded",
                "HPE_INVALID_METHOD" or "HPE_INVALID_URL" or "HPE_INVALID_VERSION" => "invalid_request_line",
                "HPE_INVALID_CONTENT_LENGTH" or "HPE_INVALID_TRANSFER_ENCODING" or "HPE_UNEXPECTED_CONTENT_LENGTH"
                    or "HPE_INVALID_CHUNK_SIZE" or "HPE_INVALID_EOF_STATE" => "invalid_request_body",
                { } code when code.StartsWith("HPE_", StringComparison.Ordinal) => "invalid_request_headers",
                "ECONNRESET" or "EPIPE" => "connection_reset",
                _ => HttpMetrics.ErrorType(error),
            };
        }
    }

    /// <summary>The connection closed: counted down and its duration recorded.</summary>
    internal static void ConnectionClosed(ServerConnectionTelemetry? telemetry)
    {
        if (telemetry is null || telemetry.Closed)
        {
            return;
        }
        telemetry.Closed = true;
        if (telemetry.CountedActive)
        {
            telemetry.Metrics.ActiveConnections.Add(-1, telemetry.Tags);
        }
        if (telemetry.CountedUpgraded)
        {
            telemetry.Metrics.UpgradedConnections.Add(-1, telemetry.Tags);
        }
        if (telemetry.MeasureDuration)
        {
            TagList tags = telemetry.Tags;
            tags.Add("network.protocol.name", "http");
            tags.Add("network.protocol.version", "1.1");
            if (telemetry.ErrorType is { } errorType)
            {
                tags.Add("error.type", errorType);
            }
            telemetry.Metrics.ConnectionDuration.Record(HttpMetrics.Seconds(telemetry.Start, Stopwatch.GetTimestamp()), tags);
        }
    }

    /// <summary>
    /// The connection was handed to an <c>'upgrade'</c> or <c>'connect'</c> listener: it is counted upgraded, and its end
    /// is taken from the socket's <c>'close'</c> (the HTTP layer no longer listens there).
    /// </summary>
    internal static void ConnectionUpgraded(ServerConnectionTelemetry? telemetry, Socket socket)
    {
        if (telemetry is null)
        {
            return;
        }
        if (telemetry.Metrics.UpgradedConnections.Enabled)
        {
            telemetry.CountedUpgraded = true;
            telemetry.Metrics.UpgradedConnections.Add(1, telemetry.Tags);
        }
        socket.Once(NetEvents.Close, () => ConnectionClosed(telemetry));
    }

    /// <summary><see cref="Server.MaxConnections"/> turned a connection away: Kestrel's <c>kestrel.rejected_connections</c>.</summary>
    internal static void ConnectionRejected(Server server, DropEvent? drop)
    {
        if (server.Metrics.RejectedConnections.Enabled)
        {
            server.Metrics.RejectedConnections.Add(1, EndpointTags(server, drop?.LocalAddress, drop?.LocalPort, drop?.LocalFamily));
        }
        HttpLog.ConnectionRejected(server.Logger, drop?.RemoteAddress, drop?.RemotePort);
    }

    /// <summary>
    /// An https connection's handshake began (Kestrel's <c>kestrel.active_tls_handshakes</c> +1): the start time, or
    /// 0 when neither handshake instrument is enabled (then <see cref="TlsHandshakeEnded"/> is not called).
    /// </summary>
    internal static long TlsHandshakeStarted(Server server, Socket raw)
    {
        ServerMetrics m = server.Metrics;
        if (!m.TlsHandshakeDuration.Enabled && !m.ActiveTlsHandshakes.Enabled)
        {
            return 0;
        }
        m.ActiveTlsHandshakes.Add(1, EndpointTags(server, raw.LocalAddress, raw.LocalPort, raw.LocalFamily));
        return Math.Max(1, Stopwatch.GetTimestamp());
    }

    /// <summary>
    /// The handshake begun at <paramref name="started"/> ended: <c>kestrel.active_tls_handshakes</c> −1 and
    /// <c>kestrel.tls_handshake.duration</c> with <c>tls.protocol.version</c> ("1.3"), or <c>error.type</c> (Node's
    /// code) when it failed.
    /// </summary>
    internal static void TlsHandshakeEnded(Server server, Socket raw, long started, string? protocol, Exception? error)
    {
        TagList tags = EndpointTags(server, raw.LocalAddress, raw.LocalPort, raw.LocalFamily);
        server.Metrics.ActiveTlsHandshakes.Add(-1, tags);
        if (error is not null)
        {
            tags.Add("error.type", (error as NodeHttpException)?.Code ?? error.GetType().FullName);
        }
        else if (protocol is { Length: > 5 } && protocol.StartsWith("TLSv", StringComparison.Ordinal))
        {
            tags.Add("tls.protocol.version", protocol[4..]);
        }
        server.Metrics.TlsHandshakeDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }

    // Kestrel's endpoint attributes: network.transport, network.type, server.address, server.port.
    private static TagList EndpointTags(Server server, string? address, int? port, string? family)
    {
        var tags = new TagList();
        if (port is int p)
        {
            tags.Add("network.transport", "tcp");
            tags.Add("network.type", family == "IPv6" ? "ipv6" : "ipv4");
            tags.Add("server.address", address);
            tags.Add("server.port", p);
        }
        else
        {
            tags.Add("network.transport", "unix");
            tags.Add("server.address", server.Address()?.Address);
        }
        return tags;
    }
}
