using System.Net;
using System.Net.Sockets;

namespace NodeHttp;

/// <summary>Node's <c>net.createConnection(options)</c> as the HTTP client calls it: a Unix socket path, or host and port.</summary>
internal static class ClientConnect
{
    /// <summary>
    /// Opens the connection <paramref name="options"/> describe. With <c>Family</c> 4 or 6 and a host name, the
    /// name is resolved here to an address of that family first (Node's <c>lookup</c> with <c>family</c>).
    /// </summary>
    public static Socket Connect(RequestOptions options)
    {
        if (options.SocketPath is { Length: > 0 } path)
        {
            return new Socket().Connect(path);
        }
        string host = options.Host is { Length: > 0 } h ? h : "localhost";
        int port = options.Port ?? options.DefaultPort ?? 80;
        if (options.Family is 4 or 6 && !IPAddress.TryParse(host, out _))
        {
            return ConnectWithFamily(host, port, options.Family.Value);
        }
        return new Socket().Connect(port, host);
    }

    private static Socket ConnectWithFamily(string host, int port, int family)
    {
        var socket = new Socket();
        AddressFamily wanted = family == 6 ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork;
        Dns.GetHostAddressesAsync(host, wanted).ContinueWith(static (t, s) =>
        {
            var (sock, hostName, p) = ((Socket, string, int))s!;
            sock.Loop.QueueIo(static st =>
            {
                var (so, task, hn, pt) = ((Socket, Task<IPAddress[]>, string, int))st!;
                if (so.Destroyed)
                {
                    return;
                }
                if (task.IsCompletedSuccessfully && task.Result.Length > 0)
                {
                    so.Connect(pt, task.Result[0].ToString());
                }
                else
                {
                    so.Destroy(SystemErrors.Create("ENOTFOUND", "getaddrinfo", hn));
                }
            }, (sock, t, hostName, p));
        }, (socket, host, port), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return socket;
    }
}
