namespace NodeHttp.Tests.Http;

/// <summary>
/// Connections a <see cref="Server"/> did not accept, handed to it as Node does with
/// <c>server.emit('connection', socket)</c>: any duplex (carried by <see cref="Socket.FromDuplex"/>) or a socket
/// accepted elsewhere is served, tracked, and closed by the server like an accepted one.
/// </summary>
public class ServerHandedConnectionTests
{
    private const string Get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    [Fact]
    public async Task AFreshServer_HasItsOwnConnectionListener_AsNode()
    {
        // Node 20: http.createServer().listenerCount('connection') === 1.
        int count = -1;
        await LoopRunner.RunAsync(() => count = NodeHttp.Http.CreateServer().ListenerCount("connection"));
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task AnEmittedDuplex_IsServed_AndTheUsersListenersSeeIt()
    {
        var text = new System.Text.StringBuilder();
        var seen = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((req, res) => res.End("hi " + req.Url));
            var (clientSide, serverSide) = NodeStream.DuplexPair();
            server.On<Duplex>("connection", d => seen.Add("connection same=" + ReferenceEquals(d, serverSide)));
            server.Emit("connection", serverSide);
            Socket client = Socket.FromDuplex(clientSide);
            client.SetEncoding("latin1");
            client.On<string>("data", d =>
            {
                text.Append(d);
                if (d.EndsWith("hi /a", StringComparison.Ordinal))
                {
                    client.End();
                }
            });
            client.On("end", () => seen.Add("client end"));
            client.Write("GET /a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        });
        string reply = System.Text.RegularExpressions.Regex.Replace(text.ToString(), "\r\nDate: [^\r]*", "");
        Assert.Equal("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nhi /a", reply);
        Assert.Equal(["connection same=True", "client end"], seen);
    }

    [Fact]
    public async Task AStreamEmittedFromAnotherThread_IsServedOnItsLoop()
    {
        using var t = new NodeHttp.Tests.Net.NetTestLoop();
        var answered = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var (server, clientSide, serverSide) = await t.RunAsync(() =>
        {
            Server s = NodeHttp.Http.CreateServer((_, res) => res.End("on loop=" + t.Loop.IsOnLoop));
            var (c, d) = NodeStream.DuplexPair();
            return (s, c, d);
        });
        Assert.False(t.Loop.IsOnLoop);
        server.Emit("connection", serverSide);
        await t.RunAsync(() =>
        {
            Socket client = Socket.FromDuplex(clientSide);
            var text = new System.Text.StringBuilder();
            client.SetEncoding("latin1");
            client.On<string>("data", d =>
            {
                text.Append(d);
                if (text.ToString().EndsWith("on loop=True", StringComparison.Ordinal))
                {
                    answered.TrySetResult("on loop=True");
                    client.Destroy();
                }
            });
            client.Write(Get);
        });
        Assert.Equal("on loop=True", await answered.Task.WaitAsync(LoopRunner.Deadline));
    }

    [Fact]
    public async Task ADestroyedStreamEmittedAsConnection_IsIgnored()
    {
        int tracked = -1;
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer();
            var (_, serverSide) = NodeStream.DuplexPair();
            serverSide.Destroy();
            server.Emit("connection", serverSide);
            var (_, live) = NodeStream.DuplexPair();
            server.Emit("connection", live);
            tracked = server.TrackedConnections;
        });
        // The live one is tracked (its socket, which does not hold the loop, is left open when Run returns).
        Assert.Equal(1, tracked);
    }

