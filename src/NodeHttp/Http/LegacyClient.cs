using Microsoft.Extensions.Primitives;

namespace NodeHttp;

/// <summary>
/// Node's deprecated <c>http.Client</c>, made by <c>http.createClient(port, host)</c> in the oldest http docs:
/// a client for one origin whose requests share one pooled connection (an agent with one socket). Each
/// request's errors are also emitted as <c>'error'</c> on the client, and the end of its socket as <c>'end'</c>.
/// New code uses <see cref="Http.Request(RequestOptions, Action{IncomingMessage}?)"/>.
/// </summary>
[Obsolete("http.createClient is deprecated in Node; use Http.Request.")]
public sealed class LegacyClient : EventEmitter
{
    private readonly Agent agent = new(new AgentOptions { MaxSockets = 1 });

    internal LegacyClient(int port, string host)
    {
        Port = port;
        Host = host;
    }

    /// <summary>The server's port (Node's <c>client.port</c>).</summary>
    public int Port { get; }

    /// <summary>The server's host (Node's <c>client.host</c>).</summary>
    public string Host { get; }

    /// <summary>
    /// Node's <c>client.request([method], path, [headers])</c>: a <see cref="ClientRequest"/> to this client's origin;
    /// the caller writes the body (if any) and calls <c>End</c>.
    /// </summary>
    /// <param name="method">The request method.</param>
    /// <param name="path">The request target.</param>
    /// <param name="headers">The request headers.</param>
    public ClientRequest Request(string method, string path, IEnumerable<KeyValuePair<string, StringValues>>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        var options = new RequestOptions
        {
            Host = Host,
            Port = Port,
            Method = method,
            Path = path,
            Headers = headers,
            Agent = agent,
        };
        var request = new ClientRequest(options, null);
        request.On<Exception>(HttpEvents.Error, error => Emit(HttpEvents.Error, error));
        request.On<Socket>(HttpEvents.Socket, socket => socket.On(StreamEvents.End, () => Emit(StreamEvents.End)));
        return request;
    }

    /// <summary>Node's <c>client.request(path, [headers])</c>: a GET (the old API took the method as optional).</summary>
    /// <param name="path">The request target.</param>
    /// <param name="headers">The request headers.</param>
    public ClientRequest Request(string path, IEnumerable<KeyValuePair<string, StringValues>>? headers = null) =>
        Request("GET", path, headers);
}
