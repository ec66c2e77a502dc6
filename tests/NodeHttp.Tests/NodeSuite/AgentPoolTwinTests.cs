namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's agent tests: which socket a request gets, what the pool holds afterwards and how many connections the
/// server saw. Each scenario runs in Node (scenarios/agent-pool.js) and here.
/// </summary>
public sealed class AgentPoolTwinTests(AgentPoolTwinTests.Node node) : IClassFixture<AgentPoolTwinTests.Node>
{
    /// <summary>The Node process that runs scenarios/agent-pool.js.</summary>
    public sealed class Node() : NodeScenarioHost("agent-pool.js");

    // Node's poolScenario: a server counting its connections, a new agent, and a finish that destroys both.
    private Task Pool(string name, string expected, AgentOptions agentOptions, Action<IncomingMessage, ServerResponse> handler,
        Action<int, Agent, Func<int>, Action<string>> body) => Twin.CheckAsync(node, name, expected, done =>
    {
        int connections = 0;
        Server server = NodeHttp.Http.CreateServer(handler);
        server.OnConnection(_ => connections++);
        Twin.Listen(server, port =>
        {
            var agent = new Agent(agentOptions);
            body(port, agent, () => connections, text =>
            {
                agent.Destroy();
                server.Close();
                done(text);
            });
        });
    });

    private static RequestOptions To(int port, Agent agent, string? path = null, string? method = null) =>
        new() { Host = "127.0.0.1", Port = port, Agent = agent, Path = path, Method = method };

    private static int FreeCount(Agent agent) => agent.FreeSockets.Values.Sum(l => l.Count);

    [Fact]
    public Task Http_keepalive_client() => Pool("keepalive-client", "sockets=1 connections=1 /0,/1,/2,/3,/4,/5,/6,/7,/8,/9",
        new AgentOptions { KeepAlive = true }, (q, s) => s.End(q.Url!), (port, agent, conns, finish) =>
    {
        var sockets = new HashSet<Socket>();
        var bodies = new List<string>();
        void Next(int i)
        {
            if (i == 10)
            {
                finish("sockets=" + sockets.Count + " connections=" + conns() + " " + string.Join(",", bodies));
                return;
            }
            NodeHttp.Http.Get(To(port, agent, "/" + i), res =>
            {
                sockets.Add(res.Socket!);
                Twin.ReadText(res, b => { bodies.Add(b); Twin.Immediate(() => Next(i + 1)); });
            });
        }
        Next(0);
    });

    [Fact]
    public Task Http_keep_alive() => Pool("keep-alive", "1/2 1/1 1/false connections=1", new AgentOptions { MaxSockets = 1 },
        (_, s) => { s.WriteHead(200, [new("Content-Length", "12")]); s.End("hello world\n"); }, (port, agent, conns, finish) =>
    {
        string name = agent.GetName(new RequestOptions { Host = "127.0.0.1", Port = port });
        var log = new List<string>();
        int Count<T>(IReadOnlyDictionary<string, IReadOnlyList<T>> table) => table.TryGetValue(name, out IReadOnlyList<T>? l) ? l.Count : 0;
        RequestOptions Options()
        {
            RequestOptions o = To(port, agent);
            o.Headers = [new("connection", "keep-alive")];
            return o;
        }
        NodeHttp.Http.Get(Options(), res => { log.Add(Count(agent.Sockets) + "/" + Count(agent.Requests)); res.Resume(); });
        NodeHttp.Http.Get(Options(), res => { log.Add(Count(agent.Sockets) + "/" + Count(agent.Requests)); res.Resume(); });
        NodeHttp.Http.Get(Options(), res =>
        {
            res.On("end", () =>
            {
                log.Add(Count(agent.Sockets) + "/" + Twin.B(agent.Requests.ContainsKey(name)));
                Twin.Immediate(() => finish(string.Join(" ", log) + " connections=" + conns()));
            });
            res.Resume();
        });
    });

    [Theory]
    [InlineData("abort")]
    [InlineData("destroy")]
    public Task Http_keepalive_free(string method) => Pool("keepalive-free-" + method,
        "destroyed-at-response=false,destroyed-at-end=true,socket-destroyed=false,free free=1",
        new AgentOptions { KeepAlive = true }, (q, s) => s.End(q.Url!), (port, agent, conns, finish) =>
    {
        var log = new List<string>();
        ClientRequest req = NodeHttp.Http.Request(To(port, agent));
        req.On<Socket>("socket", s => s.On("free", () => log.Add("free")));
        req.On<IncomingMessage>("response", res =>
        {
            log.Add("destroyed-at-response=" + Twin.B(req.Destroyed));
            res.On("end", () =>
            {
                log.Add("destroyed-at-end=" + Twin.B(req.Destroyed));
                if (method == "abort")
                {
                    req.Abort();
                }
                else
                {
                    req.Destroy();
                }
                log.Add("socket-destroyed=" + Twin.B(req.Socket!.Destroyed));
                Twin.Immediate(() => finish(string.Join(",", log) + " free=" + FreeCount(agent)));
            });
            res.Resume();
        });
        req.End();
    });

