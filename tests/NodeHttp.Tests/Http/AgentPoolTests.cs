using System.Collections.Concurrent;

namespace NodeHttp.Tests.Http;

/// <summary>The agent's pool against Node's http server, which reports its connection number per request.</summary>
[Collection("Timing")]
public class AgentPoolTests
{
    private const string CountingServer = """
        const http = require('http');
        let conns = 0;
        const server = http.createServer((req, res) => {
          const delay = +(new URL(req.url, 'http://x').searchParams.get('delay') || 0);
          setTimeout(() => res.end(String(req.socket.connNo)), delay);
        });
        server.on('connection', (s) => { s.connNo = ++conns; });
        server.keepAliveTimeout = KAT;
        """;

    private static Task<(NodePeer, int)> StartAsync(int keepAliveTimeoutMs = 5000, string? unixPath = null) =>
        NodeHttpPeer.StartServerAsync(CountingServer.Replace("KAT", keepAliveTimeoutMs.ToString(), StringComparison.Ordinal), unixPath);

    private static void GetText(RequestOptions o, Action<string, ClientRequest> done)
    {
        ClientRequest req = null!;
        req = NodeHttp.Http.Get(o, res =>
        {
            var chunks = new List<NodeBuffer>();
            res.On<NodeBuffer>("data", chunks.Add);
            res.On("end", () => done(NodeBuffer.Concat(chunks).ToString(), req));
        });
    }

