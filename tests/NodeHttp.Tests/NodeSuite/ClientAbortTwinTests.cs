namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's client tests about requests that are aborted, destroyed, timed out or refused, and about the checks a
/// request makes of its options: each scenario runs in Node (scenarios/client-abort.js) and here, with the same text
/// expected of both.
/// </summary>
public sealed class ClientAbortTwinTests(ClientAbortTwinTests.Node node) : IClassFixture<ClientAbortTwinTests.Node>
{
    /// <summary>The Node process that runs scenarios/client-abort.js.</summary>
    public sealed class Node() : NodeScenarioHost("client-abort.js");

    private static RequestOptions To(int port) => new() { Host = "127.0.0.1", Port = port };

    [Fact]
    public Task Http_abort_before_end() => Twin.CheckAsync(node, "abort-before-end", "abort,close aborted=true destroyed=true seen=0", done =>
    {
        int seen = 0;
        Server server = NodeHttp.Http.CreateServer((_, s) => { seen++; s.End(); });
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            ClientRequest req = NodeHttp.Http.Request(To(port));
            req.On("abort", () => ev.Add("abort"));
            req.On<Exception>("error", _ => ev.Add("error"));
            req.On("close", () => Twin.After(100, () =>
            {
                server.Close();
                done(string.Join(",", ev) + $",close aborted={Twin.B(req.Aborted)} destroyed={Twin.B(req.Destroyed)} seen={seen}");
            }));
            req.Abort();
            req.End();
        });
    });

    [Fact]
    public Task Http_abort_queued() => Twin.CheckAsync(node, "abort-queued", "queued=1 r2-close queued=0 seen=1", done =>
    {
        int seen = 0;
        ServerResponse? first = null;
        Server server = NodeHttp.Http.CreateServer((_, s) => { seen++; first = s; });
        Twin.Listen(server, port =>
        {
            var agent = new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 1 });
            var log = new List<string>();
            RequestOptions options = To(port);
            options.Agent = agent;
            NodeHttp.Http.Get(options, res =>
            {
                res.Resume();
                res.On("end", () => Twin.After(50, () =>
                {
                    agent.Destroy();
                    server.Close();
                    log.Add("seen=" + seen);
                    done(string.Join(" ", log));
                }));
            });
            ClientRequest r2 = NodeHttp.Http.Get(options, _ => log.Add("r2-response"));
            r2.On<Exception>("error", _ => log.Add("r2-error"));
            r2.On("close", () => log.Add("r2-close queued=" + agent.Requests.Count));
            server.Once<IncomingMessage, ServerResponse>("request", (_, _) =>
            {
                log.Add("queued=" + agent.Requests.Values.First().Count);
                r2.Abort();
                Twin.After(50, () => first!.End("x"));
            });
        });
    });

    [Fact]
    public Task Http_client_abort_event() => Twin.CheckAsync(node, "client-abort-event", "aborts=1", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End());
        Twin.Listen(server, port =>
        {
            int aborts = 0;
            ClientRequest req = NodeHttp.Http.Request(To(port));
            req.On("abort", () => aborts++);
            req.On<Exception>("error", _ => { });
            req.On("close", () => Twin.After(50, () => { server.Close(); done("aborts=" + aborts); }));
            req.Abort();
            req.Abort();
        });
    });

    [Fact]
    public Task Http_client_abort_response_event() => Twin.CheckAsync(node, "client-abort-response-event", "response,abort,close,res-error:ECONNRESET,res-close", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.Write("x"));
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            RequestOptions options = To(port);
            options.UseAgent = false;
            ClientRequest? req = null;
            req = NodeHttp.Http.Get(options, res =>
            {
                ev.Add("response");
                res.On<NodeBuffer>("data", _ => ev.Add("data"));
                res.On<Exception>("error", e => ev.Add("res-error:" + Twin.Code(e)));
                res.On("close", () => ev.Add("res-close"));
                req!.Abort();
            });
            req.On("abort", () => ev.Add("abort"));
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
            req.On("close", () =>
            {
                ev.Add("close");
                Twin.After(100, () => { server.CloseAllConnections(); server.Close(); done(string.Join(",", ev)); });
            });
        });
    });

    [Fact]
    public Task Http_client_abort2() => Twin.CheckAsync(node, "client-abort2", "data,returned,abort,aborted,close,res-error:ECONNRESET", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.Write("hello"));
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            RequestOptions options = To(port);
            options.UseAgent = false;
            ClientRequest? req = null;
            req = NodeHttp.Http.Get(options, res =>
            {
                res.Once<NodeBuffer>("data", _ => { ev.Add("data"); req!.Abort(); ev.Add("returned"); });
                res.On("end", () => ev.Add("end"));
                res.On("aborted", () => ev.Add("aborted"));
                res.On<Exception>("error", e => ev.Add("res-error:" + Twin.Code(e)));
            });
            req.On("abort", () => ev.Add("abort"));
            req.On("close", () =>
            {
                ev.Add("close");
                Twin.After(100, () => { server.CloseAllConnections(); server.Close(); done(string.Join(",", ev)); });
            });
        });
    });

    [Fact]
    public Task Http_client_agent_abort_close_event() => Twin.CheckAsync(node, "client-agent-abort-close-event", "close destroyed=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End());
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            var agent = new Agent(new AgentOptions { KeepAlive = true });
            RequestOptions options = To(port);
            options.Agent = agent;
            ClientRequest req = NodeHttp.Http.Get(options, _ => ev.Add("response"));
            req.On<Socket>("socket", _ => ev.Add("socket"));
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
            req.On("close", () =>
            {
                ev.Add("close destroyed=" + Twin.B(req.Destroyed));
                Twin.After(50, () => { agent.Destroy(); server.Close(); done(string.Join(",", ev)); });
            });
            req.Abort();
        });
    });

    [Fact]
    public Task Http_client_agent_end_close_event() => Twin.CheckAsync(node, "client-agent-end-close-event", "end,close destroyed=true,free=1", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End("hello"));
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            var agent = new Agent(new AgentOptions { KeepAlive = true });
            RequestOptions options = To(port);
            options.Agent = agent;
            ClientRequest req = NodeHttp.Http.Get(options, res =>
            {
                res.Resume();
                res.On("end", () => ev.Add("end"));
            });
            req.On("close", () =>
            {
                ev.Add("close destroyed=" + Twin.B(req.Destroyed));
                Twin.Immediate(() =>
                {
                    ev.Add("free=" + (agent.FreeSockets.Values.FirstOrDefault()?.Count ?? 0));
                    agent.Destroy();
                    server.Close();
                    done(string.Join(",", ev));
                });
            });
        });
    });

    [Fact]
    public Task Http_client_agent() => Twin.CheckAsync(node, "client-agent", "fast,fast,slow sockets=false requests=false", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) =>
        {
            if (q.Url == "/slow")
            {
                Twin.After(100, () => s.End("slow"));
            }
            else
            {
                s.End("fast");
            }
        });
        Twin.Listen(server, port =>
        {
            var agent = new Agent();
            string name = agent.GetName(To(port));
            var bodies = new List<string>();
            foreach (string path in new[] { "/a", "/slow", "/b" })
            {
                RequestOptions options = To(port);
                options.Path = path;
                options.Agent = agent;
                NodeHttp.Http.Get(options, res => Twin.ReadText(res, b =>
                {
                    bodies.Add(b);
                    if (bodies.Count == 3)
                    {
                        Twin.After(50, () =>
                        {
                            server.Close();
                            bodies.Sort(StringComparer.Ordinal);
                            done(string.Join(",", bodies) + $" sockets={Twin.B(agent.Sockets.ContainsKey(name))} requests={Twin.B(agent.Requests.ContainsKey(name))}");
                        });
                    }
                }));
            }
        });
    });

    [Fact]
    public Task Http_client_close_event() => Twin.CheckAsync(node, "client-close-event", "error:ECONNRESET:socket hang up,close destroyed=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, _) => q.Socket!.Destroy());
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            RequestOptions options = To(port);
            options.UseAgent = false;
            ClientRequest req = NodeHttp.Http.Get(options, _ => ev.Add("response"));
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e) + ":" + e.Message));
            req.On("close", () =>
            {
                ev.Add("close destroyed=" + Twin.B(req.Destroyed));
                server.Close();
                done(string.Join(",", ev));
            });
        });
    });

    [Fact]
    public Task Http_conn_reset() => Twin.CheckAsync(node, "conn-reset", "error:ECONNRESET:socket hang up,close", done =>
    {
        NetServer server = NodeHttp.Net.CreateServer(s => s.Destroy());
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            RequestOptions options = To(port);
            options.UseAgent = false;
            ClientRequest req = NodeHttp.Http.Request(options);
            req.On<IncomingMessage>("response", _ => ev.Add("response"));
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e) + ":" + e.Message));
            req.On("close", () => { ev.Add("close"); server.Close(); done(string.Join(",", ev)); });
            req.End();
        });
    });

    [Fact]
    public Task Http_client_timeout_event() => Twin.CheckAsync(node, "client-timeout-event", "timeout,error:ECONNRESET,close destroyed=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, _) => { });
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            RequestOptions options = To(port);
            options.UseAgent = false;
            ClientRequest req = NodeHttp.Http.Get(options);
            req.SetTimeout(1);
            req.On("timeout", () => { ev.Add("timeout"); req.Destroy(); });
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
            req.On("close", () =>
            {
                ev.Add("close destroyed=" + Twin.B(req.Destroyed));
                server.CloseAllConnections();
                server.Close();
                done(string.Join(",", ev));
            });
        });
    });

    [Fact]
    public Task Http_client_timeout_option() => Twin.CheckAsync(node, "client-timeout-option", "timeout,error:ECONNRESET,close", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, _) => { });
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            RequestOptions options = To(port);
            options.UseAgent = false;
            options.Timeout = 50;
            ClientRequest req = NodeHttp.Http.Get(options);
            req.On("timeout", () => { ev.Add("timeout"); Twin.After(100, () => req.Destroy()); });
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
            req.On("close", () =>
            {
                ev.Add("close");
                server.CloseAllConnections();
                server.Close();
                done(string.Join(",", ev));
            });
        });
    });

    [Fact]
    public Task Http_client_timeout() => Twin.CheckAsync(node, "client-timeout", "callback,error:ECONNRESET,close", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, _) => { });
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            RequestOptions options = To(port);
            options.UseAgent = false;
            ClientRequest? req = null;
            req = NodeHttp.Http.Request(options);
            req.SetTimeout(50, () => { ev.Add("callback"); req.Destroy(); });
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
            req.On("close", () =>
            {
                ev.Add("close");
                server.CloseAllConnections();
                server.Close();
                done(string.Join(",", ev));
            });
            req.End();
        });
    });

    [Fact]
    public Task Http_client_response_timeout() => Twin.CheckAsync(node, "client-response-timeout", "response,res-timeout,close", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) =>
        {
            s.WriteHead(200, [new("content-length", "10")]);
            s.FlushHeaders();
        });
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            RequestOptions options = To(port);
            options.UseAgent = false;
            ClientRequest? req = null;
            req = NodeHttp.Http.Get(options, res =>
            {
                ev.Add("response");
                res.SetTimeout(1);
                res.On("timeout", () => { ev.Add("res-timeout"); req!.Destroy(); });
                res.On<Exception>("error", e => ev.Add("res-error:" + Twin.Code(e)));
            });
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
            req.On("close", () =>
            {
                ev.Add("close");
                server.CloseAllConnections();
                server.Close();
                done(string.Join(",", ev));
            });
        });
    });

    [Fact]
    public Task Http_econnrefused() => Twin.CheckAsync(node, "econnrefused", "error:ECONNREFUSED:PORT,close,status:200,again:ECONNREFUSED", done =>
    {
        NetServer probe = NodeHttp.Net.CreateServer();
        Twin.Listen(probe, port => probe.Close(_ =>
        {
            var ev = new List<string>();
            ClientRequest req = NodeHttp.Http.Get(To(port));
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e) + ":" + ((e as NodeHttpException)?.Port == port ? "PORT" : "?")));
            req.On("close", () =>
            {
                ev.Add("close");
                Server server = NodeHttp.Http.CreateServer((_, s) => s.End("up"));
                server.Listen(port, "127.0.0.1", () =>
                {
                    RequestOptions options = To(port);
                    options.UseAgent = false;
                    NodeHttp.Http.Get(options, res =>
                    {
                        ev.Add("status:" + res.StatusCode);
                        res.Resume();
                        res.On("end", () => server.Close(_ =>
                        {
                            NodeHttp.Http.Get(options).On<Exception>("error", e =>
                            {
                                ev.Add("again:" + Twin.Code(e));
                                done(string.Join(",", ev));
                            });
                        }));
                    });
                });
            });
        }));
    });

    [Fact]
    public Task Http_agent_false() => Twin.CheckAsync(node, "agent-false", "error:ECONNREFUSED", done =>
    {
        NetServer probe = NodeHttp.Net.CreateServer();
        Twin.Listen(probe, port => probe.Close(_ =>
        {
            var ev = new List<string>();
            RequestOptions options = To(port);
            options.UseAgent = false;
            ClientRequest req = NodeHttp.Http.Get(options, _ => ev.Add("response"));
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
            req.On("close", () => Twin.After(50, () => done(string.Join(",", ev))));
        }));
    });

    [Fact]
    public Task Http_agent_null() => Twin.CheckAsync(node, "agent-null", "status=200 global=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End("ok"));
        Twin.Listen(server, port =>
        {
            RequestOptions options = To(port);
            options.Agent = null;
            ClientRequest? req = null;
            req = NodeHttp.Http.Get(options, res =>
            {
                res.Resume();
                res.On("end", () =>
                {
                    server.Close();
                    done("status=" + res.StatusCode + " global=" + Twin.B(ReferenceEquals(req!.Agent, NodeHttp.Http.GlobalAgent)));
                });
            });
        });
    });

    [Fact]
    public Task Http_agent_no_protocol() => Twin.CheckAsync(node, "agent-no-protocol", "status=200 protocol=http:", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End("ok"));
        Twin.Listen(server, port =>
        {
            ClientRequest? req = null;
            req = NodeHttp.Http.Get(To(port), res =>
            {
                res.Resume();
                res.On("end", () => { server.Close(); done("status=" + res.StatusCode + " protocol=" + req!.Protocol); });
            });
        });
    });

    [Fact]
    public Task Http_client_defaults() => Twin.CheckAsync(node, "client-defaults", "method=GET path=/", done =>
    {
        RequestOptions options = To(1);
        options.Path = "";
        options.Method = "";
        ClientRequest req = NodeHttp.Http.Request(options);
        req.On<Exception>("error", _ => { });
        req.Destroy();
        done("method=" + req.Method + " path=" + req.Path);
    });

    [Fact]
    public Task Http_client_check_http_token() => Twin.CheckAsync(node, "client-check-http-token",
        "ERR_INVALID_HTTP_TOKEN,ERR_INVALID_HTTP_TOKEN,ERR_INVALID_HTTP_TOKEN,ERR_INVALID_HTTP_TOKEN GET>GET,post>POST,x-custom!>", done =>
    {
        var outcomes = new List<string>();
        foreach (string m in new[] { "G ET", "GE[T", "GET\t", "P@ST" })
        {
            outcomes.Add(Attempt(() => { RequestOptions o = To(1); o.Method = m; return NodeHttp.Http.Request(o); }));
        }
        Server server = NodeHttp.Http.CreateServer((q, s) => s.End(q.Method ?? ""));
        Twin.Listen(server, port =>
        {
            var methods = new List<string>();
            foreach (string m in new[] { "GET", "post", "x-custom!" })
            {
                RequestOptions o = To(port);
                o.Method = m;
                o.UseAgent = false;
                NodeHttp.Http.Request(o, res => Twin.ReadText(res, b =>
                {
                    methods.Add(m + ">" + b);
                    if (methods.Count == 3)
                    {
                        server.Close();
                        methods.Sort(StringComparer.Ordinal);
                        done(string.Join(",", outcomes) + " " + string.Join(",", methods));
                    }
                })).End();
            }
        });
    });

    [Fact]
    public Task Http_client_unescaped_path() => Twin.CheckAsync(node, "client-unescaped-path",
        "ERR_UNESCAPED_CHARACTERS,ERR_UNESCAPED_CHARACTERS,ERR_UNESCAPED_CHARACTERS,ERR_UNESCAPED_CHARACTERS,ERR_UNESCAPED_CHARACTERS,ERR_UNESCAPED_CHARACTERS,ok,ERR_UNESCAPED_CHARACTERS,ok", done =>
    {
        var outcomes = new List<string>();
        foreach (string p in new[] { "bad path", "/bad path", "/bad path/", "/ ", "/\u0000x", "/x\u001f", "/\u007f", "/\t", "/ok%20" })
        {
            outcomes.Add(Attempt(() => { RequestOptions o = To(1); o.Path = p; return NodeHttp.Http.Get(o); }));
        }
        done(string.Join(",", outcomes));
    });

    [Fact]
    public Task Http_invalid_path_chars() => Twin.CheckAsync(node, "invalid-path-chars", new string('E', 33), done =>
    {
        var outcomes = new System.Text.StringBuilder();
        for (int i = 0; i <= 0x20; i++)
        {
            string r = Attempt(() => { RequestOptions o = To(1); o.Path = "/a" + (char)i + "b"; return NodeHttp.Http.Get(o); });
            outcomes.Append(r == "ERR_UNESCAPED_CHARACTERS" ? "E" : r);
        }
        done(outcomes.ToString());
    });

    [Fact]
    public Task Http_invalid_urls() => Twin.CheckAsync(node, "invalid-urls", "ERR_INVALID_URL,ERR_INVALID_URL,ERR_INVALID_URL,ERR_INVALID_URL", done =>
    {
        var outcomes = new List<string>();
        foreach (string u in new[] { "www.nodejs.org", "localhost", "http://:80/", "/relative" })
        {
            outcomes.Add(Attempt(() => NodeHttp.Http.Get(u)));
        }
        done(string.Join(",", outcomes));
    });

    [Fact]
    public Task Http_invalidheaderfield() => Twin.CheckAsync(node, "invalidheaderfield", "req:ERR_INVALID_HTTP_TOKEN,res:ERR_INVALID_HTTP_TOKEN", done =>
    {
        var log = new List<string>();
        Server server = NodeHttp.Http.CreateServer((_, s) =>
        {
            try
            {
                s.SetHeader("testing 123", 123);
                log.Add("set");
            }
            catch (NodeHttpException e)
            {
                log.Add("res:" + e.Code);
            }
            s.End("");
        });
        Twin.Listen(server, port =>
        {
            try
            {
                RequestOptions bad = To(port);
                bad.Headers = [new("testing 123", "123")];
                NodeHttp.Http.Get(bad);
                log.Add("sent");
            }
            catch (NodeHttpException e)
            {
                log.Add("req:" + e.Code);
            }
            RequestOptions good = To(port);
            good.UseAgent = false;
            NodeHttp.Http.Get(good, res =>
            {
                res.Resume();
                res.On("end", () => { server.Close(); done(string.Join(",", log)); });
            });
        });
    });

    [Fact]
    public Task Http_host_header_ipv6_fail() => Twin.CheckAsync(node, "host-header-ipv6-fail", "[::1]:80 foo:1234:80", done =>
    {
        var got = new List<string>();
        Server? server = null;
        // "foo:1234:80" is not a valid Host: NodeHttp's strict request checks (docs/differences.md) refuse it.
        server = NodeHttp.Http.CreateServer(new ServerOptions { StrictRequests = false }, (q, s) =>
        {
            got.Add(q.Headers["host"].ToString());
            s.End();
            if (got.Count == 2)
            {
                server!.Close();
                got.Sort(StringComparer.Ordinal);
                done(string.Join(" ", got));
            }
        });
        Twin.Listen(server, port =>
        {
            foreach (string host in new[] { "foo:1234", "::1" })
            {
                var options = new RequestOptions
                {
                    Host = host,
                    CreateConnection = (_, _) => NodeHttp.Net.CreateConnection(port, "127.0.0.1"),
                };
                NodeHttp.Http.Get(options).On<Exception>("error", e => done("error " + Twin.Code(e)));
            }
        });
    });

    // Makes a request that is expected to throw; one that does not is destroyed at once.
    private static string Attempt(Func<ClientRequest> make)
    {
        try
        {
            ClientRequest req = make();
            req.On<Exception>("error", _ => { });
            req.Destroy();
            return "ok";
        }
        catch (Exception e)
        {
            return Twin.Code(e);
        }
    }
}