    [Fact]
    public Task Http_client_abort_keep_alive_destroy_res() => Pool("client-abort-keep-alive-destroy-res", "reused=true connections=1",
        new AgentOptions { KeepAlive = true, MaxSockets = 1 }, (_, s) => s.End("x"), (port, agent, conns, finish) =>
    {
        NodeHttp.Http.Get(To(port, agent), res =>
        {
            res.On("end", () =>
            {
                res.Destroy();
                Twin.Immediate(() =>
                {
                    ClientRequest? second = null;
                    second = NodeHttp.Http.Get(To(port, agent), res2 =>
                    {
                        res2.Resume();
                        res2.On("end", () => Twin.Immediate(() => finish("reused=" + Twin.B(second!.ReusedSocket) + " connections=" + conns())));
                    });
                });
            });
            res.Resume();
        });
    });

    [Fact]
    public Task Http_keep_alive_close_on_header() => Pool("keep-alive-close-on-header", "connections=3", new AgentOptions { MaxSockets = 1 },
        (_, s) => { s.WriteHead(200, [new("Connection", "close")]); s.End("x"); }, (port, agent, conns, finish) =>
    {
        int n = 0;
        for (int i = 0; i < 3; i++)
        {
            RequestOptions o = To(port, agent);
            o.Headers = [new("connection", "keep-alive")];
            NodeHttp.Http.Get(o, res =>
            {
                res.Resume();
                res.On("end", () =>
                {
                    if (++n == 3)
                    {
                        Twin.Immediate(() => finish("connections=" + conns()));
                    }
                });
            });
        }
    });

    [Fact]
    public Task Http_agent_maxsockets() => Pool("agent-maxsockets", "free=2 connections=2", new AgentOptions { KeepAlive = true, MaxSockets = 2, MaxFreeSockets = 2 },
        (_, s) => s.End("hello world"), (port, agent, conns, finish) =>
    {
        int n = 0;
        for (int i = 0; i < 2; i++)
        {
            NodeHttp.Http.Get(To(port, agent), res =>
            {
                res.Resume();
                res.On("end", () =>
                {
                    if (++n == 2)
                    {
                        Twin.Immediate(() => finish("free=" + FreeCount(agent) + " connections=" + conns()));
                    }
                });
            });
        }
    });

    [Fact]
    public Task Http_agent_destroyed_socket() => Pool("agent-destroyed-socket", "r1-end,r2:/2 free-events=1 connections=2", new AgentOptions { KeepAlive = true, MaxSockets = 1 },
        (q, s) => s.End(q.Url!), (port, agent, conns, finish) =>
    {
        var log = new List<string>();
        int free = 0;
        ClientRequest? r1 = null;
        r1 = NodeHttp.Http.Get(To(port, agent, "/1"), res =>
        {
            res.Resume();
            res.On("end", () => { log.Add("r1-end"); r1!.Socket!.Destroy(); });
        });
        r1.On<Socket>("socket", s => s.On("free", () => free++));
        NodeHttp.Http.Get(To(port, agent, "/2"), res => Twin.ReadText(res, b =>
        {
            log.Add("r2:" + b);
            Twin.Immediate(() => finish(string.Join(",", log) + " free-events=" + free + " connections=" + conns()));
        }));
    });

    [Fact]
    public Task Http_agent_timeout_option() => Pool("agent-timeout-option", "req-timeout,socket-timeout option=100,error:ECONNRESET,close", new AgentOptions { Timeout = 100 },
        (_, _) => { }, (port, agent, conns, finish) =>
    {
        var ev = new List<string>();
        ClientRequest req = NodeHttp.Http.Get(To(port, agent));
        req.On("timeout", () => ev.Add("req-timeout"));
        req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
        req.On<Socket>("socket", s => s.On("timeout", () =>
        {
            ev.Add("socket-timeout option=" + s.Timeout);
            req.Destroy();
        }));
        req.On("close", () => { ev.Add("close"); finish(string.Join(",", ev)); });
    });

    [Fact]
    public Task Http_agent_timeout() => Pool("agent-timeout", "free-before=1 timeout, free-after=0", new AgentOptions { KeepAlive = true, Timeout = 100 },
        (_, s) => s.End("x"), (port, agent, conns, finish) =>
    {
        NodeHttp.Http.Get(To(port, agent), res =>
        {
            res.Resume();
            res.On("end", () => Twin.Immediate(() =>
            {
                IReadOnlyList<Socket> free = agent.FreeSockets.Values.First();
                Socket s = free[0];
                int before = free.Count;
                s.On("timeout", () => s.Once("close", () => finish("free-before=" + before + " timeout, free-after=" + agent.FreeSockets.Count)));
            }));
        });
    });

    [Fact]
    public Task Http_client_keep_alive_release_before_finish() => Pool("client-keep-alive-release-before-finish",
        "post-response,post-res-end,post-finish,get-response reused=false connections=1",
        new AgentOptions { KeepAlive = true, MaxSockets = 1 }, (_, s) => s.End("early"), (port, agent, conns, finish) =>
    {
        var log = new List<string>();
        ClientRequest? post = null;
        post = NodeHttp.Http.Request(To(port, agent, method: "POST"), res =>
        {
            log.Add("post-response");
            res.Resume();
            res.On("end", () =>
            {
                log.Add("post-res-end");
                Twin.After(50, () => post!.End("second half"));
            });
        });
        post.Write("first half");
        post.On("finish", () => log.Add("post-finish"));
        ClientRequest? get = null;
        get = NodeHttp.Http.Get(To(port, agent), res =>
        {
            log.Add("get-response reused=" + Twin.B(get!.ReusedSocket));
            res.Resume();
            res.On("end", () => Twin.Immediate(() => finish(string.Join(",", log) + " connections=" + conns())));
        });
    });
}
