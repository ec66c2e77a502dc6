using System.Text;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's tests of pausing and dumping incoming messages, pipelined requests a handler cuts short, header storage on
/// outgoing messages and folded or oversized heads: each scenario runs in Node (scenarios/ports-b.js) and here.
/// </summary>
public sealed class NodeFilePortsBTests(NodeFilePortsBTests.Node node) : IClassFixture<NodeFilePortsBTests.Node>
{
    /// <summary>The Node process that runs scenarios/ports-b.js.</summary>
    public sealed class Node() : NodeScenarioHost("ports-b.js");

    private static RequestOptions To(int port, string? method = null, string? path = null) =>
        new() { Host = "127.0.0.1", Port = port, UseAgent = false, Method = method, Path = path };

    // Node's fetchText: a request whose response is read as UTF-8 text.
    private static ClientRequest FetchText(RequestOptions options, Action<IncomingMessage, string> onBody) =>
        NodeHttp.Http.Request(options, res => Twin.ReadText(res, b => onBody(res, b)));

    // A header as Node's res.headers shows it in these scenarios: absent is "-", a list joined with "|".
    private static string H(HeaderMap headers, string name) =>
        headers.TryGetValue(name, out var v) ? string.Join("|", v.ToArray()) : "-";

    // JSON.stringify of a string, as Node prints it (quotes escaped with a backslash, not as \u0022).
    private static readonly System.Text.Json.JsonSerializerOptions JsOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text, JsOptions);

    // Every request the handler gets throws; Node reports each as uncaught and leaves the client waiting. NodeHttp
    // reports each too, and answers it 500 (docs/differences.md, "A throwing request handler does not end the
    // process"), so the port waits for the four reports and, here, the four answers.
    [Fact]
    public Task Http_exceptions() => Twin.CheckAsync(node, "exceptions", "uncaught=4 handler failed", "uncaught=4 handler failed statuses=500,500,500,500", done =>
    {
        var statuses = new List<int>();
        int count = 0;
        string last = "";
        Server server = NodeHttp.Http.CreateServer((_, _) => throw new InvalidOperationException("handler failed"));
        void Check()
        {
            if (count == 4 && statuses.Count == 4)
            {
                server.Close();
                done("uncaught=" + count + " " + last + " statuses=" + string.Join(",", statuses));
            }
        }
        EventLoop.Current!.UncaughtException += e => { count++; last = e.Message; Check(); };
        Twin.Listen(server, port =>
        {
            for (int i = 0; i < 4; i++)
            {
                NodeHttp.Http.Get(To(port, path: "/busy/" + i), res =>
                {
                    res.Resume();
                    res.On("end", () => { statuses.Add(res.StatusCode ?? 0); Check(); });
                }).On<Exception>("error", _ => { });
            }
        });
    });

    [Fact]
    public Task Http_multi_line_headers() => Twin.CheckAsync(node, "multi-line-headers",
        "strict:HPE_INVALID_HEADER_TOKEN lenient:\"text/plain; x-unix-mode=0600; name=\\\"hello.txt\\\"\":folded header body", done =>
    {
        const string body = "folded header body";
        string response = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: " + body.Length + "\r\n"
            + "Content-Type: text/plain;\r\n x-unix-mode=0600;\r\n name=\"hello.txt\"\r\n\r\n" + body;
        NetServer server = NodeHttp.Net.CreateServer(c => { c.On<Exception>("error", _ => { }); c.Resume(); c.End(response, "latin1"); });
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            ClientRequest strict = NodeHttp.Http.Get(To(port), _ => log.Add("strict:response"));
            strict.On<Exception>("error", e =>
            {
                log.Add("strict:" + Twin.Code(e));
                RequestOptions lenient = To(port);
                lenient.InsecureHttpParser = true;
                FetchText(lenient, (res, b) =>
                {
                    log.Add("lenient:" + Json(res.Headers["content-type"].ToString()) + ":" + b);
                    server.Close();
                    done(string.Join(" ", log));
                }).End();
            });
        });
    });

    [Fact]
    public Task Http_mutable_headers() => Twin.CheckAsync(node, "mutable-headers",
        "empty:0:0:false:undefined get:testing:testing names:x-test-header,x-test-header2,set-cookie,x-test-array-header "
        + "raw:x-test-header,X-TEST-HEADER2,set-cookie,x-test-array-header "
        + "all:x-test-header=testing,x-test-header2=testing,set-cookie=a=1; path=/|b=2; path=/,x-test-array-header=1|2|3 "
        + "has:truetruetrue removed:falsefalse late:ERR_HTTP_HEADERS_SENT "
        + "headers>201:testing:1, 2, 3:a=1; path=/|b=2; path=/:-:12:-:-:-:true cl:12 late:ERR_HTTP_HEADERS_SENT "
        + "contentLength>201:-:-::-:12:-:-:-:true te:chunked late:ERR_HTTP_HEADERS_SENT "
        + "transferEncoding>201:-:-::-:-:chunked:-:-:true late:ERR_HTTP_HEADERS_SENT "
        + "writeHead>200:-:-::-:-:chunked:bar:baz:true", done =>
    {
        const string content = "hello world\n";
        string[] cookies = ["a=1; path=/", "b=2; path=/"];
        var log = new List<string>();
        string step = "headers";
        static string Or(Microsoft.Extensions.Primitives.StringValues v) => v.Count == 0 ? "undefined" : v.ToString();
        Server server = NodeHttp.Http.CreateServer((_, res) =>
        {
            switch (step)
            {
                case "headers":
                    log.Add($"empty:{res.GetHeaders().Count}:{res.GetHeaderNames().Count}:{Twin.B(res.HasHeader("Connection"))}:{Or(res.GetHeader("Connection"))}");
                    res.SetHeader("x-test-header", "testing");
                    res.SetHeader("X-TEST-HEADER2", "testing");
                    res.SetHeader("set-cookie", cookies);
                    res.SetHeader("x-test-array-header", new[] { "1", "2", "3" });
                    log.Add("get:" + res.GetHeader("x-test-header") + ":" + res.GetHeader("x-test-header2"));
                    log.Add("names:" + string.Join(",", res.GetHeaderNames()));
                    log.Add("raw:" + string.Join(",", res.GetRawHeaderNames()));
                    log.Add("all:" + string.Join(",", res.GetHeaders().Select(h => h.Key + "=" + string.Join("|", h.Value.ToArray()))));
                    log.Add("has:" + Twin.B(res.HasHeader("x-test-header2")) + Twin.B(res.HasHeader("X-TEST-HEADER2")) + Twin.B(res.HasHeader("X-Test-Header2")));
                    res.RemoveHeader("x-test-header2");
                    log.Add("removed:" + Twin.B(res.HasHeader("x-test-header2")) + Twin.B(res.HasHeader("X-Test-Header2")));
                    break;
                case "contentLength":
                    res.SetHeader("content-length", content.Length);
                    log.Add("cl:" + res.GetHeader("Content-Length"));
                    break;
                case "transferEncoding":
                    res.SetHeader("transfer-encoding", "chunked");
                    log.Add("te:" + res.GetHeader("Transfer-Encoding"));
                    break;
                default:
                    res.StatusCode = 404;
                    res.SetHeader("x-foo", "keyboard cat");
                    res.WriteHead(200, [new("x-foo", "bar"), new("x-bar", "baz")]);
                    break;
            }
            res.StatusCode = 201;
            res.End(content);
            try
            {
                res.SetHeader("x-late", "1");
                log.Add("late:set");
            }
            catch (NodeHttpException e)
            {
                log.Add("late:" + e.Code);
            }
        });
        Twin.Listen(server, port =>
        {
            string[] steps = ["headers", "contentLength", "transferEncoding", "writeHead"];
            void Next(int i)
            {
                if (i == steps.Length)
                {
                    server.Close();
                    done(string.Join(" ", log));
                    return;
                }
                step = steps[i];
                FetchText(To(port), (res, b) =>
                {
                    HeaderMap h = res.Headers;
                    string cookie = h.TryGetValue("set-cookie", out var c) ? string.Join("|", c.ToArray()) : "";
                    log.Add(step + ">" + res.StatusCode + ":" + string.Join(":", H(h, "x-test-header"), H(h, "x-test-array-header"), cookie,
                        H(h, "x-test-header2"), H(h, "content-length"), H(h, "transfer-encoding"), H(h, "x-foo"), H(h, "x-bar")) + ":" + Twin.B(b == content));
                    Next(i + 1);
                }).End();
            }
            Next(0);
        });
    });

    [Fact]
    public Task Http_pause() => Twin.CheckAsync(node, "pause", "Request Body from Client|Response Body from Server|req,res", done =>
    {
        var serverGot = new StringBuilder();
        var clientGot = new StringBuilder();
        var ends = new List<string>();
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            req.Pause();
            Twin.After(100, () =>
            {
                req.Resume();
                req.SetEncoding("utf8");
                req.On<string>("data", d => serverGot.Append(d));
                req.On("end", () => { ends.Add("req"); res.WriteHead(200); res.End("Response Body from Server"); });
            });
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(To(port, "POST"), res =>
            {
                res.Pause();
                Twin.After(100, () =>
                {
                    res.Resume();
                    res.SetEncoding("utf8");
                    res.On<string>("data", d => clientGot.Append(d));
                    res.On("end", () => { ends.Add("res"); server.Close(); done(serverGot + "|" + clientGot + "|" + string.Join(",", ends)); });
                });
            });
            req.End("Request Body from Client");
        });
    });

    // Node's _dumped flag is internal; what shows it is a request left paused, its 'data' listener gone, no 'resume'.
    [Fact]
    public Task Http_pause_no_dump() => Twin.CheckAsync(node, "pause-no-dump", "finish:flowing=false:paused=true:data=0 status:200", done =>
    {
        var log = new List<string>();
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            req.Once<NodeBuffer>("data", _ =>
            {
                req.Pause();
                req.On("resume", () => log.Add("resume"));
                res.WriteHead(200);
                res.End();
                res.On("finish", () => log.Add($"finish:flowing={(req.ReadableFlowing is bool f ? Twin.B(f) : "null")}:paused={Twin.B(req.IsPaused())}:data={req.ListenerCount("data")}"));
            });
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(To(port, "POST"), res =>
            {
                log.Add("status:" + res.StatusCode);
                res.Resume();
                res.On("end", () => { server.Close(); done(string.Join(" ", log)); });
            });
            req.End(new byte[1024].Select(_ => (byte)'x').ToArray());
        });
    });

    // Node's file drives its internal parser by hand; the same two reads over a socket: a 100 Continue, then the
    // final response in a later read.
    [Fact]
    public Task Http_parser_multiple_execute() => Twin.CheckAsync(node, "parser-multiple-execute", "continue,information:100,response:200,end", done =>
    {
        NetServer server = NodeHttp.Net.CreateServer(c => c.Once<NodeBuffer>("data", _ =>
        {
            c.Write("HTTP/1.1 100 Continue\r\n\r\n");
            Twin.After(20, () => c.End("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
        }));
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            ClientRequest req = NodeHttp.Http.Request(To(port));
            req.On("continue", () => log.Add("continue"));
            req.OnInformation(i => log.Add("information:" + i.StatusCode));
            req.OnResponse(res =>
            {
                log.Add("response:" + res.StatusCode);
                res.Resume();
                res.On("end", () => { log.Add("end"); server.Close(); done(string.Join(",", log)); });
            });
            req.End();
        });
    });

    [Fact]
    public Task Http_many_ended_pipelines() => Twin.CheckAsync(node, "many-ended-pipelines",
        "handled=20 HTTP/1.1 200 OK\r\nDate: X\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok[closed]", done =>
    {
        int handled = 0;
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            handled++;
            res.End("ok");
            req.Socket!.Destroy();
        });
        const string one = "GET / HTTP/1.1\r\nHost: some.host.name\r\n\r\n\r\n";
        Twin.Listen(server, port => Twin.RawExchange(port, [string.Concat(Enumerable.Repeat(one, 20))],
            reply => server.Close(_ => done("handled=" + handled + " " + reply))));
    });

    [Fact]
    public Task Http_incoming_pipelined_socket_destroy() => Twin.CheckAsync(node, "incoming-pipelined-socket-destroy",
        "312341234:" + Json("HTTP/1.1 200 OK\r\nDate: X\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n6\r\nworld!\r\n0\r\n\r\n[closed]")
        + " 234:" + Json("[closed]") + " 431:" + Json("[closed]")
        + " 332:" + Json(string.Concat(Enumerable.Repeat("HTTP/1.1 200 OK\r\nDate: X\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nhello \r\n6\r\nworld!\r\n0\r\n\r\n", 2)) + "[closed]"), done =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            switch (req.Url)
            {
                case "/1":
                    Twin.After(1, () => req.Socket!.Destroy());
                    break;
                case "/2":
                    EventLoop.Current!.NextTick(() => res.Destroy());
                    break;
                case "/3":
                    res.Write("hello ");
                    Twin.After(1, () => res.End("world!"));
                    break;
                default:
                    res.Destroy();
                    break;
            }
        });
        int[][] runs = [[3, 1, 2, 3, 4, 1, 2, 3, 4], [2, 3, 4], [4, 3, 1], [3, 3, 2]];
        var output = new List<string>();
        Twin.Listen(server, port =>
        {
            void Next(int i)
            {
                if (i == runs.Length)
                {
                    server.Close(_ => done(string.Join(" ", output)));
                    return;
                }
                string text = string.Concat(runs[i].Select(r => "GET /" + r + " HTTP/1.1\r\nHost: localhost\r\n\r\n\r\n"));
                Twin.RawExchange(port, [text], reply => { output.Add(string.Concat(runs[i]) + ":" + Json(reply)); Next(i + 1); });
            }
            Next(0);
        });
    });

    // An 'error' emitted on the socket after part of a response: the connection closes, nothing follows the part.
    [Fact]
    public Task Http_header_badrequest() => Twin.CheckAsync(node, "header-badrequest",
        Json("HTTP/1.1 200 OK\r\nDate: X\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nasd\r\n[closed]"), done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, res) => res.Write("asd", callback: _ => res.Socket!.Emit("error", new InvalidOperationException("kaboom"))));
        Twin.Listen(server, port => Twin.RawExchange(port, ["GET /blah HTTP/1.1\r\nHost: example.com\r\n\r\n"], reply => server.Close(_ => done(Json(reply)))));
    });

    [Fact]
    public Task Http_get_pipeline_problem() => Twin.CheckAsync(node, "get-pipeline-problem", "10 " + string.Join(",", Enumerable.Repeat("same", 10)), done =>
    {
        byte[] image = new byte[60000];
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (byte)((i * 7919 + (i >> 8)) & 0xff);
        }
        const int total = 10;
        int requests = 0;
        var agent = new Agent(new AgentOptions { MaxSockets = 1 });
        Server server = null!;
        server = NodeHttp.Http.CreateServer((_, res) =>
        {
            if (++requests == total)
            {
                server.Close();
            }
            Twin.After(1, () =>
            {
                res.WriteHead(200, [new("content-type", "image/jpeg"), new("connection", "close"), new("content-length", image.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
                res.End(image);
            });
        });
        Twin.Listen(server, port =>
        {
            var results = new List<string>();
            for (int i = 0; i < total; i++)
            {
                NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent, Headers = [new("connection", "close")] }, res =>
                {
                    var body = new MemoryStream();
                    res.On<NodeBuffer>("data", d => body.Write(d.Span));
                    res.On("end", () =>
                    {
                        results.Add(body.ToArray().AsSpan().SequenceEqual(image) ? "same" : "differs");
                        if (results.Count == total)
                        {
                            done(requests + " " + string.Join(",", results));
                        }
                    });
                });
            }
        });
    });

    // Node checks the option handed to connect; here the sockets themselves are asked for TCP_NODELAY.
    [Fact]
    public Task Http_nodelay() => Twin.CheckAsync(node, "nodelay", "server=true client=true status=200", done =>
    {
        bool serverSocket = false;
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            serverSocket = req.Socket!.Handle!.Os!.NoDelay;
            res.WriteHead(200);
            res.End();
        });
        Twin.Listen(server, port =>
        {
            var agent = new Agent(new AgentOptions { NoDelay = true });
            NodeHttp.Http.Request(new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent }, res =>
            {
                bool clientSocket = res.Socket!.Handle!.Os!.NoDelay;
                res.Resume();
                res.On("end", () =>
                {
                    res.Socket!.End();
                    agent.Destroy();
                    server.Close();
                    done($"server={Twin.B(serverSocket && new ServerOptions().NoDelay)} client={Twin.B(clientSocket)} status={res.StatusCode}");
                });
            }).End();
        });
    });

    [Fact]
    public Task Http_highwatermark() => Twin.CheckAsync(node, "highwatermark",
        "writes=false,false responses=2 bytes=6553892 "
        + Json("HTTP/1.1 400 Bad Request\r\nConnection: close\r\nDate: X\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n[closed]"), done =>
    {
        var writes = new List<string>();
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            writes.Add(Twin.B(res.Write(new string('x', req.Socket!.WritableHighWaterMark * 200))));
            res.End();
        });
        Twin.Listen(server, port =>
        {
            var output = new List<string>();
            long bytes = 0;
            var text = new StringBuilder();
            Socket c = null!;
            c = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () =>
            {
                const string one = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
                c.Write(one);
                c.Write(one, callback: _ => Twin.Immediate(() => c.Resume()));
                c.End();
            });
            c.Pause();
            c.On<NodeBuffer>("data", d => { bytes += d.Length; text.Append(d.ToString("latin1")); });
            c.On("end", () =>
            {
                int responses = System.Text.RegularExpressions.Regex.Matches(text.ToString(), "HTTP/1\\.1 200 OK").Count;
                output.Add("writes=" + string.Join(",", writes) + " responses=" + responses + " bytes=" + bytes);
                Twin.RawExchange(port, ["GET / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\n\r\n"], reply =>
                {
                    output.Add(Json(reply));
                    server.Close(_ => done(string.Join(" ", output)));
                });
            });
        });
    });

    // 'finish' comes only once everything is flushed, in the same tick as the end callback; NodeHttp runs the end
    // callback first (docs/differences.md, "A response's end is not finished within End()").
    [Fact]
    public Task Http_outgoing_finish() => Twin.CheckAsync(node, "outgoing-finish",
        "ClientRequest:backpressure,finish:endcb=false,endcb:finish=true,tick:endcb=true ServerResponse:backpressure,finish:endcb=false,endcb:finish=true,tick:endcb=true",
        "ClientRequest:backpressure,endcb:finish=false,finish:endcb=true,tick:endcb=true ServerResponse:backpressure,endcb:finish=false,finish:endcb=true,tick:endcb=true", done =>
    {
        var logs = new Dictionary<string, List<string>>();
        int pending = 3;
        Server server = null!;
        void Finish()
        {
            if (--pending == 0)
            {
                server.Close();
                done(string.Join(" ", new[] { "ClientRequest", "ServerResponse" }.Select(n => n + ":" + string.Join(",", logs[n]))));
            }
        }
        byte[] buf = Enumerable.Repeat((byte)'x', 16 * 1024).ToArray();
        void Write(OutgoingMessage output, string name)
        {
            var log = logs[name] = [];
            while (output.Write(buf))
            {
            }
            log.Add("backpressure");
            bool finished = false;
            bool ended = false;
            output.On("finish", () =>
            {
                finished = true;
                log.Add("finish:endcb=" + Twin.B(ended));
                EventLoop.Current!.NextTick(() => { log.Add("tick:endcb=" + Twin.B(ended)); Finish(); });
            });
            output.End(buf, () =>
            {
                ended = true;
                log.Add("endcb:finish=" + Twin.B(finished));
            });
        }
        server = NodeHttp.Http.CreateServer((req, res) =>
        {
            req.Resume();
            req.On("end", () => Write(res, "ServerResponse"));
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(To(port, "PUT"));
            Write(req, "ClientRequest");
            req.OnResponse(res => { res.Resume(); res.On("end", Finish); });
        });
    });

    [Fact]
    public Task Http_outgoing_end_cork() => Twin.CheckAsync(node, "outgoing-end-cork", "requests=2 corked=0 endcb got:22 reused:write=false drain got:16484", done =>
    {
        var log = new List<string>();
        var seen = new HashSet<Socket>();
        bool reused = false;
        Server server = NodeHttp.Http.CreateServer((_, res) =>
        {
            if (seen.Contains(res.Socket!))
            {
                reused = true;
                bool ok = res.Write(new byte[res.Socket!.WritableHighWaterMark + 100]);
                log.Add("reused:write=" + Twin.B(ok));
                res.Once("drain", () => { log.Add("drain"); res.End(); });
            }
            else
            {
                seen.Add(res.Socket!);
                res.End("regular end of request", "utf8", () => log.Add("endcb"));
                log.Add("corked=" + res.WritableCorked);
                res.End();
            }
        });
        Twin.Listen(server, port =>
        {
            var agent = new Agent(new AgentOptions { KeepAlive = true });
            int n = 0;
            void Next()
            {
                n++;
                NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent }, res =>
                {
                    long total = 0;
                    res.On<NodeBuffer>("data", d => total += d.Length);
                    res.On("end", () =>
                    {
                        log.Add("got:" + total);
                        if (reused)
                        {
                            agent.Destroy();
                            server.Close();
                            done("requests=" + n + " " + string.Join(" ", log));
                        }
                        else
                        {
                            Twin.Immediate(Next);
                        }
                    });
                });
            }
            Next();
        });
    });

    [Fact]
    public Task Http_max_header_size_per_stream() => Twin.CheckAsync(node, "max-header-size-per-stream",
        "1:49152 2:HPE_HEADER_OVERFLOW 3:HTTP/1.1 200 OK:true 4:HPE_HEADER_OVERFLOW 4:" + Json("[closed]"), done =>
    {
        string big = new('A', NodeHttp.Http.MaxHeaderSize * 3);
        var output = new List<string>();
        NetServer raw = NodeHttp.Net.CreateServer(c =>
        {
            c.On<Exception>("error", _ => { });
            c.Resume();
            c.End("HTTP/1.1 200 OK\r\nHello: " + big + "\r\nContent-Length: 0\r\n\r\n");
        });
        Twin.Listen(raw, rawPort =>
        {
            RequestOptions raisedOptions = To(rawPort);
            raisedOptions.MaxHeaderSize = NodeHttp.Http.MaxHeaderSize * 4;
            NodeHttp.Http.Request(raisedOptions, res =>
            {
                output.Add("1:" + res.Headers["hello"].ToString().Length);
                res.Resume();
                res.On("end", () =>
                {
                    ClientRequest plain = NodeHttp.Http.Request(To(rawPort), _ => output.Add("2:response"));
                    plain.On<Exception>("error", e =>
                    {
                        output.Add("2:" + Twin.Code(e));
                        raw.Close();
                        const string text = "Hello, World!\n";
                        Server server = NodeHttp.Http.CreateServer(new ServerOptions { MaxHeaderSize = NodeHttp.Http.MaxHeaderSize * 4 }, (_, s) =>
                        {
                            s.SetHeader("Content-Type", "text/plain");
                            s.End(text);
                        });
                        server.OnClientError((err, _) => output.Add("3:clientError:" + Twin.Code(err)));
                        Twin.Listen(server, port => Twin.RawExchange(port, ["GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\nHello: " + big + "\r\n\r\n"], reply =>
                        {
                            output.Add("3:" + reply.Split("\r\n")[0] + ":" + Twin.B(reply.EndsWith(text + "[closed]", StringComparison.Ordinal)));
                            server.Close();
                            Server strict = NodeHttp.Http.CreateServer((_, _) => output.Add("4:request"));
                            strict.OnClientError((err, socket) => { output.Add("4:" + Twin.Code(err)); socket.Destroy(); });
                            Twin.Listen(strict, port2 => Twin.RawExchange(port2, ["GET / HTTP/1.1\r\nHello: " + big + "\r\n\r\n"], reply2 =>
                            {
                                output.Add("4:" + Json(reply2));
                                strict.Close(_ => done(string.Join(" ", output)));
                            }));
                        }));
                    });
                    plain.End();
                });
            }).End();
        });
    });

    // Node's writeInPieces: 100-byte writes, each after the last one's callback, then end.
    private static void WriteInPieces(Socket socket, string text)
    {
        int at = 0;
        void Next()
        {
            if (socket.Destroyed)
            {
                return;
            }
            if (at >= text.Length)
            {
                socket.End();
                return;
            }
            string piece = text.Substring(at, Math.Min(100, text.Length - at));
            at += piece.Length;
            socket.Write(piece, callback: _ => Next());
        }
        Next();
    }

    // The limit counts the method or status, URL, names and values, not separators or line ends.
    private static string HeadFill(string start, int counted, bool valid) =>
        start + new string('a', (16 * 1024) - counted - (valid ? 1 : 0)) + "\r\n\r\n";

    [Fact]
    public Task Http_max_http_headers() => Twin.CheckAsync(node, "max-http-headers",
        "response-false:HPE_HEADER_OVERFLOW request-false:HPE_HEADER_OVERFLOW request-false:reply: request-true:handler:16353 "
        + "request-true:reply:HTTP/1.1 200 OK response-true:200:16359", done =>
    {
        var output = new List<string>();
        string ResponseHead(bool valid) => HeadFill("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-CRASH: ", 2 + 14 + 1 + 7, valid);
        string RequestHead(bool valid) => HeadFill("GET / HTTP/1.1\r\nHost: localhost\r\nAgent: nod2\r\nX-CRASH: ", 1 + 4 + 9 + 5 + 4 + 7, valid);
        string V(bool valid) => Twin.B(valid);
        void Response(bool valid, Action next)
        {
            NetServer raw = NodeHttp.Net.CreateServer(s =>
            {
                s.On<Exception>("error", _ => { });
                s.Once<NodeBuffer>("data", _ => WriteInPieces(s, ResponseHead(valid)));
                s.Resume();
            });
            Twin.Listen(raw, port =>
            {
                ClientRequest req = NodeHttp.Http.Get(To(port), res =>
                {
                    output.Add("response-" + V(valid) + ":" + res.StatusCode + ":" + res.Headers["x-crash"].ToString().Length);
                    res.Resume();
                    res.On("end", () => raw.Close(_ => next()));
                });
                req.On<Exception>("error", e => { output.Add("response-" + V(valid) + ":" + Twin.Code(e)); raw.Close(_ => next()); });
            });
        }
        void Request(bool valid, Action next)
        {
            Server server = NodeHttp.Http.CreateServer((q, s) => { output.Add("request-" + V(valid) + ":handler:" + q.Headers["x-crash"].ToString().Length); s.End("hello"); });
            server.OnClientError((e, socket) => { output.Add("request-" + V(valid) + ":" + Twin.Code(e)); socket.Destroy(); });
            Twin.Listen(server, port =>
            {
                Socket c = null!;
                c = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () => WriteInPieces(c, RequestHead(valid)));
                var got = new StringBuilder();
                c.SetEncoding("latin1");
                c.On<string>("data", d => got.Append(d));
                c.On<Exception>("error", _ => { });
                c.On("close", () => { output.Add("request-" + V(valid) + ":reply:" + got.ToString().Split("\r\n")[0]); server.Close(_ => next()); });
            });
        }
        Response(false, () => Request(false, () => Request(true, () => Response(true, () => done(string.Join(" ", output))))));
    });

    // Node's file widens a race by delaying the client socket's write callbacks; the port keeps the scenario:
    // a hundred Expect: 100-continue requests in turn on one keep-alive socket, each ended a timer tick late.
    [Fact]
    public Task Http_expect_continue_reuse_race() => Twin.CheckAsync(node, "expect-continue-reuse-race", "answered=100 errors=0 sockets=1", done =>
    {
        var agent = new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 1 });
        var ports = new HashSet<int>();
        int errors = 0;
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            ports.Add(req.Socket!.RemotePort ?? 0);
            req.On<Exception>("error", _ => errors++);
            res.WriteHead(200);
            res.End();
        });
        Twin.Listen(server, port =>
        {
            int answered = 0;
            void Next(int i)
            {
                if (i == 100)
                {
                    agent.Destroy();
                    server.Close();
                    done("answered=" + answered + " errors=" + errors + " sockets=" + ports.Count);
                    return;
                }
                ClientRequest req = NodeHttp.Http.Request(new RequestOptions
                {
                    Host = "127.0.0.1",
                    Port = port,
                    Agent = agent,
                    Method = "POST",
                    Headers = [new("Content-Length", "0"), new("Expect", "100-continue")],
                }, res =>
                {
                    if (res.StatusCode == 200)
                    {
                        answered++;
                    }
                    res.Resume();
                    res.Once("end", () => Next(i + 1));
                });
                req.On<Exception>("error", _ => { errors++; Next(i + 1); });
                Twin.After(0, () => req.End(Array.Empty<byte>()));
            }
            Next(0);
        });
    });

    // Node's headerText: a map as name=value(s), several values joined with '/'.
    private static string HeaderText(IEnumerable<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>> map) =>
        string.Join(",", map.Select(h => h.Key + "=" + string.Join("/", h.Value.ToArray())));

    [Fact]
    public Task Http_multiple_headers() => Twin.CheckAsync(node, "multiple-headers",
        "req.raw:connection|close|X-Req-a|eee|X-Req-a|fff|X-Req-a|ggg|X-Req-a|hhh|X-Req-b|iii; jjj; kkk; lll|Host|HOST|Transfer-Encoding|chunked ; "
        + "req.headers:connection=close,x-req-a=eee, fff, ggg, hhh,x-req-b=iii; jjj; kkk; lll,host=HOST,transfer-encoding=chunked ; "
        + "req.distinct:connection=close,x-req-a=eee/fff/ggg/hhh,x-req-b=iii; jjj; kkk; lll,host=HOST,transfer-encoding=chunked ; "
        + "req.rawTrailers:x-req-x|xxx|x-req-x|yyy|X-req-Y|zzz; www ; req.trailers:x-req-x=xxx, yyy,x-req-y=zzz; www ; "
        + "req.trailersDistinct:x-req-x=xxx/yyy,x-req-y=zzz; www ; append:ERR_HTTP_HEADERS_SENT ; "
        + "res.get:AAA/BBB/CCC,DDD/EEE/FFF/GGG,HHH/III,close ; res.names:x-res-a|x-res-b|connection|x-res-c|x-res-d ; "
        + "res.rawNames:X-Res-a|X-Res-b|Connection|x-res-c|x-res-d ; "
        + "res.headers:x-res-a=AAA/BBB/CCC,x-res-b=DDD/EEE/FFF/GGG,connection=close,x-res-c=HHH/III,x-res-d=JJJ/KKK/LLL ; "
        + "res.raw:X-Res-a|AAA|X-Res-a|BBB|X-Res-a|CCC|X-Res-b|DDD; EEE; FFF; GGG|Connection|close|x-res-c|HHH|x-res-c|III|x-res-d|JJJ; KKK; LLL|Transfer-Encoding|chunked ; "
        + "res.headers:x-res-a=AAA, BBB, CCC,x-res-b=DDD; EEE; FFF; GGG,connection=close,x-res-c=HHH, III,x-res-d=JJJ; KKK; LLL,transfer-encoding=chunked ; "
        + "res.distinct:x-res-a=AAA/BBB/CCC,x-res-b=DDD; EEE; FFF; GGG,connection=close,x-res-c=HHH/III,x-res-d=JJJ; KKK; LLL,transfer-encoding=chunked ; "
        + "res.rawTrailers:x-res-x|XXX|x-res-x|YYY|X-Res-Y|ZZZ; WWW ; res.trailers:x-res-x=XXX, YYY,x-res-y=ZZZ; WWW ; res.trailersDistinct:x-res-x=XXX/YYY,x-res-y=ZZZ; WWW", done =>
    {
        var output = new List<string>();
        Server server = NodeHttp.Http.CreateServer(new ServerOptions { UniqueHeaders = ["x-res-b", "x-res-d", "x-res-y"] }, (req, res) =>
        {
            string host = req.Headers["host"].ToString();
            string NoHost(string text) => text.Replace(host, "HOST", StringComparison.Ordinal);
            output.Add("req.raw:" + NoHost(string.Join("|", req.RawHeaders)));
            output.Add("req.headers:" + NoHost(HeaderText(req.Headers)));
            output.Add("req.distinct:" + NoHost(HeaderText(req.HeadersDistinct)));
            req.On("end", () =>
            {
                output.Add("req.rawTrailers:" + string.Join("|", req.RawTrailers));
                output.Add("req.trailers:" + HeaderText(req.Trailers));
                output.Add("req.trailersDistinct:" + HeaderText(req.TrailersDistinct));
                res.SetHeader("X-Res-a", "AAA");
                res.AppendHeader("x-res-a", new[] { "BBB", "CCC" });
                res.SetHeader("X-Res-b", new[] { "DDD", "EEE" });
                res.AppendHeader("x-res-b", new[] { "FFF", "GGG" });
                res.RemoveHeader("date");
                res.WriteHead(200, [new("Connection", "close"), new("x-res-c", new[] { "HHH", "III" }), new("x-res-d", new[] { "JJJ", "KKK", "LLL" })]);
                res.AddTrailers([new("x-res-x", new[] { "XXX", "YYY" }), new("X-Res-Y", new[] { "ZZZ", "WWW" })]);
                res.Write("BODY");
                res.End();
                try
                {
                    res.AppendHeader("x-late", "v");
                    output.Add("append:ok");
                }
                catch (NodeHttpException e)
                {
                    output.Add("append:" + e.Code);
                }
                static string All(Microsoft.Extensions.Primitives.StringValues v) => string.Join("/", v.ToArray());
                output.Add("res.get:" + All(res.GetHeader("X-Res-a")) + "," + All(res.GetHeader("x-res-b")) + "," + All(res.GetHeader("x-res-c")) + "," + res.GetHeader("connection"));
                output.Add("res.names:" + string.Join("|", res.GetHeaderNames()));
                output.Add("res.rawNames:" + string.Join("|", res.GetRawHeaderNames()));
                output.Add("res.headers:" + HeaderText(res.GetHeaders()));
            });
            req.Resume();
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions
            {
                Host = "127.0.0.1",
                Port = port,
                Path = "/",
                Method = "POST",
                Headers = [new("connection", "close"), new("x-req-a", "aaa"), new("X-Req-a", "bbb"), new("X-Req-b", new[] { "ccc", "ddd" })],
                UniqueHeaders = ["x-req-b", "x-req-y"],
            }, res =>
            {
                output.Add("res.raw:" + string.Join("|", res.RawHeaders));
                output.Add("res.headers:" + HeaderText(res.Headers));
                output.Add("res.distinct:" + HeaderText(res.HeadersDistinct));
                res.On("end", () =>
                {
                    output.Add("res.rawTrailers:" + string.Join("|", res.RawTrailers));
                    output.Add("res.trailers:" + HeaderText(res.Trailers));
                    output.Add("res.trailersDistinct:" + HeaderText(res.TrailersDistinct));
                    server.Close(_ => done(string.Join(" ; ", output)));
                });
                res.Resume();
            });
            req.SetHeader("X-Req-a", new[] { "eee", "fff" });
            req.AppendHeader("X-req-a", new[] { "ggg", "hhh" });
            req.SetHeader("X-Req-b", new[] { "iii", "jjj" });
            req.AppendHeader("x-req-b", new[] { "kkk", "lll" });
            req.AddTrailers([new("x-req-x", new[] { "xxx", "yyy" }), new("X-req-Y", new[] { "zzz", "www" })]);
            req.Write("BODY");
            req.End();
        });
    });

    // Node 20.20 has the option; NodeHttp's ServerOptions.RejectNonStandardBodyWrites is it.
    [Fact]
    public Task Http_head_throw_on_response_body_write() => Twin.CheckAsync(node, "head-throw-on-response-body-write",
        "204:wrote:true 204:0 204-reject:ERR_HTTP_BODY_NOT_ALLOWED:Adding content for this request method or response status is not allowed. 204:0 "
        + "head:wrote:true 200:0 head-reject:ERR_HTTP_BODY_NOT_ALLOWED:Adding content for this request method or response status is not allowed. 200:0", done =>
    {
        var output = new List<string>();
        (string Kind, string Method, bool Reject)[] cases = [("204", "GET", false), ("204", "GET", true), ("head", "HEAD", false), ("head", "HEAD", true)];
        void Next(int i)
        {
            if (i == cases.Length)
            {
                done(string.Join(" ", output));
                return;
            }
            var (kind, method, reject) = cases[i];
            Server server = NodeHttp.Http.CreateServer(new ServerOptions { RejectNonStandardBodyWrites = reject }, (_, res) =>
            {
                if (kind == "204")
                {
                    res.WriteHead(204);
                }
                string r;
                try
                {
                    r = "wrote:" + Twin.B(res.Write("this is content"));
                }
                catch (NodeHttpException e)
                {
                    r = e.Code + ":" + e.Message;
                }
                res.End();
                output.Add(kind + (reject ? "-reject" : "") + ":" + r);
            });
            Twin.Listen(server, port => FetchText(To(port, method), (res, b) =>
            {
                output.Add(res.StatusCode + ":" + b.Length);
                server.Close(_ => Next(i + 1));
            }).End());
        }
        Next(0);
    });

    // The fix behind no-read-no-dump's port: a request body that backs up pauses the socket, and the socket says so.
    [Fact]
    public Task Socket_pause_on_body_backpressure() => Twin.CheckAsync(node, "socket-pause-on-body-backpressure", "200:paused", done =>
    {
        Server server = NodeHttp.Http.CreateServer((req, res) => req.Socket!.Once("pause", () => res.End("paused")));
        Twin.Listen(server, port =>
        {
            ClientRequest req = null!;
            req = FetchText(To(port, "POST"), (res, b) => { req.Destroy(); server.Close(); done(res.StatusCode + ":" + b); });
            req.On<Exception>("error", _ => { });
            req.Write(Enumerable.Repeat((byte)'y', 256 * 1024).ToArray());
        });
    });
}