    [Fact]
    public async Task KeepAlive_SequentialRequests_ReuseOneConnection()
    {
        var (peer, port) = await StartAsync();
        await using var _ = peer;
        var results = new ConcurrentQueue<string>();
        var agent = new Agent(new AgentOptions { KeepAlive = true });
        await LoopRunner.RunAsync(() =>
        {
            void Next(int i)
            {
                GetText(new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent }, (text, req) =>
                {
                    results.Enqueue($"{text}:{req.ReusedSocket}");
                    if (i < 3)
                    {
                        // Node: the socket is back in the pool on the next tick after 'end'.
                        EventLoop.Current!.Post(() => Next(i + 1));
                    }
                });
            }
            Next(1);
        });
        Assert.Equal(["1:False", "1:True", "1:True"], results.ToArray());
        Assert.Single(agent.FreeSockets);
        agent.Destroy();
    }

    [Fact]
    public async Task NoKeepAlive_EachRequestNewConnection_ConnectionClose()
    {
        var (peer, port) = await StartAsync();
        await using var _ = peer;
        var results = new ConcurrentQueue<string>();
        var agent = new Agent();
        await LoopRunner.RunAsync(() =>
        {
            void Next(int i)
            {
                GetText(new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent }, (text, req) =>
                {
                    results.Enqueue(text);
                    if (i < 2)
                    {
                        EventLoop.Current!.Post(() => Next(i + 1));
                    }
                });
            }
            Next(1);
        });
        Assert.Equal(["1", "2"], results.ToArray());
        Assert.Empty(agent.FreeSockets);
        Assert.Empty(agent.Sockets);
    }

    [Fact]
    public async Task MaxSockets_QueuesRequests_AndReusesSockets()
    {
        var (peer, port) = await StartAsync();
        await using var _ = peer;
        var results = new ConcurrentQueue<string>();
        var agent = new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 2 });
        int queued = -1;
        string name = "";
        await LoopRunner.RunAsync(() =>
        {
            for (int i = 0; i < 6; i++)
            {
                GetText(new RequestOptions { Host = "127.0.0.1", Port = port, Path = "/?delay=20", Agent = agent }, (text, _) => results.Enqueue(text));
            }
            name = agent.GetName(new RequestOptions { Host = "127.0.0.1", Port = port });
            queued = agent.Requests.TryGetValue(name, out var q) ? q.Count : 0;
        });
        Assert.Equal($"127.0.0.1:{port}:", name);
        Assert.Equal(4, queued);
        Assert.Equal(6, results.Count);
        Assert.All(results, r => Assert.True(r is "1" or "2"));
        Assert.Empty(agent.Requests);
        Assert.Equal(2, agent.FreeSockets[name].Count);
        agent.Destroy();
    }

    [Fact]
    public async Task MaxFreeSockets_ExtraSocketsDestroyed()
    {
        var (peer, port) = await StartAsync();
        await using var _ = peer;
        var agent = new Agent(new AgentOptions { KeepAlive = true, MaxFreeSockets = 1 });
        int done = 0;
        await LoopRunner.RunAsync(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                GetText(new RequestOptions { Host = "127.0.0.1", Port = port, Path = "/?delay=20", Agent = agent }, (_, _) => done++);
            }
        });
        Assert.Equal(3, done);
        Assert.Single(agent.FreeSockets.Single().Value);
        agent.Destroy();
    }

    [Fact]
    public async Task FreeSocketTimeout_ClosesIdleSocket_AndFreeEventFires()
    {
        var (peer, port) = await StartAsync();
        await using var _ = peer;
        var agent = new Agent(new AgentOptions { KeepAlive = true, Timeout = 100 });
        var freed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        LoopTimer? keepRunning = null;
        agent.On<Socket, RequestOptions>("free", (s, _) =>
        {
            freed.TrySetResult();
            s.On("close", () =>
            {
                closed.TrySetResult();
                keepRunning?.Close();
            });
        });
        await LoopRunner.RunAsync(() =>
        {
            GetText(new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent }, (_, _) => { });
            // The pooled socket is unref'd and does not keep Run alive: a timer does, until the agent's timeout has
            // closed the socket (however long the request took), and at most for a while under the loop's deadline.
            keepRunning = EventLoop.Current!.SetTimeout(() => { }, 8000);
        });
        await freed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(agent.FreeSockets);
        Assert.Equal(0, agent.TotalSocketCount);
    }

    [Fact]
    public async Task ServerKeepAliveHint_ShortensPoolTimeout_ServerClosingPooledSocketRemovesIt()
    {
        // Node's server sends Keep-Alive: timeout=1 with keepAliveTimeout 1000: the hint leaves 0 ms, so Node 20 does
        // not pool the socket at all.
        var (peer, port) = await StartAsync(keepAliveTimeoutMs: 1000);
        await using var _ = peer;
        var agent = new Agent(new AgentOptions { KeepAlive = true });
        await LoopRunner.RunAsync(() => GetText(new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent }, (_, _) => { }));
        Assert.Empty(agent.FreeSockets);
    }

    [Fact]
    public async Task KeepAliveHintOfZeroSeconds_SocketIsClosedNotPooled()
    {
        // The server's keepAliveTimeout of 200 ms is announced as `Keep-Alive: timeout=0`: the agent, which expires a
        // pooled socket a second before the hint, closes the freed socket instead of keeping it (Node 20 likewise).
        // A server closing a pooled socket is ClientNodeHttpServerPoolTests.ServerClosesIdleConnection_AgentDropsPooledSocket_NextRequestOnNewSocket.
        var (peer, port) = await StartAsync(keepAliveTimeoutMs: 200);
        await using var _ = peer;
        var agent = new Agent(new AgentOptions { KeepAlive = true });
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? afterFree = null;
        LoopTimer? keepRunning = null;
        agent.On<Socket, RequestOptions>("free", (s, _) =>
        {
            // node v20 on the same exchange, one immediate after 'free': pooled 0, destroyed true.
            EventLoop.Current!.SetImmediate(() => afterFree = "pooled " + agent.FreeSockets.Count + ", destroyed " + s.Destroyed);
            s.On("close", () =>
            {
                gone.TrySetResult();
                keepRunning?.Close();
            });
        });
        await LoopRunner.RunAsync(() =>
        {
            GetText(new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent }, (_, _) => { });
            // Keep the loop alive until the freed socket has closed (however long that takes), so its close is seen.
            keepRunning = EventLoop.Current!.SetTimeout(() => { }, 8000);
        });
        await gone.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("pooled 0, destroyed True", afterFree);
        Assert.Empty(agent.FreeSockets);
        Assert.Equal(0, agent.TotalSocketCount);
    }

    [Fact]
    public async Task UnixSocket_KeepAliveReuse()
    {
        string path = Path.Combine(Path.GetTempPath(), "nh-c-" + Guid.NewGuid().ToString("N")[..10] + ".sock");
        var (peer, _) = await StartAsync(unixPath: path);
        await using var __ = peer;
        var results = new ConcurrentQueue<string>();
        var agent = new Agent(new AgentOptions { KeepAlive = true });
        try
        {
            await LoopRunner.RunAsync(() =>
            {
                GetText(new RequestOptions { SocketPath = path, Agent = agent }, (t1, r1) =>
                {
                    results.Enqueue(t1 + ":" + r1.ReusedSocket);
                    EventLoop.Current!.Post(() => GetText(new RequestOptions { SocketPath = path, Agent = agent }, (t2, r2) => results.Enqueue(t2 + ":" + r2.ReusedSocket)));
                });
            });
            Assert.Equal(["1:False", "1:True"], results.ToArray());
            Assert.Equal("localhost:80::" + path, agent.FreeSockets.Single().Key);
        }
        finally
        {
            agent.Destroy();
            File.Delete(path);
        }
    }

    [Fact]
    public async Task OptionsChangedAfterRequest_RequestKeepsTheOptionsItWasMadeWith()
    {
        // Node copies the options when the request is made; changing them afterwards does not move the request.
        // The second request goes over the pooled socket, where its options are read in place until they change.
        var (peer, port) = await StartAsync();
        await using var _ = peer;
        var agent = new Agent(new AgentOptions { KeepAlive = true });
        var freeOptions = new ConcurrentQueue<RequestOptions>();
        agent.On<Socket, RequestOptions>("free", (_, o) => freeOptions.Enqueue(o));
        var results = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            void Send(Action next)
            {
                var options = new RequestOptions { Hostname = "127.0.0.1", Port = port, Path = "/", Agent = agent };
                GetText(options, (t, req) =>
                {
                    results.Enqueue(t + ":" + req.ReusedSocket);
                    next();
                });
                options.Hostname = "203.0.113.1";
                options.Port = 1;
                options.Path = "/changed";
                options.LocalAddress = "203.0.113.2";
            }
            Send(() => EventLoop.Current!.Post(() => Send(() => { })));
        });
        Assert.Equal(["1:False", "1:True"], results.ToArray());
        Assert.Equal(2, freeOptions.Count);
        foreach (RequestOptions freed in freeOptions)
        {
            Assert.Equal("127.0.0.1", freed.Host);
            Assert.Equal(port, freed.Port);
            Assert.Equal(80, freed.DefaultPort);
            Assert.Equal("/", freed.Path);
            Assert.Null(freed.LocalAddress);
        }
        Assert.Equal("127.0.0.1:" + port + ":", Assert.Single(agent.FreeSockets).Key);
        agent.Destroy();
    }

    [Fact]
    public void GetName_MatchesNode()
    {
        var agent = new Agent();
        Assert.Equal("localhost::", agent.GetName());
        Assert.Equal("localhost::", agent.GetName(new RequestOptions()));
        Assert.Equal("h:1:l:6", agent.GetName(new RequestOptions { Host = "h", Port = 1, LocalAddress = "l", Family = 6 }));
        Assert.Equal("localhost:::/x", agent.GetName(new RequestOptions { SocketPath = "/x" }));
        Assert.True(NodeHttp.Http.GlobalAgent.KeepAlive);
        Assert.Equal(5000, NodeHttp.Http.GlobalAgent.Timeout);
        Assert.Equal(int.MaxValue, NodeHttp.Http.GlobalAgent.MaxSockets);
    }
}
