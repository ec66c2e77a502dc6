using Microsoft.Extensions.Logging;

namespace NodeHttp;

/// <summary>
/// The log messages of the server (event ids 100–199) and the client (200–299), source-generated: nothing is
/// formatted or boxed unless the level is enabled. The ids are listed in docs/observability.md.
/// </summary>
internal static partial class HttpLog
{
    /// <summary>Node's <c>'clientError'</c>: a malformed request, a timeout or a socket error on a connection (Kestrel logs bad requests at Debug too).</summary>
    [LoggerMessage(EventId = 100, EventName = "ClientError", Level = LogLevel.Debug,
        Message = "Client error {ErrorCode} on the connection from {RemoteAddress}:{RemotePort}")]
    internal static partial void ClientError(ILogger logger, string errorCode, string? remoteAddress, int? remotePort, Exception exception);

    /// <summary>Node's <c>'dropRequest'</c>: a request past <see cref="Server.MaxRequestsPerSocket"/> answered 503.</summary>
    [LoggerMessage(EventId = 101, EventName = "RequestDropped", Level = LogLevel.Information,
        Message = "Request {Method} {Url} from {RemoteAddress}:{RemotePort} dropped: over maxRequestsPerSocket ({MaxRequestsPerSocket})")]
    internal static partial void RequestDropped(ILogger logger, string? method, string? url, string? remoteAddress, int? remotePort, int maxRequestsPerSocket);

    /// <summary>A request handler threw or its task faulted (ASP.NET Core's unhandled application error).</summary>
    [LoggerMessage(EventId = 102, EventName = "HandlerFault", Level = LogLevel.Error,
        Message = "The request handler failed for {Method} {Url}")]
    internal static partial void HandlerFault(ILogger logger, string? method, string? url, Exception exception);

    /// <summary><see cref="Server.MaxConnections"/> turned a connection away (Node's <c>'drop'</c>).</summary>
    [LoggerMessage(EventId = 103, EventName = "ConnectionRejected", Level = LogLevel.Warning,
        Message = "Connection from {RemoteAddress}:{RemotePort} rejected: the server is at maxConnections")]
    internal static partial void ConnectionRejected(ILogger logger, string? remoteAddress, int? remotePort);

    /// <summary>An uncaught error in an <c>'upgrade'</c> or <c>'connect'</c> listener.</summary>
    [LoggerMessage(EventId = 104, EventName = "UpgradeListenerFault", Level = LogLevel.Error,
        Message = "The {EventName} listener failed for {Url}")]
    internal static partial void UpgradeListenerFault(ILogger logger, string eventName, string? url, Exception exception);

    /// <summary>A client request failed (its <c>'error'</c>): connection refused, reset, a parse error of the response...</summary>
    [LoggerMessage(EventId = 200, EventName = "RequestFailed", Level = LogLevel.Debug,
        Message = "Request {Method} {Host}:{Port}{Path} failed with {ErrorCode}")]
    internal static partial void RequestFailed(ILogger logger, string method, string host, int port, string path, string errorCode, Exception exception);
}
