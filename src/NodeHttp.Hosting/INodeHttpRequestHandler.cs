namespace NodeHttp.Hosting;

/// <summary>
/// A request handler resolved from the container for each request (in a scope of its own, disposed when the returned
/// task completes): the hosted counterpart of the listener given to <see cref="Http.CreateServer(Func{IncomingMessage, ServerResponse, Task})"/>.
/// It runs on the connection's event loop; a throw or a faulted task is logged and answered <c>500</c>.
/// </summary>
public interface INodeHttpRequestHandler
{
    /// <summary>Handles one request: Node's <c>'request'</c> event with an async listener.</summary>
    Task HandleAsync(IncomingMessage request, ServerResponse response);
}
