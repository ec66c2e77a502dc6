namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's tests of client timeouts (<c>request.setTimeout</c>, the <c>timeout</c> option, an agent's timeout) and of
/// replacing the process-wide global agent. Timer-driven, and one changes <see cref="Http.GlobalAgent"/>, so they run
/// alone (the Timing collection). Each scenario runs in Node (scenarios/client-timeout-pa.js) and here.
/// </summary>
[Collection("Timing")]
public sealed class ClientTimeoutPortsATests(ClientTimeoutPortsATests.Node node) : IClassFixture<ClientTimeoutPortsATests.Node>
{
    /// <summary>The Node process that runs scenarios/client-timeout-pa.js.</summary>
    public sealed class Node() : NodeScenarioHost("client-timeout-pa.js");

    private static RequestOptions To(int port, Agent? agent = null, string? path = null) =>
        new() { Host = "127.0.0.1", Port = port, Agent = agent, Path = path };

    private static string Timeout(Socket socket) => socket.Timeout?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "undefined";

    [Fact]
    public Task Http_client_set_timeout() => Twin.CheckAsync(node, "client-set-timeout",
        "socket timeout=2000,connect timeout=1000,now=10,timeout,error ECONNRESET socket hang up,close destroyed=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, _) => { });
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            RequestOptions o = To(port);
            o.Timeout = 2000;
            ClientRequest req = NodeHttp.Http.Get(o);
            req.SetTimeout(1000);
            req.On<Socket>("socket", socket =>
            {
                ev.Add("socket timeout=" + Timeout(socket));
                socket.On("connect", () =>
                {
                    ev.Add("connect timeout=" + Timeout(socket));
                    socket.SetTimeout(10);
                    ev.Add("now=" + Timeout(socket));
                });
            });
            req.On<Exception>("error", e => ev.Add("error " + Twin.Code(e) + " " + e.Message));
            req.On("timeout", () => { ev.Add("timeout"); req.Destroy(); });
            req.On("close", () =>
            {
                ev.Add("close destroyed=" + Twin.B(req.Destroyed));
                server.Close();
                done(string.Join(",", ev));
            });
        });
    });

    [Fact]
    public Task Http_client_timeout_agent() => Twin.CheckAsync(node, "client-timeout-agent", "finished=30 odd-timeouts=15 twice=0", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) =>
        {
            int id = int.Parse(q.Url!.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);
            if (id % 2 == 0)
            {
                s.WriteHead(200, [new("Content-Type", "text/plain")]);
                s.Write(id.ToString(System.Globalization.CultureInfo.InvariantCulture));
                s.End();
            }
        });
        Twin.Listen(server, port =>
        {
            int finished = 0;
            int oddTimeouts = 0;
            int twice = 0;
            var seen = new HashSet<int>();
            for (int i = 0; i < 30; i++)
            {
                int id = i;
                RequestOptions o = To(port, null, "/" + id);
                o.Method = "GET";
                ClientRequest req = NodeHttp.Http.Request(o);
                void Count()
                {
                    if (!seen.Add(id))
                    {
                        twice++;
                    }
                    finished++;
                }
                req.On<IncomingMessage>("response", res =>
                {
                    res.Resume();
                    res.On("end", () => { Count(); req.Destroy(); });
                });
                req.On<Exception>("error", _ => req.Destroy());
                req.SetTimeout(50, () =>
                {
                    if (id % 2 == 1)
                    {
                        oddTimeouts++;
                    }
                    req.Abort();
                    Count();
                });
                req.End();
            }
            void Check()
            {
                if (finished < 30)
                {
                    Twin.After(20, Check);
                    return;
                }
                Twin.After(100, () =>
                {
                    server.Close();
                    done("finished=" + finished + " odd-timeouts=" + oddTimeouts + " twice=" + twice);
                });
            }
            Check();
        });
    });

    [Fact]
    public Task Http_client_timeout_option_with_agent() => Twin.CheckAsync(node, "client-timeout-option-with-agent",
        "socket timeout=100,timeout,error ECONNRESET,close", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, _) => { });
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            RequestOptions o = To(port, new Agent(new AgentOptions { Timeout = 50 }));
            o.Timeout = 100;
            ClientRequest req = NodeHttp.Http.Get(o);
            req.On<Socket>("socket", socket => ev.Add("socket timeout=" + Timeout(socket)));
            req.On("timeout", () => { ev.Add("timeout"); req.Destroy(); });
            req.On<Exception>("error", e => ev.Add("error " + Twin.Code(e)));
            req.On("close", () =>
            {
                ev.Add("close");
                server.Close();
                done(string.Join(",", ev));
            });
        });
    });

    [Fact]
    public Task Http_client_timeout_with_data() => Twin.CheckAsync(node, "client-timeout-with-data", "data *,timeout after 1,data *,end 2", done =>
    {
        Server? server = null;
        server = NodeHttp.Http.CreateServer((_, s) =>
        {
            s.WriteHead(200, [new("Content-Length", "2")]);
            s.Write("*");
            server!.Once("timeout", () => s.End("*"));
        });
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            int chunks = 0;
            RequestOptions o = To(port, null, "/");
            o.Method = "GET";
            ClientRequest? req = null;
            req = NodeHttp.Http.Request(o, res =>
            {
                req!.SetTimeout(50, () =>
                {
                    ev.Add("timeout after " + chunks);
                    server.Emit("timeout");
                });
                res.On<NodeBuffer>("data", d => { chunks++; ev.Add("data " + d.ToString("utf8")); });
                res.On("end", () =>
                {
                    ev.Add("end " + chunks);
                    server.Close();
                    done(string.Join(",", ev));
                });
            });
            req.End();
        });
    });

    [Fact]
    public Task Http_client_override_global_agent() => Twin.CheckAsync(node, "client-override-global-agent", "used=true destroyed=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => { s.WriteHead(200); s.End("Hello, World!"); });
        Twin.Listen(server, port =>
        {
            Agent saved = NodeHttp.Http.GlobalAgent;
            var agent = new Agent();
            string name = agent.GetName(new RequestOptions { Host = "127.0.0.1", Port = port });
            NodeHttp.Http.GlobalAgent = agent;
            ClientRequest req;
            try
            {
                req = NodeHttp.Http.Get(To(port));
            }
            finally
            {
                NodeHttp.Http.GlobalAgent = saved;
            }
            bool used = agent.Sockets.ContainsKey(name);
            req.On("close", () =>
            {
                server.Close();
                done("used=" + Twin.B(used) + " destroyed=" + Twin.B(req.Destroyed));
            });
        });
    });
}
