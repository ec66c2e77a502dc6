namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's tests of the events both sides see when the other goes away mid-message, when callbacks throw, and of
/// CONNECT tunnels: each scenario runs in Node (scenarios/client-events.js) and here.
/// </summary>
public sealed class ClientEventsTwinTests(ClientEventsTwinTests.Node node) : IClassFixture<ClientEventsTwinTests.Node>
{
    /// <summary>The Node process that runs scenarios/client-events.js.</summary>
    public sealed class Node() : NodeScenarioHost("client-events.js");

    private static RequestOptions To(int port, string? path = null, string? method = null) =>
        new() { Host = "127.0.0.1", Port = port, UseAgent = false, Path = path, Method = method };

    // Node's onUncaught: counts the loop's uncaught exceptions until the returned action removes the handler.
    private static Action OnUncaught(Action<Exception> handler)
    {
        EventLoop loop = EventLoop.Current!;
        loop.UncaughtException += handler;
        return () => loop.UncaughtException -= handler;
    }

    [Fact]
    public Task Http_aborted() => Twin.CheckAsync(node, "aborted", "aborted,error:ECONNRESET:aborted,close", done =>
    {
        var ev = new List<string>();
        ClientRequest? clientReq = null;
        Server? server = null;
        server = NodeHttp.Http.CreateServer((q, _) =>
        {
            q.On("aborted", () => ev.Add("aborted"));
            q.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e) + ":" + e.Message));
            q.On("close", () => { ev.Add("close"); server!.Close(); done(string.Join(",", ev)); });
            clientReq!.Destroy();
        });
        Twin.Listen(server, port =>
        {
            clientReq = NodeHttp.Http.Request(To(port, method: "POST"));
            clientReq.On<Exception>("error", _ => { });
            clientReq.Write("x");
        });
    });

    [Fact]
    public Task Http_client_aborted_event() => Twin.CheckAsync(node, "client-aborted-event", "data,aborted,res-error:ECONNRESET:aborted,res-close", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => { s.Write("part"); Twin.After(50, () => s.Destroy()); });
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            ClientRequest req = NodeHttp.Http.Get(To(port), res =>
            {
                res.On<NodeBuffer>("data", _ => ev.Add("data"));
                res.On("aborted", () => ev.Add("aborted"));
                res.On<Exception>("error", e => ev.Add("res-error:" + Twin.Code(e) + ":" + e.Message));
                res.On("end", () => ev.Add("end"));
                res.On("close", () => { ev.Add("res-close"); server.Close(); done(string.Join(",", ev)); });
            });
            req.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
        });
    });

    [Fact]
    public Task Http_abort_client() => Twin.CheckAsync(node, "abort-client", "data,aborted,res-error:ECONNRESET,res-close", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.Write("part"));
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            NodeHttp.Http.Get(To(port), res =>
            {
                res.Once<NodeBuffer>("data", _ => { ev.Add("data"); res.Socket!.Destroy(); });
                res.On("aborted", () => ev.Add("aborted"));
                res.On<Exception>("error", e => ev.Add("res-error:" + Twin.Code(e)));
                res.On("end", () => ev.Add("end"));
                res.On("close", () =>
                {
                    ev.Add("res-close");
                    server.CloseAllConnections();
                    server.Close();
                    done(string.Join(",", ev));
                });
            }).On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
        });
    });

    [Fact]
    public Task Http_abort_stream_end() => Twin.CheckAsync(node, "abort-stream-end", "aborts=1 aborted=true dataAfterAbort=0 partial=true", done =>
    {
        const int Total = 1024 * 1024;
        Server server = NodeHttp.Http.CreateServer((_, s) =>
        {
            s.WriteHead(200, [new("content-length", Total.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            byte[] piece = new byte[16 * 1024];
            Array.Fill(piece, (byte)'x');
            int sent = 0;
            void More()
            {
                while (sent < Total)
                {
                    sent += piece.Length;
                    if (!s.Write(piece))
                    {
                        s.Once("drain", More);
                        return;
                    }
                }
                s.End();
            }
            More();
        });
        Twin.Listen(server, port =>
        {
            int size = 0, aborts = 0, afterAbort = 0;
            ClientRequest? req = null;
            req = NodeHttp.Http.Get(To(port), res => res.On<NodeBuffer>("data", d =>
            {
                if (aborts > 0)
                {
                    afterAbort++;
                }
                size += d.Length;
                if (size >= 64 * 1024 && aborts == 0)
                {
                    req!.Abort();
                }
            }));
            req.On("abort", () => aborts++);
            req.On<Exception>("error", _ => { });
            req.On("close", () => Twin.After(50, () =>
            {
                server.CloseAllConnections();
                server.Close();
                done($"aborts={aborts} aborted={Twin.B(req.Aborted)} dataAfterAbort={afterAbort} partial={Twin.B(size < Total)}");
            }));
        });
    });

    [Fact]
    public Task Http_client_spurious_aborted() => Twin.CheckAsync(node, "client-spurious-aborted", "/full end bytes=102400 | /short aborted,error:ECONNRESET bytes=102390", done =>
    {
        const int N = 100 * 1024;
        Server server = NodeHttp.Http.CreateServer((q, s) =>
        {
            s.WriteHead(200, [new("content-length", N.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            if (q.Url == "/short")
            {
                s.Write(new byte[N - 10]);
                Twin.After(50, () => s.Socket!.Destroy());
            }
            else
            {
                Socket socket = s.Socket!;
                s.End((ReadOnlyMemory<byte>)new byte[N], () => socket.Destroy());
            }
        });
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            void Next(string[] paths)
            {
                if (paths.Length == 0)
                {
                    server.Close();
                    done(string.Join(" | ", log));
                    return;
                }
                var ev = new List<string>();
                int n = 0;
                NodeHttp.Http.Get(To(port, paths[0]), res =>
                {
                    res.On<NodeBuffer>("data", d => n += d.Length);
                    res.On("aborted", () => ev.Add("aborted"));
                    res.On<Exception>("error", e => ev.Add("error:" + Twin.Code(e)));
                    res.On("end", () => ev.Add("end"));
                    res.On("close", () => { log.Add(paths[0] + " " + string.Join(",", ev) + " bytes=" + n); Next(paths[1..]); });
                }).On<Exception>("error", e => ev.Add("req-error:" + Twin.Code(e)));
            }
            Next(["/full", "/short"]);
        });
    });

    [Fact]
    public Task Http_client_abort() => Twin.CheckAsync(node, "client-abort", "requests=8 aborted=8", done =>
    {
        int aborted = 0, seen = 0;
        var reqs = new List<ClientRequest>();
        Server? server = null;
        server = NodeHttp.Http.CreateServer((q, s) =>
        {
            q.On("aborted", () =>
            {
                if (++aborted == 8)
                {
                    server!.Close();
                    done("requests=" + seen + " aborted=" + aborted);
                }
            });
            s.Write("part");
            seen++;
        });
        Twin.Listen(server, port =>
        {
            int responses = 0;
            for (int i = 0; i < 8; i++)
            {
                ClientRequest req = NodeHttp.Http.Get(To(port), res =>
                {
                    res.Resume();
                    if (++responses == 8)
                    {
                        foreach (ClientRequest r in reqs)
                        {
                            r.Abort();
                        }
                    }
                });
                req.On<Exception>("error", _ => { });
                reqs.Add(req);
            }
        });
    });

    [Fact]
    public Task Http_client_abort_destroy() => Twin.CheckAsync(node, "client-abort-destroy",
        "abort::close aborted=true destroyed=true destroy:error:ECONNRESET:close aborted=false destroyed=true destroy-err:error:boom:close aborted=false destroyed=true destroy-after-end::close aborted=false destroyed=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End("x"));
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            void Watch(string label, ClientRequest req, Action next)
            {
                var ev = new List<string>();
                req.On("abort", () => ev.Add("abort"));
                req.On<Exception>("error", e => ev.Add("error:" + (e is NodeHttpException n ? n.Code : e.Message)));
                req.On("close", () =>
                {
                    log.Add(label + ":" + string.Join("+", ev) + ":close aborted=" + Twin.B(req.Aborted) + " destroyed=" + Twin.B(req.Destroyed));
                    next();
                });
            }
            ClientRequest r1 = NodeHttp.Http.Get(To(port));
            Watch("abort", r1, () =>
            {
                ClientRequest r2 = NodeHttp.Http.Get(To(port));
                Watch("destroy", r2, () =>
                {
                    ClientRequest r3 = NodeHttp.Http.Get(To(port));
                    Watch("destroy-err", r3, () =>
                    {
                        ClientRequest? r4 = null;
                        r4 = NodeHttp.Http.Get(To(port), res =>
                        {
                            res.Resume();
                            res.On("end", () => r4!.Destroy());
                        });
                        Watch("destroy-after-end", r4, () => { server.Close(); done(string.Join(" ", log)); });
                    });
                    r3.Destroy(new InvalidOperationException("boom"));
                });
                r2.Destroy();
            });
            r1.Abort();
        });
    });

    [Fact]
    public Task Http_client_abort_no_agent() => Twin.CheckAsync(node, "client-abort-no-agent", "socket-destroyed=true seen=0", done =>
    {
        int seen = 0;
        Server server = NodeHttp.Http.CreateServer((_, s) => { seen++; s.End(); });
        Twin.Listen(server, port =>
        {
            Socket? sock = null;
            var options = new RequestOptions { CreateConnection = (_, _) => sock = NodeHttp.Net.CreateConnection(port, "127.0.0.1") };
            ClientRequest req = NodeHttp.Http.Get(options);
            req.On<Exception>("error", _ => { });
            req.Abort();
            req.On("close", () => Twin.After(100, () => { server.Close(); done("socket-destroyed=" + Twin.B(sock!.Destroyed) + " seen=" + seen); }));
        });
    });

    [Fact]
    public Task Http_client_close_with_default_agent() => Twin.CheckAsync(node, "client-close-with-default-agent", "closed fast=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End("ok"));
        Twin.Listen(server, port => NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port }, res =>
        {
            res.Resume();
            res.On("end", () => Twin.Immediate(() =>
            {
                var started = System.Diagnostics.Stopwatch.StartNew();
                server.Close(_ => done("closed fast=" + Twin.B(started.ElapsedMilliseconds < 1000)));
            }));
        }));
    });

    [Fact]
    public Task Http_destroyed_socket_write2() => Twin.CheckAsync(node, "destroyed-socket-write2", "error:reset-or-pipe,close res=null", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, _) => q.Socket!.Destroy());
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            ClientRequest req = NodeHttp.Http.Request(To(port, method: "POST"), _ => ev.Add("response"));
            bool gotResponse = false;
            req.On<IncomingMessage>("response", _ => gotResponse = true);
            req.On<Exception>("error", e => ev.Add("error:" + (Twin.Code(e) is "ECONNRESET" or "EPIPE" ? "reset-or-pipe" : Twin.Code(e))));
            req.On("close", () => { ev.Add("close res=" + (gotResponse ? "set" : "null")); server.Close(); done(string.Join(",", ev)); });
            void Write()
            {
                if (req.Destroyed)
                {
                    return;
                }
                req.Write(new byte[1024]);
                Twin.After(5, Write);
            }
            Write();
        });
    });

    [Fact]
    public Task Http_dns_error() => Twin.CheckAsync(node, "dns-error", "get:lookup-failed request:lookup-failed", done =>
    {
        var log = new List<string>();
        static string Norm(string c) => c is "ENOTFOUND" or "EAI_AGAIN" or "EAI_FAIL" ? "lookup-failed" : c;
        NodeHttp.Http.Get(new RequestOptions { Host = "this.name.does.not.exist.invalid", Port = 80 }).On<Exception>("error", e =>
        {
            log.Add("get:" + Norm(Twin.Code(e)));
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Host = "this.name.does.not.exist.invalid", Port = 80, Agent = new Agent() });
            req.On<Exception>("error", e2 => { log.Add("request:" + Norm(Twin.Code(e2))); done(string.Join(" ", log)); });
            req.End();
        });
    });

    [Fact]
    public Task Http_default_port() => Twin.CheckAsync(node, "default-port", "host=127.0.0.1", done =>
    {
        Server? server = null;
        server = NodeHttp.Http.CreateServer((q, s) => s.End(q.Headers["host"].ToString().Replace(server!.Address()!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "PORT", StringComparison.Ordinal)));
        Twin.Listen(server, port => NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", DefaultPort = port, UseAgent = false }, res =>
            Twin.ReadText(res, b => { server.Close(); done("host=" + b); })));
    });

    [Fact]
    public Task Http_createConnection() => Twin.CheckAsync(node, "createConnection", "returns=/returns callback=/callback both=/both throws=error:nope callback-error=error:cb-nope", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) => s.End(q.Url!));
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            var shapes = new List<(string Name, Func<RequestOptions, Action<Exception?, Socket?>, Socket?> Create)>
            {
                ("returns", (_, _) => NodeHttp.Net.CreateConnection(port, "127.0.0.1")),
                ("callback", (_, cb) => { cb(null, NodeHttp.Net.CreateConnection(port, "127.0.0.1")); return null; }),
                ("both", (_, cb) => { Socket s = NodeHttp.Net.CreateConnection(port, "127.0.0.1"); cb(null, s); return s; }),
                ("throws", (_, _) => throw new InvalidOperationException("nope")),
                ("callback-error", (_, cb) => { cb(new InvalidOperationException("cb-nope"), null); return null; }),
            };
            void Next(int i)
            {
                if (i == shapes.Count)
                {
                    server.Close();
                    done(string.Join(" ", log));
                    return;
                }
                bool reported = false;
                void Report(string t)
                {
                    if (!reported)
                    {
                        reported = true;
                        log.Add(shapes[i].Name + "=" + t);
                        Next(i + 1);
                    }
                }
                try
                {
                    var options = new RequestOptions { Path = "/" + shapes[i].Name, CreateConnection = shapes[i].Create! };
                    ClientRequest req = NodeHttp.Http.Get(options, res => Twin.ReadText(res, Report));
                    req.On<Exception>("error", e => Report("error:" + e.Message));
                }
                catch (Exception e)
                {
                    Report("threw:" + e.Message);
                }
            }
            Next(0);
        });
    });

    [Fact]
    public Task Http_catch_uncaughtexception() => Twin.CheckAsync(node, "catch-uncaughtexception", "uncaught:thrown in response,close", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End("ok"));
        Twin.Listen(server, port =>
        {
            var ev = new List<string>();
            Action off = OnUncaught(e => ev.Add("uncaught:" + e.Message));
            ClientRequest req = NodeHttp.Http.Get(To(port), res => { res.Resume(); throw new InvalidOperationException("thrown in response"); });
            req.On("close", () => { ev.Add("close"); Twin.Immediate(() => { off(); server.Close(); done(string.Join(",", ev)); }); });
        });
    });

    [Fact]
    public Task Http_end_throw_socket_handling() => Twin.CheckAsync(node, "end-throw-socket-handling", "answered=10 uncaught=10", done =>
    {
        int uncaught = 0, answered = 0;
        Action off = OnUncaught(_ => uncaught++);
        Server server = NodeHttp.Http.CreateServer((_, s) =>
        {
            s.End("ok");
            s.On("finish", () => throw new InvalidOperationException("thrown after end"));
        });
        Twin.Listen(server, port =>
        {
            for (int i = 0; i < 10; i++)
            {
                NodeHttp.Http.Get(To(port), res =>
                {
                    res.Resume();
                    res.On("end", () =>
                    {
                        if (++answered == 10)
                        {
                            Twin.After(50, () => { off(); server.Close(); done("answered=" + answered + " uncaught=" + uncaught); });
                        }
                    });
                });
            }
        });
    });

    [Fact]
    public Task Http_client_req_error_dont_double_fire() => Twin.CheckAsync(node, "client-req-error-dont-double-fire", "errors=1 uncaught:from error listener", done =>
    {
        NetServer probe = NodeHttp.Net.CreateServer();
        Twin.Listen(probe, port => probe.Close(_ =>
        {
            int errors = 0;
            var seen = new List<string>();
            Action off = OnUncaught(e => seen.Add("uncaught:" + e.Message));
            ClientRequest req = NodeHttp.Http.Get(To(port));
            req.On<Exception>("error", _ =>
            {
                // The 200 ms in which a second 'error' would show are counted from the first. Counted from the request,
                // as Node's scenario does, they can run out on a busy machine before the refused connect is reported.
                if (++errors == 1)
                {
                    Twin.After(200, () => { off(); done("errors=" + errors + " " + string.Join(",", seen)); });
                }
                throw new InvalidOperationException("from error listener");
            });
        }));
    });

    [Fact]
    public Task Http_connect_req_res() => Twin.CheckAsync(node, "connect-req-res", "status=200 head=early tunnel=echo:ping", done =>
    {
        Server server = NodeHttp.Http.CreateServer(new ServerOptions());
        server.OnConnect((_, socket, _) =>
        {
            socket.Write("HTTP/1.1 200 Connection established\r\n\r\nearly");
            socket.On<NodeBuffer>("data", d => socket.End("echo:" + d.ToString("utf8")));
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(To(port, "example.com:443", "CONNECT"));
            req.OnConnect((res, socket, head) =>
            {
                var log = new List<string> { "status=" + res.StatusCode, "head=" + head.ToString("utf8") };
                var b = new System.Text.StringBuilder();
                socket.On<NodeBuffer>("data", d => b.Append(d.ToString("utf8")));
                socket.On("end", () => { log.Add("tunnel=" + b); socket.End(); server.Close(); done(string.Join(" ", log)); });
                socket.Write("ping");
            });
            req.End();
        });
    });

    [Fact]
    public Task Http_after_connect() => Twin.CheckAsync(node, "after-connect", "plain /a,plain /b,plain /c,tunnel=hi", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) => s.End("plain " + q.Url));
        server.OnConnect((_, socket, _) =>
        {
            socket.Write("HTTP/1.1 200 Connection established\r\n\r\n");
            socket.On<NodeBuffer>("data", d => socket.End(d));
        });
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Host = "127.0.0.1", Port = port, Method = "CONNECT", Path = "x:1" });
            req.OnConnect((_, socket, _) =>
            {
                socket.On<NodeBuffer>("data", d => log.Add("tunnel=" + d.ToString("utf8")));
                socket.On("end", () =>
                {
                    socket.End();
                    int n = 0;
                    foreach (string p in new[] { "/a", "/b", "/c" })
                    {
                        NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Path = p }, r => Twin.ReadText(r, b =>
                        {
                            log.Add(b);
                            if (++n == 3)
                            {
                                server.Close();
                                log.Sort(StringComparer.Ordinal);
                                done(string.Join(",", log));
                            }
                        }));
                    }
                });
                socket.Write("hi");
            });
            req.End();
        });
    });
}
