using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace NodeHttp.Tests.Http;

/// <summary>
/// The agent's pool with NodeHttp's client and NodeHttp's server on one loop, over TCP and Unix sockets: the server
/// answers with the number of the connection the request came on.
/// </summary>
public class ClientNodeHttpServerPoolTests
{
    /// <summary>A server whose responses carry the connection number; <paramref name="connections"/> counts them.</summary>
    internal static Server CountingServer(StrongBox<int> connections, Action<IncomingMessage, ServerResponse>? before = null, ServerOptions? options = null)
    {
        var numbers = new Dictionary<Socket, int>();
        Server server = NodeHttp.Http.CreateServer(options ?? new ServerOptions(), (req, res) =>
        {
            before?.Invoke(req, res);
            res.End(numbers[req.Socket!].ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        server.On<Socket>("connection", s => numbers[s] = ++connections.Value);
        return server;
    }

    internal static ClientRequest GetText(RequestOptions o, Action<string, ClientRequest> done)
    {
        ClientRequest req = null!;
        req = NodeHttp.Http.Get(o, res =>
        {
            var chunks = new List<NodeBuffer>();
            res.On<NodeBuffer>("data", chunks.Add);
            res.On("end", () => done(NodeBuffer.Concat(chunks).ToString(), req));
        });
        req.On<Exception>("error", e => throw new InvalidOperationException("request error: " + e.Message, e));
        return req;
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task KeepAlive_SequentialRequests_ReusedSocket_ServerSeesOneConnection(string transport)
    {
        using var ep = ServerEndpoint.Create(transport);
        var connections = new StrongBox<int>();
        var results = new ConcurrentQueue<string>();
        var agent = new Agent(new AgentOptions { KeepAlive = true });
        int free = -1;
        await LoopRunner.RunAsync(() =>
        {
            Server server = CountingServer(connections);
            ep.Listen(server, () =>
            {
                void Next(int i) => GetText(ep.Options("/" + i, agent: agent), (text, req) =>
                {
                    results.Enqueue($"{text}:{req.ReusedSocket}");
                    if (i < 3)
                    {
                        EventLoop.Current!.Post(() => Next(i + 1));
                    }
                    else
                    {
                        agent.Once<Socket, RequestOptions>("free", (_, _) =>
                        {
                            free = agent.FreeSockets.Single().Value.Count;
                            agent.Destroy();
                            server.Close();
                        });
                    }
                });
                Next(1);
            });
        });
        Assert.Equal(["1:False", "1:True", "1:True"], results.ToArray());
        Assert.Equal(1, connections.Value);
        Assert.Equal(1, free);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task UseAgentFalse_NewConnectionEachRequest_ConnectionClose(string transport)
    {
        using var ep = ServerEndpoint.Create(transport);
        var connections = new StrongBox<int>();
        var results = new ConcurrentQueue<string>();
        var serverSaw = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server server = CountingServer(connections, (req, _) => serverSaw.Enqueue(req.Headers["connection"].ToString()));
            ep.Listen(server, () =>
            {
                void Next(int i)
                {
                    RequestOptions o = ep.Options("/" + i);
                    o.UseAgent = false;
                    ClientRequest r = GetText(o, (text, req) => results.Enqueue($"{text}:{req.ReusedSocket}"));
                    r.On("close", () =>
                    {
                        if (i < 3)
                        {
                            Next(i + 1);
                        }
                        else
                        {
                            server.Close();
                        }
                    });
                }
                Next(1);
            });
        });
        Assert.Equal(["1:False", "2:False", "3:False"], results.ToArray());
        Assert.Equal(["close", "close", "close"], serverSaw.ToArray());
        Assert.Equal(3, connections.Value);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task MaxSockets_QueuesRequests_ServerSeesTwoConnections(string transport)
    {
        using var ep = ServerEndpoint.Create(transport);
        var connections = new StrongBox<int>();
        var results = new ConcurrentQueue<string>();
        var agent = new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 2 });
        int queued = -1, active = -1, freeAtEnd = -1, queuedAtEnd = -1;
        await LoopRunner.RunAsync(() =>
        {
            Server server = CountingServer(connections);
            ep.Listen(server, () =>
            {
                int frees = 0;
                agent.On<Socket, RequestOptions>("free", (_, _) =>
                {
                    if (++frees == 5)
                    {
                        freeAtEnd = agent.FreeSockets.Single().Value.Count;
                        queuedAtEnd = agent.Requests.Count;
                        agent.Destroy();
                        server.Close();
                    }
                });
                for (int i = 0; i < 5; i++)
                {
                    GetText(ep.Options("/" + i, agent: agent), (text, _) => results.Enqueue(text));
                }
                // One name for all five requests ("127.0.0.1:PORT:" or "localhost:80::PATH").
                queued = agent.Requests.Single().Value.Count;
                active = agent.Sockets.Single().Value.Count;
            });
        });
        Assert.Equal(3, queued);
        Assert.Equal(2, active);
        Assert.Equal(5, results.Count);
        Assert.All(results, r => Assert.True(r is "1" or "2", r));
        Assert.Equal(2, connections.Value);
        Assert.Equal(2, freeAtEnd);
        Assert.Equal(0, queuedAtEnd);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task MaxFreeSockets_ExtraSocketsClosed_ServerSeesThemClose(string transport)
    {
        using var ep = ServerEndpoint.Create(transport);
        var connections = new StrongBox<int>();
        var agent = new Agent(new AgentOptions { KeepAlive = true, MaxFreeSockets = 1 });
        int pooled = -1;
        await LoopRunner.RunAsync(() =>
        {
            int frees = 0, closes = 0;
            Server server = null!;
            void MaybeDone()
            {
                if (frees == 3 && closes == 2)
                {
                    pooled = agent.FreeSockets.Single().Value.Count;
                    agent.Destroy();
                    server.Close();
                }
            }
            // Every request is answered only once all three arrived, so three sockets are in use at once.
            var held = new List<(IncomingMessage Req, ServerResponse Res)>();
            server = NodeHttp.Http.CreateServer((req, res) =>
            {
                held.Add((req, res));
                if (held.Count == 3)
                {
                    foreach (var (_, r) in held)
                    {
                        r.End("x");
                    }
                }
            });
            server.On<Socket>("connection", s =>
            {
                connections.Value++;
                s.On("close", () => { closes++; MaybeDone(); });
            });
            agent.On<Socket, RequestOptions>("free", (_, _) => { frees++; MaybeDone(); });
            ep.Listen(server, () =>
            {
                for (int i = 0; i < 3; i++)
                {
                    GetText(ep.Options(agent: agent), (_, _) => { });
                }
            });
        });
        Assert.Equal(3, connections.Value);
        Assert.Equal(1, pooled);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task ServerClosesIdleConnection_AgentDropsPooledSocket_NextRequestOnNewSocket(string transport)
    {
        using var ep = ServerEndpoint.Create(transport);
        var connections = new StrongBox<int>();
        var results = new ConcurrentQueue<string>();
        var agent = new Agent(new AgentOptions { KeepAlive = true });
        await LoopRunner.RunAsync(() =>
        {
            Server server = CountingServer(connections);
            ep.Listen(server, () =>
            {
                GetText(ep.Options(agent: agent), (t1, r1) =>
                {
                    results.Enqueue($"{t1}:{r1.ReusedSocket}");
                    agent.Once<Socket, RequestOptions>("free", (socket, _) =>
                    {
                        results.Enqueue("pooled " + agent.FreeSockets.Single().Value.Count);
                        socket.On("close", () =>
                        {
                            results.Enqueue("dropped " + agent.FreeSockets.Count + " " + agent.TotalSocketCount);
                            GetText(ep.Options(agent: agent), (t2, r2) =>
                            {
                                results.Enqueue($"{t2}:{r2.ReusedSocket}");
                                agent.Destroy();
                                server.Close();
                            });
                        });
                        server.CloseIdleConnections();
                    });
                });
            });
        });
        Assert.Equal(["1:False", "pooled 1", "dropped 0 0", "2:False"], results.ToArray());
        Assert.Equal(2, connections.Value);
    }
}

/// <summary>Pool behaviour that depends on timers (agent free-socket timeout, server keep-alive timeout).</summary>
[Collection("Timing")]
public class ClientNodeHttpServerPoolTimingTests
{
    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task FreeSocketTimeout_RemovesSocketFromPool_ServerSeesClose(string transport)
    {
        using var ep = ServerEndpoint.Create(transport);
        var connections = new StrongBox<int>();
        var results = new ConcurrentQueue<string>();
        var agent = new Agent(new AgentOptions { KeepAlive = true, Timeout = 100 });
        await LoopRunner.RunAsync(() =>
        {
            Server server = ClientNodeHttpServerPoolTests.CountingServer(connections);
            server.On<Socket>("connection", s => s.On("close", () =>
            {
                results.Enqueue("server close " + agent.FreeSockets.Count);
                if (connections.Value == 1)
                {
                    ClientNodeHttpServerPoolTests.GetText(ep.Options(agent: agent), (t2, r2) =>
                    {
                        results.Enqueue($"{t2}:{r2.ReusedSocket}");
                        agent.Destroy();
                        server.Close();
                    });
                }
            }));
            ep.Listen(server, () =>
            {
                agent.Once<Socket, RequestOptions>("free", (socket, _) =>
                {
                    results.Enqueue("pooled " + agent.FreeSockets.Single().Value.Count);
                    socket.On("timeout", () => results.Enqueue("timeout"));
                    socket.On("close", () => results.Enqueue("client close " + agent.FreeSockets.Count));
                });
                ClientNodeHttpServerPoolTests.GetText(ep.Options(agent: agent), (t1, r1) => results.Enqueue($"{t1}:{r1.ReusedSocket}"));
            });
        });
        string[] r = results.ToArray();
        Assert.Equal(["1:False", "pooled 1", "timeout"], r[..3]);
        // The client's close and the server's close race (they are the two ends of one connection); both see an
        // empty pool.
        Assert.Equal(["client close 0", "server close 0"], r[3..5].Order());
        Assert.Equal("2:False", r[5]);
        Assert.Equal(2, connections.Value);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task ServerKeepAliveTimeout_ClosesPooledSocket_AgentDropsIt_NoError(string transport)
    {
        // With an explicit Connection: keep-alive the server sends no Keep-Alive hint, so the agent pools the socket
        // with no timeout of its own and the server's keep-alive timeout is what closes it (as with Node's server).
        using var ep = ServerEndpoint.Create(transport);
        var connections = new StrongBox<int>();
        var results = new ConcurrentQueue<string>();
        var agent = new Agent(new AgentOptions { KeepAlive = true });
        await LoopRunner.RunAsync(() =>
        {
            Server server = ClientNodeHttpServerPoolTests.CountingServer(
                connections, (_, res) => res.SetHeader("Connection", "keep-alive"), new ServerOptions { KeepAliveTimeout = 150 });
            ep.Listen(server, () =>
            {
                ClientRequest first = NodeHttp.Http.Get(ep.Options(agent: agent), res =>
                {
                    results.Enqueue("keep-alive hint " + (res.Headers.ContainsKey("keep-alive") ? res.Headers["keep-alive"].ToString() : "none"));
                    res.Resume();
                });
                first.On<Exception>("error", e => results.Enqueue("error " + e.Message));
                agent.Once<Socket, RequestOptions>("free", (socket, _) =>
                {
                    results.Enqueue("pooled " + agent.FreeSockets.Single().Value.Count);
                    socket.On<Exception>("error", e => results.Enqueue("socket error " + e.Message));
                    socket.On("close", () =>
                    {
                        results.Enqueue("dropped " + agent.FreeSockets.Count + " " + agent.TotalSocketCount);
                        ClientNodeHttpServerPoolTests.GetText(ep.Options(agent: agent), (t2, r2) =>
                        {
                            results.Enqueue($"{t2}:{r2.ReusedSocket}");
                            agent.Destroy();
                            server.Close();
                        });
                    });
                });
            });
        });
        Assert.Equal(["keep-alive hint none", "pooled 1", "dropped 0 0", "2:False"], results.ToArray());
        Assert.Equal(2, connections.Value);
    }

    [Fact]
    public async Task ServerKeepAliveHint_UnderTwoSeconds_SocketNotPooled()
    {
        // Node's server sends Keep-Alive: timeout=1 for a keep-alive timeout of 1000 ms; the agent keeps sockets
        // one second less than the hint, so Node's client does not pool the socket at all.
        using var ep = ServerEndpoint.Create("tcp");
        var connections = new StrongBox<int>();
        var results = new ConcurrentQueue<string>();
        var agent = new Agent(new AgentOptions { KeepAlive = true });
        await LoopRunner.RunAsync(() =>
        {
            Server server = ClientNodeHttpServerPoolTests.CountingServer(connections, options: new ServerOptions { KeepAliveTimeout = 1000 });
            ep.Listen(server, () =>
            {
                NodeHttp.Http.Get(ep.Options(agent: agent), res =>
                {
                    results.Enqueue("hint " + res.Headers["keep-alive"]);
                    res.Resume();
                    res.Socket!.On("close", () =>
                    {
                        results.Enqueue($"closed free={agent.FreeSockets.Count} total={agent.TotalSocketCount}");
                        server.Close();
                    });
                });
            });
        });
        Assert.Equal(["hint timeout=1", "closed free=0 total=0"], results.ToArray());
    }
}
