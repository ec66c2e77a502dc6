using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.Http;

/// <summary>Protocol switches between NodeHttp's client and server: upgrade, and the CONNECT proxy of Node's docs.</summary>
public class ClientNodeHttpServerTunnelTests
{
    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task Upgrade_ServerWrites101AndEchoes_ClientGetsSocketAndHead(string transport)
    {
        using var ep = ServerEndpoint.Create(transport);
        var ev = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((_, res) => res.End("no upgrade"));
            server.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (req, socket, head) =>
            {
                ev.Enqueue($"server upgrade {req.Method} {req.Url} upgrade={req.Headers["upgrade"]} head={head.Length}");
                socket.Write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\nhead!");
                socket.Pipe(socket);
            });
            ep.Listen(server, () =>
            {
                RequestOptions o = ep.Options("/chat");
                o.Headers = new Dictionary<string, StringValues> { ["Connection"] = "Upgrade", ["Upgrade"] = "echo" };
                ClientRequest req = NodeHttp.Http.Request(o, _ => ev.Enqueue("response (unexpected)"));
                req.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (res, socket, head) =>
                {
                    ev.Enqueue($"upgrade {res.StatusCode} {res.Headers["upgrade"]} head={head}");
                    socket.On<NodeBuffer>("data", d => { ev.Enqueue("echo " + d); socket.End(); });
                    socket.On("close", () => { ev.Enqueue("socket close"); server.Close(); });
                    socket.Write("ping");
                });
                req.On("close", () => ev.Enqueue("close"));
                req.End();
            });
        });
        Assert.Equal(["server upgrade GET /chat upgrade=echo head=0", "upgrade 101 echo head=head!", "close", "echo ping", "socket close"], ev.ToArray());
    }

    /// <summary>
    /// The proxy of Node's docs (<c>http.request</c>, 'connect' event) with NodeHttp on every side: a NodeHttp server
    /// as the proxy, tunnelling with <c>Net.Connect</c> to a NodeHttp origin server.
    /// </summary>
    private static Server Proxy(ConcurrentQueue<string> ev) => Configure(NodeHttp.Http.CreateServer((_, res) => res.End("okay")), ev);

    private static Server Configure(Server proxy, ConcurrentQueue<string> ev)
    {
        proxy.On<IncomingMessage, Socket, NodeBuffer>("connect", (req, clientSocket, head) =>
        {
            ev.Enqueue($"proxy connect {req.Url} head={head.Length}");
            var url = new Uri("http://" + req.Url);
            Socket serverSocket = null!;
            serverSocket = NodeHttp.Net.Connect(url.Port, url.Host, () =>
            {
                clientSocket.Write("HTTP/1.1 200 Connection Established\r\nProxy-agent: Node.js-Proxy\r\n\r\n");
                serverSocket.Write(head);
                serverSocket.Pipe(clientSocket);
                clientSocket.Pipe(serverSocket);
            });
        });
        return proxy;
    }

    private static Server Origin() => NodeHttp.Http.CreateServer((req, res) =>
        res.End($"origin {req.Method} {req.Url} host={req.Headers["host"]} connection={req.Headers["connection"]}"));

    [Fact]
    public async Task Connect_DocsProxyExample_RawRequestOverTunnel()
    {
        var ev = new ConcurrentQueue<string>();
        string received = "";
        int originPort = 0;
        await LoopRunner.RunAsync(() =>
        {
            Server origin = Origin();
            Server proxy = Proxy(ev);
            origin.Listen(0, "127.0.0.1", () => proxy.Listen(0, "127.0.0.1", () =>
            {
                originPort = origin.Address()!.Port;
                var options = new RequestOptions { Port = proxy.Address()!.Port, Host = "127.0.0.1", Method = "CONNECT", Path = "127.0.0.1:" + originPort };
                ClientRequest req = NodeHttp.Http.Request(options);
                req.End();
                req.On<IncomingMessage, Socket, NodeBuffer>("connect", (res, socket, head) =>
                {
                    ev.Enqueue($"connect {res.StatusCode} {res.StatusMessage} proxy-agent={res.Headers["proxy-agent"]} head={head.Length}");
                    socket.Write($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{originPort}\r\nConnection: close\r\n\r\n");
                    socket.On<NodeBuffer>("data", chunk => received += chunk.ToString());
                    socket.On("end", () =>
                    {
                        ev.Enqueue("end");
                        proxy.Close();
                        origin.Close();
                    });
                });
            }));
        });
        Assert.Equal([$"proxy connect 127.0.0.1:{originPort} head=0", "connect 200 Connection Established proxy-agent=Node.js-Proxy head=0", "end"], ev.ToArray());
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", received, StringComparison.Ordinal);
        Assert.EndsWith($"\r\n\r\norigin GET / host=127.0.0.1:{originPort} connection=close", received, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_ThenClientRequestOverTheTunnelSocket()
    {
        var ev = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server origin = Origin();
            Server proxy = Proxy(ev);
            origin.Listen(0, "127.0.0.1", () => proxy.Listen(0, "127.0.0.1", () =>
            {
                int originPort = origin.Address()!.Port;
                ClientRequest connect = NodeHttp.Http.Request(new RequestOptions
                {
                    Port = proxy.Address()!.Port, Host = "127.0.0.1", Method = "CONNECT", Path = "127.0.0.1:" + originPort, Agent = new Agent(),
                });
                connect.On<IncomingMessage, Socket, NodeBuffer>("connect", (res, tunnel, _) =>
                {
                    ev.Enqueue("connect " + res.StatusCode);
                    var o = new RequestOptions
                    {
                        Host = "127.0.0.1",
                        Port = originPort,
                        Path = "/over-tunnel",
                        CreateConnection = (_, _) => tunnel,
                    };
                    ClientRequest inner = NodeHttp.Http.Get(o, r =>
                    {
                        var chunks = new List<NodeBuffer>();
                        r.On<NodeBuffer>("data", chunks.Add);
                        r.On("end", () => ev.Enqueue($"inner {r.StatusCode} {NodeBuffer.Concat(chunks)}"));
                    });
                    inner.On<Exception>("error", e => ev.Enqueue("inner error " + e.Message));
                    inner.On("close", () =>
                    {
                        ev.Enqueue("inner close");
                        proxy.Close();
                        origin.Close();
                    });
                });
                connect.End();
            }));
        });
        string[] e = ev.ToArray();
        Assert.Equal(4, e.Length);
        Assert.StartsWith("proxy connect 127.0.0.1:", e[0], StringComparison.Ordinal);
        Assert.Equal("connect 200", e[1]);
        Assert.Matches(@"^inner 200 origin GET /over-tunnel host=127\.0\.0\.1:\d+ connection=close$", e[2]);
        Assert.Equal("inner close", e[3]);
    }
}
