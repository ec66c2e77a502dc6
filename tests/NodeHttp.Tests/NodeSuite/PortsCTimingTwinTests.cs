using System.Globalization;
using System.Text;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's tests of the server's timers — socket, request and response timeouts, keep-alive timeouts, and the
/// headers/request timeouts checked per interval: each scenario runs in Node (scenarios/ports-c-timing.js) and here.
/// Timing-sensitive, so alone in the Timing collection.
/// </summary>
[Collection("Timing")]
public sealed class PortsCTimingTwinTests(PortsCTimingTwinTests.Node node) : IClassFixture<PortsCTimingTwinTests.Node>
{
    /// <summary>The Node process that runs scenarios/ports-c-timing.js.</summary>
    public sealed class Node() : NodeScenarioHost("ports-c-timing.js");

    private static RequestOptions To(int port, string? path = null, string? method = null) =>
        new() { Host = "127.0.0.1", Port = port, UseAgent = false, Path = path, Method = method };

    private static string S(int value) => value.ToString(CultureInfo.InvariantCulture);

    // A raw connection that keeps its writing side open when the server ends (Node's allowHalfOpen), reading and
    // dropping what it gets; it ends its side once the server's end arrived, so the loop can finish.
    private static Socket HalfOpen(int port, Action<Socket> onConnect)
    {
        var c = new Socket(allowHalfOpen: true);
        c.On<Exception>("error", _ => { });
        c.On("end", () => c.End());
        c.Connect(port, "127.0.0.1", () => onConnect(c));
        c.Resume();
        return c;
    }

    private static void WriteThree(Socket c)
    {
        c.Write("GET /1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
        c.Write("GET /2 HTTP/1.1\r\nHost: localhost\r\n\r\n");
        c.Write("GET /3 HTTP/1.1\r\nHost: localhost\r\n\r\n");
    }

    [Fact]
    public Task Http_server_consumed_timeout() => Twin.CheckAsync(node, "server-consumed-timeout", "status=200 timedOut=false", done =>
    {
        bool timedOut = false;
        Server server = null!;
        server = NodeHttp.Http.CreateServer((req, res) =>
        {
            server.Close();
            res.WriteHead(200);
            res.FlushHeaders();
            req.SetTimeout(200, () => timedOut = true);
            req.Resume();
            req.Once("end", () => res.End());
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = null!;
            req = NodeHttp.Http.Request(To(port, method: "POST"), res =>
            {
                LoopTimer interval = EventLoop.Current!.SetInterval(() => req.Write("a"), 25);
                Twin.After(400, () => { interval.Close(); req.End(); });
                res.Resume();
                res.On("end", () => done("status=" + S(res.StatusCode ?? 0) + " timedOut=" + Twin.B(timedOut)));
            });
            req.Write(".");
        });
    });

    [Fact]
    public Task Http_server_keep_alive_timeout_slow_client_headers() => Twin.CheckAsync(node, "server-keep-alive-timeout-slow-client-headers",
        "handled=2 ok keep-alive,ok keep-alive,second answered,server timeout", done =>
    {
        var ev = new List<string>();
        int handled = 0;
        Server server = NodeHttp.Http.CreateServer((_, res) => { handled++; res.End(); });
        server.KeepAliveTimeout = 100;
        Twin.Listen(server, port =>
        {
            Socket socket = null!;
            void Request(Action then)
            {
                var response = new StringBuilder();
                Action<string> onData = null!;
                onData = chunk =>
                {
                    response.Append(chunk);
                    string r = response.ToString();
                    if (r.Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        socket.RemoveListener("data", onData);
                        ev.Add((r.StartsWith("HTTP/1.1 200 OK\r\n", StringComparison.Ordinal) ? "ok" : "bad")
                            + (r.Contains("Connection: keep-alive\r\n", StringComparison.Ordinal) ? " keep-alive" : " close"));
                        then();
                    }
                };
                socket.On("data", onData);
                // The head arrives in two pieces, further apart than keepAliveTimeout.
                socket.Write("GET / HTTP/1.1\r\nHost: localhost\r\n");
                Twin.After(300, () => socket.Write("Connection: keep-alive\r\n\r\n"));
            }
            socket = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () => Request(() => Request(() => ev.Add("second answered"))));
            socket.SetEncoding("latin1");
            server.OnTimeout(_ => { ev.Add("server timeout"); socket.End(); server.Close(); });
            socket.On("close", () => done("handled=" + S(handled) + " " + string.Join(",", ev)));
        });
    });

