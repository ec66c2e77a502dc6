namespace NodeHttp.Tests;

/// <summary>
/// Where a NodeHttp server of a test listens: <c>"tcp"</c> (127.0.0.1:0) or <c>"unix"</c> (a socket file under the
/// temp directory, deleted on dispose), and the request options that reach it.
/// </summary>
internal sealed class ServerEndpoint : IDisposable
{
    private ServerEndpoint(string? socketPath) => SocketPath = socketPath;

    /// <summary>The Unix socket path, or null for TCP.</summary>
    public string? SocketPath { get; }

    /// <summary>The TCP port once listening (0 for a Unix socket).</summary>
    public int Port { get; private set; }

    /// <summary>A new endpoint for <paramref name="transport"/>, <c>"tcp"</c> or <c>"unix"</c>.</summary>
    public static ServerEndpoint Create(string transport) => transport switch
    {
        "tcp" => new ServerEndpoint(null),
        "unix" => new ServerEndpoint(Path.Combine(Path.GetTempPath(), "nh-i-" + Guid.NewGuid().ToString("N")[..10] + ".sock")),
        _ => throw new ArgumentOutOfRangeException(nameof(transport)),
    };

    /// <summary>Starts <paramref name="server"/> listening here (on the current loop); <paramref name="ready"/> runs once it is.</summary>
    public void Listen(Server server, Action ready)
    {
        if (SocketPath is not null)
        {
            server.Listen(SocketPath, ready);
        }
        else
        {
            server.Listen(0, "127.0.0.1", () =>
            {
                Port = server.Address()!.Port;
                ready();
            });
        }
    }

    /// <summary>Request options for this endpoint.</summary>
    public RequestOptions Options(string path = "/", string method = "GET", Agent? agent = null)
    {
        var o = new RequestOptions { Path = path, Method = method, Agent = agent };
        if (SocketPath is not null)
        {
            o.SocketPath = SocketPath;
        }
        else
        {
            o.Host = "127.0.0.1";
            o.Port = Port;
        }
        return o;
    }

    public void Dispose()
    {
        if (SocketPath is not null)
        {
            try
            {
                File.Delete(SocketPath);
            }
            catch (IOException)
            {
            }
        }
    }
}
