namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's tests of agents and client requests: pool limits and scheduling, sockets made by (or failing in)
/// createConnection, requests aborted while they wait for a socket, and responses destroyed or ended early. Each
/// scenario runs in Node (scenarios/agent-client-pa.js) and here, with the same text expected of both.
/// </summary>
public sealed class AgentClientPortsATests(AgentClientPortsATests.Node node) : IClassFixture<AgentClientPortsATests.Node>
{
    /// <summary>The Node process that runs scenarios/agent-client-pa.js.</summary>
    public sealed class Node() : NodeScenarioHost("agent-client-pa.js");

    private static RequestOptions To(int port, Agent? agent = null, string? path = null) =>
        new() { Host = "127.0.0.1", Port = port, Agent = agent, Path = path };

    private static int Sum<T>(IReadOnlyDictionary<string, IReadOnlyList<T>> table) => table.Values.Sum(l => l.Count);

    // A Unix socket path of this process for one scenario, removed if a previous run left it.
    private static string UnixPath(string tag)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nodehttp-pa-" + tag + "-" + Environment.ProcessId + ".sock");
        File.Delete(path);
        return path;
    }

    /// <summary>An agent whose createConnection reports <paramref name="error"/> (at once, or on the next tick) and makes no socket.</summary>
    private sealed class FailingAgent(Exception error, bool nextTick) : Agent
    {
        public override Socket? CreateConnection(RequestOptions options, Action<Exception?, Socket?> callback)
        {
            if (nextTick)
            {
                EventLoop.Current!.NextTick(() => callback(error, null));
            }
            else
            {
                callback(error, null);
            }
            return null;
        }
    }

    /// <summary>An agent that shows each createConnection call to <paramref name="seen"/> and then makes the socket as usual.</summary>
    private sealed class WatchingAgent(AgentOptions? options, Action<RequestOptions, Socket?> seen) : Agent(options)
    {
        public override Socket? CreateConnection(RequestOptions options, Action<Exception?, Socket?> callback)
        {
            Socket? socket = base.CreateConnection(options, callback);
            seen(options, socket);
            return socket;
        }
    }

    [Fact]
    public Task Http_agent_close() => Twin.CheckAsync(node, "agent-close", "error same=true,close destroyed=true", done =>
    {
        var kaboom = new InvalidOperationException("kaboom");
        var ev = new List<string>();
        ClientRequest req = NodeHttp.Http.Request(To(9, new FailingAgent(kaboom, nextTick: false)));
        req.On<Exception>("error", e => ev.Add("error same=" + Twin.B(ReferenceEquals(e, kaboom))));
        req.On("close", () =>
        {
            ev.Add("close destroyed=" + Twin.B(req.Destroyed));
            done(string.Join(",", ev));
        });
    });

    [Fact]
    public Task Http_agent_keepalive_delay() => Twin.CheckAsync(node, "agent-keepalive-delay", "keepAlive=true delay=1000 body=ok", done =>
    {
        var seen = new List<string>();
        var agent = new WatchingAgent(new AgentOptions { KeepAlive = true, KeepAliveMsecs = 1000 },
            (o, _) => seen.Add("keepAlive=" + Twin.B(o.KeepAlive) + " delay=" + o.KeepAliveInitialDelay));
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End("ok"));
        Twin.Listen(server, port => NodeHttp.Http.Get(To(port, agent), res => Twin.ReadText(res, body =>
        {
            agent.Destroy();
            server.Close();
            done(string.Join(";", seen) + " body=" + body);
        })));
    });

    [Fact]
    public Task Http_agent_maxsockets_respected() => Twin.CheckAsync(node, "agent-maxsockets-respected", "responses=6 served=6 within-limit=true", done =>
    {
        var agent = new Agent(new AgentOptions { KeepAlive = true, KeepAliveMsecs = 1000, MaxSockets = 2, MaxFreeSockets = 2 });
        int served = 0;
        Server server = NodeHttp.Http.CreateServer((_, s) => { served++; s.End("hello world"); });
        Twin.Listen(server, port =>
        {
            int responses = 0;
            int most = 0;
            for (int i = 0; i < 6; i++)
            {
                ClientRequest req = NodeHttp.Http.Get(To(port, agent, "/1"));
                req.On<IncomingMessage>("response", _ =>
                {
                    req.Abort();
                    IReadOnlyDictionary<string, IReadOnlyList<Socket>> sockets = agent.Sockets;
                    most = Math.Max(most, sockets.Count == 0 ? 0 : sockets.Values.First().Count);
                    if (++responses == 6)
                    {
                        Twin.Immediate(() =>
                        {
                            agent.Destroy();
                            server.Close();
                            done("responses=6 served=" + served + " within-limit=" + Twin.B(most <= 2));
                        });
                    }
                });
            }
        });
    });

    [Fact]
    public Task Http_agent_maxtotalsockets() => Twin.CheckAsync(node, "agent-maxtotalsockets",
        "ERR_OUT_OF_RANGE The value of \"maxTotalSockets\" is out of range. It must be >= 1. Received -1;"
        + "ERR_OUT_OF_RANGE The value of \"maxTotalSockets\" is out of range. It must be >= 1. Received 0 ends=12 served=12 over-limit=0 queued=0", done =>
    {
        var log = new List<string>();
        foreach (int v in new[] { -1, 0 })
        {
            try
            {
                _ = new Agent(new AgentOptions { MaxTotalSockets = v });
                log.Add("made");
            }
            catch (NodeHttpException e)
            {
                log.Add(e.Code + " " + e.Message);
            }
        }
        var agent = new Agent(new AgentOptions { KeepAlive = true, KeepAliveMsecs = 1000, MaxTotalSockets = 2, MaxSockets = 3, MaxFreeSockets = 3 });
        var servers = new List<Server>();
        int served = 0;
        int ends = 0;
        int over = 0;
        void Fire(int port)
        {
            for (int i = 0; i < 6; i++)
            {
                NodeHttp.Http.Get(To(port, agent, "/" + i), res =>
                {
                    if (res.StatusCode != 200)
                    {
                        over++;
                    }
                    res.Resume();
                    res.On("end", () =>
                    {
                        int total = 0;
                        foreach (IReadOnlyList<Socket> list in agent.Sockets.Values)
                        {
                            total += list.Count;
                            if (list.Count > 3)
                            {
                                over++;
                            }
                        }
                        if (total > 2)
                        {
                            over++;
                        }
                        if (++ends == 12)
                        {
                            int queued = Sum(agent.Requests);
                            agent.Destroy();
                            servers.ForEach(s => s.Close());
                            done(string.Join(";", log) + " ends=12 served=" + served + " over-limit=" + over + " queued=" + queued);
                        }
                    });
                });
            }
        }
        for (int n = 0; n < 2; n++)
        {
            Server s = NodeHttp.Http.CreateServer((_, r) => { served++; r.End("hello world"); });
            s.KeepAliveTimeout = 0;
            servers.Add(s);
            Twin.Listen(s, Fire);
        }
    });

    [Fact]
    public Task Http_agent_reuse_drained_socket_only() => Twin.CheckAsync(node, "agent-reuse-drained-socket-only",
        "write=false second-new=true third-reuses-second=true", done =>
    {
        var agent = new Agent(new AgentOptions { KeepAlive = true, MaxFreeSockets = 1024 });
        var peers = new List<Socket>();
        NetServer server = NodeHttp.Net.CreateServer(new NetServerOptions { PauseOnConnect = true }, sock =>
        {
            peers.Add(sock);
            sock.On<Exception>("error", _ => { });
            sock.Write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: Keep-Alive\r\n\r\n");
        });
        var log = new List<string>();
        void Finish()
        {
            agent.Destroy();
            peers.ForEach(s => s.Destroy());
            server.Close();
            done(string.Join(" ", log));
        }
        Twin.Listen(server, port =>
        {
            ClientRequest? first = null;
            first = NodeHttp.Http.Request(To(port, agent), res =>
            {
                res.Resume();
                res.On("end", () => Twin.After(10, () =>
                {
                    ClientRequest? second = null;
                    second = NodeHttp.Http.Request(To(port, agent), res2 =>
                    {
                        res2.Resume();
                        res2.On("end", () => Twin.After(10, () =>
                        {
                            ClientRequest third = NodeHttp.Http.Request(To(port, agent));
                            third.On<Socket>("socket", s =>
                            {
                                log.Add("third-reuses-second=" + Twin.B(s.LocalPort == second!.Socket!.LocalPort));
                                third.On<Exception>("error", _ => { });
                                Finish();
                            });
                        }));
                    });
                    second.On<Socket>("socket", s =>
                    {
                        void Check() => log.Add("second-new=" + Twin.B(s.LocalPort != first!.Socket!.LocalPort));
                        if (s.Connecting)
                        {
                            s.Once("connect", Check);
                        }
                        else
                        {
                            Check();
                        }
                    });
                    second.End();
                }));
            });
            first.On<Exception>("error", _ => { });
            log.Add("write=" + Twin.B(first.Write(new string('a', 6_000_000))));
            first.End();
        });
    });

    [Theory]
    [InlineData("default", "4,4,4")]
    [InlineData("fifo", "0,1,2")]
    [InlineData("lifo", "4,4,4")]
    public Task Http_agent_scheduling(string scheduling, string expected) => Twin.CheckAsync(node, "agent-scheduling-" + scheduling, expected, done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) => s.End(q.Socket!.RemotePort!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Twin.Listen(server, port =>
        {
            var options = new AgentOptions { KeepAlive = true, MaxSockets = 5 };
            if (scheduling != "default")
            {
                options.Scheduling = scheduling;
            }
            var agent = new Agent(options);
            string url = "http://127.0.0.1:" + port;
            void Get(Action<string> cb) => NodeHttp.Http.Request(url, new RequestOptions { Agent = agent }, res =>
            {
                var data = new System.Text.StringBuilder();
                res.SetEncoding("ascii");
                res.On<string>("data", c => data.Append(c));
                res.On("end", () => EventLoop.Current!.NextTick(() => cb(data.ToString())));
            }).End();
            var ports = new List<string>();
            for (int i = 0; i < 5; i++)
            {
                Get(p =>
                {
                    ports.Add(p);
                    if (ports.Count < 5)
                    {
                        return;
                    }
                    var picked = new List<int>();
                    void Next()
                    {
                        if (picked.Count == 3)
                        {
                            agent.Destroy();
                            server.Close();
                            done(string.Join(",", picked));
                            return;
                        }
                        Get(q => { picked.Add(ports.IndexOf(q)); Next(); });
                    }
                    Next();
                });
            }
        });
    });

    [Fact]
    public Task Http_agent_scheduling_invalid() => Twin.CheckAsync(node, "agent-scheduling-invalid",
        "ERR_INVALID_ARG_VALUE The argument 'scheduling' must be one of: 'fifo', 'lifo'. Received 'filo'", done =>
    {
        try
        {
            _ = new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 5, Scheduling = "filo" });
            done("made");
        }
        catch (NodeHttpException e)
        {
            done(e.Code + " " + e.Message);
        }
    });

    [Fact]
    public Task Http_agent() => Twin.CheckAsync(node, "agent", "ok=16 served=16 failed=16 served=16", done =>
    {
        var log = new List<string>();
        int served = 0;
        Server server = NodeHttp.Http.CreateServer((_, s) => { served++; s.WriteHead(200); s.End("hello world\n"); });
        // Four batches of four GETs, the batches 0..3 ms apart; a null agent is the global agent.
        void Batches(int port, Agent? agent, Action<int> cb)
        {
            int left = 16;
            int errors = 0;
            void One()
            {
                if (--left == 0)
                {
                    cb(errors);
                }
            }
            for (int i = 0; i < 4; i++)
            {
                Twin.After(i, () =>
                {
                    for (int j = 0; j < 4; j++)
                    {
                        ClientRequest req = NodeHttp.Http.Get(To(port, agent, "/"), res => { res.Resume(); One(); });
                        req.On<Exception>("error", _ => { errors++; One(); });
                    }
                });
            }
        }
        Twin.Listen(server, port => Batches(port, null, errors =>
        {
            log.Add("ok=" + (16 - errors) + " served=" + served);
            Batches(port, new FailingAgent(new InvalidOperationException("nothing"), nextTick: true), errors2 =>
            {
                log.Add("failed=" + errors2 + " served=" + served);
                server.Close();
                done(string.Join(" ", log));
            });
        }));
    });

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public Task Http_client_abort_keep_alive_queued(string kind) => Twin.CheckAsync(node, "client-abort-keep-alive-queued-" + kind, "created=1 aborted=abort,close", done =>
    {
        int created = 0;
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End());
        string path = UnixPath("queued-" + kind);
        void OnListen()
        {
            var agent = new WatchingAgent(new AgentOptions { KeepAlive = true, MaxSockets = 1 }, (_, _) => created++);
            RequestOptions to = kind == "tcp" ? To(server.Address()!.Port, agent) : new RequestOptions { SocketPath = path, Agent = agent };
            var ev = new List<string>();
            NodeHttp.Http.Get(to, res => res.Resume());
            ClientRequest aborted = NodeHttp.Http.Get(to, _ => ev.Add("response"));
            aborted.On("abort", () => ev.Add("abort"));
            aborted.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
            aborted.On("close", () => ev.Add("close"));
            aborted.Abort();
            NodeHttp.Http.Get(to, res =>
            {
                res.Resume();
                res.On("end", () => Twin.Immediate(() =>
                {
                    agent.Destroy();
                    server.Close();
                    done("created=" + created + " aborted=" + string.Join(",", ev));
                }));
            });
        }
        if (kind == "tcp")
        {
            Twin.Listen(server, _ => OnListen());
        }
        else
        {
            server.Listen(path, OnListen);
        }
    });

    [Fact]
    public Task Http_client_abort_unix_socket() => Twin.CheckAsync(node, "client-abort-unix-socket", "close,abort,socket-close requests=0", done =>
    {
        int requests = 0;
        Server server = NodeHttp.Http.CreateServer((_, _) => requests++);
        string path = UnixPath("abort");
        var ev = new List<string>();
        var agent = new WatchingAgent(null, (_, socket) => socket!.Once("close", () =>
        {
            ev.Add("socket-close");
            server.Close(_ => done(string.Join(",", ev) + " requests=" + requests));
        }));
        server.Listen(path, () =>
        {
            ClientRequest req = NodeHttp.Http.Get(new RequestOptions { Agent = agent, SocketPath = path });
            req.On("abort", () => ev.Add("abort"));
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
            req.On("close", () => ev.Add("close"));
            req.Abort();
        });
    });

    /// <summary>Node's <c>new net.Socket()</c> that is destroyed with an error on the next tick.</summary>
    private static Socket BrokenSocket()
    {
        var socket = new Socket();
        EventLoop.Current!.NextTick(() => socket.Destroy(new InvalidOperationException("Oops")));
        return socket;
    }

    private sealed class BrokenAgent : Agent
    {
        public override Socket? CreateConnection(RequestOptions options, Action<Exception?, Socket?> callback) => BrokenSocket();
    }

    [Fact]
    public Task Http_client_abort3() => Twin.CheckAsync(node, "client-abort3", "option=error:Oops,close agent=error:Oops,close", done =>
    {
        var log = new List<string>();
        void Watch(string tag, ClientRequest req, Action next)
        {
            var ev = new List<string>();
            req.On<Exception>("error", e => ev.Add("error:" + e.Message));
            req.On("close", () =>
            {
                ev.Add("close");
                log.Add(tag + "=" + string.Join(",", ev));
                next();
            });
            req.Abort();
        }
        Watch("option", NodeHttp.Http.Get(new RequestOptions { CreateConnection = (_, _) => BrokenSocket() }), () =>
            Watch("agent", NodeHttp.Http.Get(new RequestOptions { Agent = new BrokenAgent() }), () => done(string.Join(" ", log))));
    });

    // Node's stream.finished on a readable: the callback once, with the error, null at 'end', or a premature close.
    private static void Finished(Readable stream, Action<string> callback)
    {
        bool ended = false;
        bool called = false;
        void Call(string how)
        {
            if (!called)
            {
                called = true;
                callback(how);
            }
        }
        stream.On("end", () => { ended = true; Call("none"); });
        stream.On<Exception>("error", e => Call(Twin.Code(e)));
        stream.On("close", () => Call(ended ? "none" : "ERR_STREAM_PREMATURE_CLOSE"));
    }

    [Fact]
    public Task Http_client_finished() => Twin.CheckAsync(node, "client-finished", "finished:ERR_STREAM_PREMATURE_CLOSE", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.Write("asd"));
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(To(port));
            req.On<IncomingMessage>("response", res =>
            {
                res.On("readable", () => res.Destroy());
                Finished(res, how =>
                {
                    server.Close();
                    done("finished:" + how);
                });
            });
            req.End();
        });
    });

    [Fact]
    public Task Http_client_incomingmessage_destroy() => Twin.CheckAsync(node, "client-incomingmessage-destroy",
        "errored-before=null,closed=false errored-same=true,uncaught:Destroy test,close closed=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => { s.WriteHead(200); s.Write("Part of res."); });
        var log = new List<string>();
        Twin.Listen(server, port =>
        {
            EventLoop loop = EventLoop.Current!;
            Action<Exception>? onUncaught = null;
            onUncaught = e =>
            {
                loop.UncaughtException -= onUncaught;
                log.Add("uncaught:" + e.Message);
            };
            loop.UncaughtException += onUncaught;
            ClientRequest req = NodeHttp.Http.Get(To(port), res =>
            {
                var err = new InvalidOperationException("Destroy test");
                log.Add("errored-before=" + (res.Errored is null ? "null" : "set"));
                res.Destroy(err);
                log.Add("closed=" + Twin.B(res.Closed) + " errored-same=" + Twin.B(ReferenceEquals(res.Errored, err)));
                res.On("close", () => log.Add("close closed=" + Twin.B(res.Closed)));
            });
            req.On("close", () => Twin.After(20, () =>
            {
                server.CloseAllConnections();
                server.Close();
                done(string.Join(",", log));
            }));
        });
    });

    [Fact]
    public Task Http_client_pipe_end() => Twin.CheckAsync(node, "client-pipe-end", "status=200", done =>
    {
        string path = UnixPath("pipe-end");
        Server? server = null;
        server = NodeHttp.Http.CreateServer((q, s) =>
        {
            q.Resume();
            q.Once("end", () =>
            {
                s.WriteHead(200);
                s.End();
                server!.Close();
            });
        });
        server.Listen(path, () =>
        {
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions { SocketPath = path, Headers = [new("Content-Length", "1")], Method = "POST", Path = "/" }, res =>
            {
                res.Resume();
                res.On("end", () => done("status=" + res.StatusCode));
            });
            req.Write(".");
            int ticks = 5;
            void Tick()
            {
                if (--ticks > 0)
                {
                    Twin.Immediate(Tick);
                }
                else
                {
                    req.End();
                }
            }
            Twin.Immediate(Tick);
        });
    });

    [Fact]
    public Task Http_client_race_2() => Twin.CheckAsync(node, "client-race-2", "1111111111111111,22222,3333333333333333333", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) =>
        {
            string body = q.Url switch { "/1" => "1111111111111111", "/2" => "22222", _ => "3333333333333333333" };
            s.WriteHead(200, [new("Content-Type", "text/plain"), new("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            s.End(body);
        });
        Twin.Listen(server, port =>
        {
            var got = new List<string>();
            void Get(string path, Action cb) => NodeHttp.Http.Get(To(port, null, path), res => Twin.ReadText(res, b => { got.Add(b); cb(); }));
            Get("/1", () => Twin.After(50, () => Get("/2", () => Get("/3", () =>
            {
                server.Close();
                done(string.Join(",", got));
            }))));
        });
    });

    /// <summary>An agent whose sockets never connect: once the request listens for 'error', one is emitted, and answered with response bytes.</summary>
    private sealed class BreakingAgent : Agent
    {
        public override Socket? CreateConnection(RequestOptions options, Action<Exception?, Socket?> callback)
        {
            var socket = new Socket();
            socket.On<Exception>("error", _ => socket.Push("HTTP/1.1 200\r\n\r\n"));
            Action<string, Delegate>? onNewListener = null;
            onNewListener = (name, _) =>
            {
                if (name != "error")
                {
                    return;
                }
                socket.RemoveListener("newListener", onNewListener!);
                EventLoop.Current!.NextTick(() => socket.Emit("error", new InvalidOperationException("Intentional error")));
            };
            socket.On("newListener", onNewListener);
            return socket;
        }
    }

    [Fact]
    public Task Http_client_read_in_error() => Twin.CheckAsync(node, "client-read-in-error", "error:Intentional error", done =>
    {
        var ev = new List<string>();
        ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Agent = new BreakingAgent() });
        req.On<IncomingMessage>("response", _ => ev.Add("response"));
        req.Once<Exception>("error", e =>
        {
            ev.Add("error:" + e.Message);
            req.On("data", () => ev.Add("data"));
        });
        req.On("close", () => Twin.After(20, () => done(string.Join(",", ev))));
    });

    [Fact]
    public Task Http_client_with_create_connection() => Twin.CheckAsync(node, "client-with-create-connection", "a:one /,b:one /,c:two /,d:two /", done =>
    {
        string path = UnixPath("create-connection");
        var got = new List<string>();
        int left = 4;
        Server? server2 = null;
        Server server1 = NodeHttp.Http.CreateServer((q, s) => s.End("one " + q.Url));
        void Request(string tag, RequestOptions options)
        {
            options.CreateConnection = (o, _) => NodeHttp.Net.CreateConnection(new SocketConnectOptions { Path = o.SocketPath, Host = o.Host ?? "localhost", Port = o.Port ?? 80 });
            NodeHttp.Http.Get(options, res => Twin.ReadText(res, b =>
            {
                got.Add(tag + ":" + b);
                if (--left == 0)
                {
                    server1.Close();
                    server2!.Close();
                    got.Sort(StringComparer.Ordinal);
                    done(string.Join(",", got));
                }
            }));
        }
        server1.Listen(path, () =>
        {
            server2 = NodeHttp.Http.CreateServer((q, s) => s.End("two " + q.Url));
            Twin.Listen(server2, port =>
            {
                Request("a", new RequestOptions { Path = "/", SocketPath = path });
                Request("b", new RequestOptions { SocketPath = path });
                Request("c", To(port, null, "/"));
                Request("d", To(port));
            });
        });
    });

    [Fact]
    public Task Http_client_set_timeout_after_end() => Twin.CheckAsync(node, "client-set-timeout-after-end", "returns-request=true timeout-listeners-unchanged=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End());
        Twin.Listen(server, port =>
        {
            var agent = new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 1 });
            Socket? socket = null;
            ClientRequest? req = null;
            req = NodeHttp.Http.Get(To(port, agent), res =>
            {
                res.On("end", () =>
                {
                    int before = socket!.ListenerCount("timeout");
                    bool same = ReferenceEquals(req!.SetTimeout(0), req);
                    int after = socket.ListenerCount("timeout");
                    agent.Destroy();
                    server.Close();
                    done("returns-request=" + Twin.B(same) + " timeout-listeners-unchanged=" + Twin.B(before == after));
                });
                res.Resume();
            });
            req.On<Socket>("socket", s => socket = s);
        });
    });

    [Fact]
    public Task Http_client_timeout_connect_listener() => Twin.CheckAsync(node, "client-timeout-connect-listener", "reused=false connect-listeners=0", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End());
        Twin.Listen(server, port =>
        {
            var agent = new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 1 });
            ClientRequest Get(Action cb)
            {
                ClientRequest req = NodeHttp.Http.Get(To(port, agent), res => { res.On("end", cb); res.Resume(); });
                req.SetTimeout(int.MaxValue);
                return req;
            }
            Get(() =>
            {
                int connectListeners = -1;
                ClientRequest? second = null;
                second = Get(() =>
                {
                    agent.Destroy();
                    server.Close();
                    done("reused=" + Twin.B(second!.ReusedSocket) + " connect-listeners=" + connectListeners);
                });
                second.On<Socket>("socket", s => connectListeners = s.ListenerCount("connect"));
            });
        });
    });

    [Fact]
    public Task Http_client_timeout_option_listeners() => Twin.CheckAsync(node, "client-timeout-option-listeners", "sockets=1,1 same-timeout-listeners=true", done =>
    {
        var agent = new Agent(new AgentOptions { KeepAlive = true });
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End(""));
        Twin.Listen(server, port =>
        {
            var counts = new List<(int Sockets, int Listeners)>();
            void Get(Action cb)
            {
                RequestOptions o = To(port, agent, "/");
                o.Timeout = int.MaxValue;
                NodeHttp.Http.Request(o, res =>
                {
                    IReadOnlyList<Socket> sockets = agent.Sockets[agent.GetName(new RequestOptions { Host = "127.0.0.1", Port = port })];
                    counts.Add((sockets.Count, sockets[0].ListenerCount("timeout")));
                    res.Resume();
                    res.Once("end", () => EventLoop.Current!.NextTick(cb));
                }).End();
            }
            Get(() => Get(() =>
            {
                server.Close();
                agent.Destroy();
                done("sockets=" + counts[0].Sockets + "," + counts[1].Sockets + " same-timeout-listeners=" + Twin.B(counts[0].Listeners == counts[1].Listeners));
            }));
        });
    });

    [Fact]
    public Task Http_agent_abort_controller() => Twin.CheckAsync(node, "agent-abort-controller",
        "connection-aborted-after=ABORT_ERR connection-aborted-before=ABORT_ERR request-aborted-after=ABORT_ERR request-aborted-before=ABORT_ERR", done =>
    {
        var agent = new Agent();
        Server server = NodeHttp.Http.CreateServer();
        var log = new List<string>();
        Twin.Listen(server, port =>
        {
            RequestOptions Options(CancellationToken signal, bool request)
            {
                RequestOptions o = To(port, request ? agent : null, request ? "/hello" : null);
                o.Signal = signal;
                return o;
            }
            var steps = new (string Tag, Func<EventEmitter> Make)[]
            {
                ("connection-aborted-after", () =>
                {
                    var ac = new CancellationTokenSource();
                    Socket c = agent.CreateConnection(Options(ac.Token, false), (_, _) => { })!;
                    ac.Cancel();
                    return c;
                }),
                ("connection-aborted-before", () =>
                {
                    var ac = new CancellationTokenSource();
                    ac.Cancel();
                    return agent.CreateConnection(Options(ac.Token, false), (_, _) => { })!;
                }),
                ("request-aborted-after", () =>
                {
                    var ac = new CancellationTokenSource();
                    ClientRequest r = NodeHttp.Http.Get(Options(ac.Token, true));
                    ac.Cancel();
                    return r;
                }),
                ("request-aborted-before", () =>
                {
                    var ac = new CancellationTokenSource();
                    ac.Cancel();
                    return NodeHttp.Http.Get(Options(ac.Token, true));
                }),
            };
            void Next(int i)
            {
                if (i == steps.Length)
                {
                    server.Close();
                    done(string.Join(" ", log));
                    return;
                }
                EventEmitter emitter = steps[i].Make();
                emitter.Once<Exception>("error", e =>
                {
                    log.Add(steps[i].Tag + "=" + Twin.Code(e));
                    emitter.Once("close", () => Next(i + 1));
                });
            }
            Next(0);
        });
    });
}