    [Fact]
    public async Task CloseAllConnections_DestroysAHandedInConnection()
    {
        var seen = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server server = null!;
            server = NodeHttp.Http.CreateServer((_, res) =>
            {
                res.Write("partial");
                // A request in progress: only CloseAllConnections ends it.
                EventLoop.Current!.SetImmediate(() => server.CloseAllConnections());
            });
            var (client, serverSide) = HandIn(server);
            client.On("end", () => { seen.Add("client end"); client.End(); });
            serverSide.On("close", () => seen.Add("server side closed"));
            client.Write(Get);
        });
        Assert.Equal(["client end", "server side closed"], seen);
    }

    [Fact]
    public async Task Close_ClosesAnIdleHandedInConnection()
    {
        var seen = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server server = null!;
            server = NodeHttp.Http.CreateServer((_, res) =>
            {
                res.On("finish", () => EventLoop.Current!.SetImmediate(() =>
                    // Answered and kept alive: idle now.
                    server.Close(e => seen.Add("close callback " + (e is NodeHttpException n ? n.Code : "null")))));
                res.End("x");
            });
            var (client, _) = HandIn(server);
            client.On("end", () => { seen.Add("client end"); client.Destroy(); });
            client.Write(Get);
        });
        // Never listening, the server reports ERR_SERVER_NOT_RUNNING as Node's does, and still closes the idle connection.
        Assert.Equal(["close callback ERR_SERVER_NOT_RUNNING", "client end"], seen);
    }

    [Fact]
    public async Task ASocketHandedInWithRequestsAlreadyBuffered_IsServedFromTheBufferFirst()
    {
        var seen = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server http = NodeHttp.Http.CreateServer((req, res) => res.End(req.Url!));
            NetServer net = null!;
            net = NodeHttp.Net.CreateServer(s =>
                // Hand the socket over only once both pipelined requests sit in its buffer.
                s.Once("readable", () =>
                {
                    seen.Add("buffered=" + s.ReadableLength);
                    http.Emit("connection", s);
                }));
            net.Listen(0, "127.0.0.1", () =>
            {
                Socket c = NodeHttp.Net.CreateConnection(net.Address()!.Port, "127.0.0.1");
                var text = new System.Text.StringBuilder();
                c.SetEncoding("latin1");
                c.On<string>("data", d =>
                {
                    text.Append(d);
                    if (text.ToString().EndsWith("/two", StringComparison.Ordinal))
                    {
                        seen.Add(System.Text.RegularExpressions.Regex.Replace(text.ToString(), "HTTP/1.1 200 OK\r\n[^/]*", "200 "));
                        c.Destroy();
                        net.Close();
                    }
                });
                c.Write("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n");
            });
        });
        Assert.Equal(["buffered=60", "200 /one200 /two"], seen);
    }

    [Fact]
    public async Task ASocketAcceptedByAnotherServer_IsServed_AndCountedByItsOwnServer()
    {
        string body = "";
        int status = 0;
        await LoopRunner.RunAsync(() =>
        {
            Server http = NodeHttp.Http.CreateServer((req, res) => res.End("via " + req.Method));
            NetServer net = NodeHttp.Net.CreateServer(s => http.Emit("connection", s));
            net.Listen(0, "127.0.0.1", () =>
            {
                var options = new RequestOptions { Host = "127.0.0.1", Port = net.Address()!.Port, UseAgent = false };
                NodeHttp.Http.Request(options, res =>
                {
                    status = res.StatusCode ?? 0;
                    res.SetEncoding("utf8");
                    res.On<string>("data", d => body += d);
                    res.On("end", () => net.Close());
                }).End();
            });
        });
        Assert.Equal(200, status);
        Assert.Equal("via GET", body);
    }

    // Hands one side of a new duplex pair to server as its 'connection' and returns the other side as a flowing socket
    // that holds the loop (the handed-in side does not) until the server lets it go, with the handed-in side.
    internal static (Socket Client, Duplex ServerSide) HandIn(Server server)
    {
        var (clientSide, serverSide) = NodeStream.DuplexPair();
        server.Emit("connection", serverSide);
        Socket client = Socket.FromDuplex(clientSide);
        client.Ref();
        client.Resume();
        return (client, serverSide);
    }
}

/// <summary>Timeouts of handed-in connections (timing-sensitive, so not run in parallel).</summary>
[Collection("Timing")]
public class ServerHandedConnectionTimeoutTests
{
    [Fact]
    public async Task AHandedInConnection_TimesOutWithServerTimeout()
    {
        var seen = new List<string>();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        long after = -1;
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((_, res) => res.End());
            server.Timeout = 100;
            server.On<Socket>("timeout", s =>
            {
                after = watch.ElapsedMilliseconds;
                seen.Add("timeout");
                s.Destroy();
            });
            // The idle timer does not hold the loop (as in Node); the client does until the server lets it go.
            var (client, _) = ServerHandedConnectionTests.HandIn(server);
            client.On("end", () => { seen.Add("client end"); client.Destroy(); });
        });
        Assert.Equal(["timeout", "client end"], seen);
        Assert.InRange(after, 90, 5000);
    }
}