    [Fact]
    public Task Http_server_keep_alive_timeout_slow_server() => Twin.CheckAsync(node, "server-keep-alive-timeout-slow-server",
        "/first 200 ok reused=false,/second 200 ok reused=false", done =>
    {
        var ev = new List<string>();
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            if (req.Url == "/first")
            {
                res.End("ok");
                return;
            }
            Twin.After(500, () => res.End("ok"));
        });
        server.KeepAliveTimeout = 200;
        var agent = new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 1 });
        void Request(string path, Action then)
        {
            RequestOptions o = To(server.Address()!.Port, path);
            o.UseAgent = true;
            o.Agent = agent;
            ClientRequest req = null!;
            req = NodeHttp.Http.Request(o, res => Twin.ReadText(res, body =>
            {
                ev.Add(path + " " + S(res.StatusCode ?? 0) + " " + body + " reused=" + Twin.B(req.ReusedSocket));
                then();
            }));
            req.On<Exception>("error", e => { ev.Add(path + " error " + Twin.Code(e)); then(); });
            req.End();
        }
        Twin.Listen(server, _ => Request("/first", () => Request("/second", () =>
        {
            agent.Destroy();
            server.Close();
            done(string.Join(",", ev));
        })));
    });

    // test-http-server-keep-alive-timeout: server.SetTimeout(500) and a 50 ms keepAliveTimeout, three pipelined
    // requests answered (or not): the server's timeout callback gets the idle socket.
    private static void KeepAliveTimeoutTest(bool answer, Action<string> done)
    {
        int handled = 0, timeouts = 0;
        bool gotAll = false, finished = false;
        Server server = null!;
        void Finish(Socket socket)
        {
            if (finished)
            {
                return;
            }
            finished = true;
            socket.Destroy();
            server.Close(_ => done("handled=" + S(handled) + " timedOut=" + Twin.B(timeouts > 0)));
        }
        server = NodeHttp.Http.CreateServer((req, res) =>
        {
            handled++;
            if (answer)
            {
                res.End();
            }
            if (req.Url == "/3")
            {
                gotAll = true;
                if (timeouts > 0)
                {
                    Finish(req.Socket!);
                }
            }
        });
        server.SetTimeout(500, socket =>
        {
            timeouts++;
            if (gotAll)
            {
                Finish(socket);
            }
        });
        server.KeepAliveTimeout = 50;
        Twin.Listen(server, port => HalfOpen(port, WriteThree));
    }

    [Fact]
    public Task Http_server_keep_alive_timeout() => Twin.CheckAsync(node, "server-keep-alive-timeout-answered",
        "handled=3 timedOut=true", done => KeepAliveTimeoutTest(true, done));

    [Fact]
    public Task Http_server_keep_alive_timeout_unanswered() => Twin.CheckAsync(node, "server-keep-alive-timeout-unanswered",
        "handled=3 timedOut=true", done => KeepAliveTimeoutTest(false, done));

    [Fact]
    public Task Http_set_timeout_server() => Twin.CheckAsync(node, "set-timeout-server-server",
        "returns server=true,server timeout,client ECONNRESET", done =>
    {
        var ev = new List<string>();
        Server server = NodeHttp.Http.CreateServer();
        Twin.Listen(server, port =>
        {
            Server s = server.SetTimeout(50, socket => { ev.Add("server timeout"); socket.Destroy(); server.Close(); });
            ev.Add("returns server=" + Twin.B(ReferenceEquals(s, server)));
            NodeHttp.Http.Get(To(port)).On<Exception>("error", e => { ev.Add("client " + Twin.Code(e)); done(string.Join(",", ev)); });
        });
    });

    [Fact]
    public Task Http_set_timeout_server_request() => Twin.CheckAsync(node, "set-timeout-server-request",
        "returns request=true,request timeout,client ECONNRESET", done =>
    {
        var ev = new List<string>();
        Server server = null!;
        server = NodeHttp.Http.CreateServer((req, _) =>
        {
            IncomingMessage s = req.SetTimeout(50, () => { ev.Add("request timeout"); req.Socket!.Destroy(); server.Close(); });
            ev.Add("returns request=" + Twin.B(ReferenceEquals(s, req)));
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(To(port, method: "POST"));
            req.On<Exception>("error", e => { ev.Add("client " + Twin.Code(e)); done(string.Join(",", ev)); });
            req.Write("Hello");
        });
    });

    [Fact]
    public Task Http_set_timeout_server_response() => Twin.CheckAsync(node, "set-timeout-server-response",
        "returns response=true,response timeout,client ECONNRESET", done =>
    {
        var ev = new List<string>();
        Server server = null!;
        server = NodeHttp.Http.CreateServer((_, res) =>
        {
            ServerResponse s = res.SetTimeout(50, () => { ev.Add("response timeout"); res.Socket!.Destroy(); server.Close(); });
            ev.Add("returns response=" + Twin.B(ReferenceEquals(s, res)));
        });
        Twin.Listen(server, port =>
            NodeHttp.Http.Get(To(port)).On<Exception>("error", e => { ev.Add("client " + Twin.Code(e)); done(string.Join(",", ev)); }));
    });

    [Fact]
    public Task Http_set_timeout_server_request_after_end() => Twin.CheckAsync(node, "set-timeout-server-request-after-end",
        "response timeout,server timeout,client ECONNRESET", done =>
    {
        var ev = new List<string>();
        Server server = null!;
        server = NodeHttp.Http.CreateServer((req, res) =>
        {
            req.SetTimeout(50, () => ev.Add("request timeout"));
            res.On("timeout", () => ev.Add("response timeout"));
        });
        server.OnTimeout(socket => { ev.Add("server timeout"); socket.Destroy(); server.Close(); });
        Twin.Listen(server, port =>
            NodeHttp.Http.Get(To(port)).On<Exception>("error", e => { ev.Add("client " + Twin.Code(e)); done(string.Join(",", ev)); }));
    });

    [Fact]
    public Task Http_set_timeout_server_pipeline() => Twin.CheckAsync(node, "set-timeout-server-pipeline", "caught=/2", done =>
    {
        string caught = "";
        bool secondReceived = false;
        Server server = null!;
        server = NodeHttp.Http.CreateServer((req, res) =>
        {
            if (req.Url == "/1")
            {
                res.End();
                return;
            }
            res.SetTimeout(50, () => caught += req.Url);
        });
        server.OnRequest((req, _) => secondReceived |= req.Url == "/2");
        server.OnTimeout(socket =>
        {
            if (!secondReceived)
            {
                return;
            }
            socket.Destroy();
            server.Close(_ => done("caught=" + caught));
        });
        Twin.Listen(server, port => HalfOpen(port, WriteThree));
    });

    [Fact]
    public Task Http_set_timeout_server_idle() => Twin.CheckAsync(node, "set-timeout-server-idle", "returns server=true,server timeout", done =>
    {
        var ev = new List<string>();
        Server server = NodeHttp.Http.CreateServer();
        Server s = server.SetTimeout(50, socket => { ev.Add("server timeout"); socket.Destroy(); server.Close(_ => done(string.Join(",", ev))); });
        ev.Add("returns server=" + Twin.B(ReferenceEquals(s, server)));
        Twin.Listen(server, port => HalfOpen(port, c => c.Write("GET /1 HTTP/1.1\r\nHost: localhost\r\n\r\n")));
    });

    [Fact]
    public Task Http_set_timeout_server_fast() => Twin.CheckAsync(node, "set-timeout-server-fast",
        "handled=true timedOut=true requestTimeout=false", done =>
    {
        bool handled = false, timedOut = false, requestTimeout = false;
        Socket? socketOfTimeout = null;
        Server server = null!;
        void Finish()
        {
            if (!handled || !timedOut)
            {
                return;
            }
            socketOfTimeout!.Destroy();
            server.Close(_ => done("handled=" + Twin.B(handled) + " timedOut=" + Twin.B(timedOut) + " requestTimeout=" + Twin.B(requestTimeout)));
        }
        server = NodeHttp.Http.CreateServer((req, res) =>
        {
            req.On("timeout", () => requestTimeout = true);
            res.End();
            handled = true;
            Finish();
        });
        server.KeepAliveTimeout = 0;
        server.SetTimeout(1, socket =>
        {
            if (timedOut)
            {
                return;
            }
            socketOfTimeout = socket;
            timedOut = true;
            Finish();
        });
        Twin.Listen(server, port => HalfOpen(port, c => c.Write("GET /1 HTTP/1.1\r\nHost: localhost\r\n\r\n")));
    });

    [Fact]
    public Task Http_server_request_timeouts_mixed() => Twin.CheckAsync(node, "server-request-timeouts-mixed",
        "r1=200 r2=408 r3=open r4=open r5=open | r1=200 r2=408 r3=408 r4=200 r5=408", done =>
    {
        const int Headers = 1000;
        const string Part1 = "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20\r\n";
        const string Part2 = "Connection: close\r\n\r\n1234567890";
        const string Part3 = "1234567890";
        Server server = NodeHttp.Http.CreateServer(
            new ServerOptions { HeadersTimeout = Headers, RequestTimeout = Headers * 2, KeepAliveTimeout = 0, ConnectionsCheckingInterval = Headers / 8 },
            (req, res) =>
            {
                req.Resume();
                req.On("end", () => { res.WriteHead(200, [new("Content-Type", "text/plain")]); res.End(); });
            });
        var clients = new List<(Socket Socket, StringBuilder Response, bool[] Completed)>();
        Socket Client()
        {
            Socket socket = NodeHttp.Net.CreateConnection(server.Address()!.Port, "127.0.0.1");
            var response = new StringBuilder();
            bool[] completed = [false];
            socket.SetEncoding("latin1");
            socket.On<string>("data", d => response.Append(d));
            socket.On("end", () => { completed[0] = true; socket.End(); });
            socket.On<Exception>("error", e => response.Append('[').Append(Twin.Code(e)).Append(']'));
            clients.Add((socket, response, completed));
            return socket;
        }
        string State() => string.Join(" ", clients.Select((c, i) =>
            "r" + S(i + 1) + "=" + (c.Completed[0] ? c.Response.ToString().Substring(9, 3) : "open")));
        var report = new List<string>();
        Twin.Listen(server, _ =>
        {
            Socket r1 = Client();
            Socket r2 = null!, r3 = null!, r4 = null!, r5 = null!;
            r1.Write(Part1);
            Twin.After(Headers * 0.2, () => { r2 = Client(); r3 = Client(); r2.Write(Part1); r3.Write(Part1); });
            Twin.After(Headers * 0.6, () => { r4 = Client(); r5 = Client(); r4.Write(Part1); r5.Write(Part1); });
            Twin.After(Headers * 0.8, () =>
            {
                r1.Write(Part2 + Part3);
                r3.Write(Part2);
                r4.Write(Part2);
                r5.Write(Part2);
            });
            Twin.After(Headers * 1.4, () => report.Add(State()));
            Twin.After(Headers * 1.5, () => r4.Write(Part3));
            Twin.After(Headers * 3 + Headers / 8, () =>
            {
                report.Add(State());
                server.Close();
                foreach (var c in clients)
                {
                    c.Socket.Destroy();
                }
                done(string.Join(" | ", report));
            });
        });
    });
}
