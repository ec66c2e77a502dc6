namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// The server's highWaterMark option (test-http-server-options-highwatermark.js) and the socket handed to
/// <c>'upgrade'</c> and <c>'connect'</c>: each scenario runs in Node (scenarios/ports-f.js) and here.
/// </summary>
public sealed class PortsFTwinTests(PortsFTwinTests.Node node) : IClassFixture<PortsFTwinTests.Node>
{
    /// <summary>The Node process that runs scenarios/ports-f.js.</summary>
    public sealed class Node() : NodeScenarioHost("ports-f.js");

    private static string Marks(IncomingMessage req, ServerResponse res) =>
        string.Join("/", req.ReadableHighWaterMark, res.WritableHighWaterMark, req.Socket!.ReadableHighWaterMark, req.Socket!.WritableHighWaterMark);

    // GETs / from a server made with `options`, whose handler reports Marks; hands the text to `onText`.
    private static void MarksOf(ServerOptions options, Action<string> onText)
    {
        string seen = "";
        Server server = NodeHttp.Http.CreateServer(options, (req, res) => { seen = Marks(req, res); res.End(); });
        Twin.Listen(server, port => NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, UseAgent = false }, res =>
        {
            res.Resume();
            res.On("end", () => { server.Close(); onText(res.StatusCode + " " + seen); });
        }));
    }

    // The server's highWaterMark reaches each request's readable side and each response's writable side, through the
    // socket both sides of which it sets; without it, all four are the default.
    [Fact]
    public Task Http_server_options_highwatermark() => Twin.CheckAsync(node, "server-options-highwatermark",
        "200 32768/32768/32768/32768, 200 16384/16384/16384/16384", done =>
            MarksOf(new ServerOptions { HighWaterMark = 16384 * 2 }, doubled => MarksOf(new ServerOptions(), plain => done(doubled + ", " + plain))));

    // A negative highWaterMark: Node 20 takes the default instead, later Node lines refuse it, as NodeHttp does
    // (docs/differences.md).
    [Fact]
    public Task Http_server_options_highwatermark_negative() => Twin.CheckAsync(node, "server-options-highwatermark-negative",
        "accepted 200 16384/16384/16384/16384", "ERR_OUT_OF_RANGE", done =>
    {
        try
        {
            NodeHttp.Http.CreateServer(new ServerOptions { HighWaterMark = -1 });
        }
        catch (NodeHttpException e)
        {
            done(e.Code);
            return;
        }
        MarksOf(new ServerOptions { HighWaterMark = -1 }, text => done("accepted " + text));
    });

    // One write larger than the response's highWaterMark answers false, and 'drain' follows; under the default it is true.
    private static void BigWrite(ServerOptions options, Action<string> onText)
    {
        string seen = "";
        Server server = NodeHttp.Http.CreateServer(options, (_, res) =>
        {
            seen = "write=" + Twin.B(res.Write(NodeBuffer.Alloc(2000, (byte)'a')));
            if (res.WritableNeedDrain)
            {
                res.Once("drain", () => { seen += " drain"; res.End(); });
            }
            else
            {
                res.End();
            }
        });
        Twin.Listen(server, port => NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, UseAgent = false }, res =>
        {
            int n = 0;
            res.On<NodeBuffer>("data", d => n += d.Length);
            res.On("end", () => { server.Close(); onText(seen + " body=" + n); });
        }));
    }

    [Fact]
    public Task Http_server_options_highwatermark_write() => Twin.CheckAsync(node, "server-options-highwatermark-write",
        "write=false drain body=2000, write=true body=2000", done =>
            BigWrite(new ServerOptions { HighWaterMark = 1000 }, small => BigWrite(new ServerOptions(), plain => done(small + ", " + plain))));

    private static string Flowing(Readable r) => r.ReadableFlowing is bool b ? Twin.B(b) : "null";

    // The socket an 'upgrade' or 'connect' listener gets is neither flowing nor paused; the bytes the peer sends after
    // the head are read into its buffer meanwhile and reach the 'data' listener added later.
    [Fact]
    public Task Upgrade_socket_state() => Twin.CheckAsync(node, "upgrade-socket-state",
        "upgrade paused=false flowing=null head=AAA buffered=5 paused=false data=later; "
        + "connect paused=false flowing=null head=BBB buffered=5 paused=false data=later", done =>
    {
        var results = new Dictionary<string, string>();
        Server server = NodeHttp.Http.CreateServer();
        foreach (string ev in new[] { "upgrade", "connect" })
        {
            server.On<IncomingMessage, Socket, NodeBuffer>(ev, (_, socket, head) =>
            {
                var text = new List<string> { ev, "paused=" + Twin.B(socket.IsPaused()), "flowing=" + Flowing(socket), "head=" + head };
                socket.Write("go");
                long started = Environment.TickCount64;
                void Poll()
                {
                    if (socket.ReadableLength == 0 && Environment.TickCount64 - started < 3000)
                    {
                        Twin.After(10, Poll);
                        return;
                    }
                    text.Add("buffered=" + socket.ReadableLength);
                    text.Add("paused=" + Twin.B(socket.IsPaused()));
                    socket.On<NodeBuffer>("data", d =>
                    {
                        text.Add("data=" + d);
                        results[ev] = string.Join(" ", text);
                        socket.End();
                    });
                }
                Poll();
            });
        }
        Twin.Listen(server, port =>
        {
            int open = 2;
            foreach (string head in new[]
            {
                "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: foo\r\nConnection: upgrade\r\n\r\nAAA",
                "CONNECT x:1 HTTP/1.1\r\nHost: x:1\r\n\r\nBBB",
            })
            {
                Socket c = null!;
                c = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () => c.Write(head));
                c.Once("data", () => c.Write("later"));
                c.On("end", () =>
                {
                    c.End();
                    if (--open == 0)
                    {
                        server.Close();
                        done(results.GetValueOrDefault("upgrade") + "; " + results.GetValueOrDefault("connect"));
                    }
                });
            }
        });
    });

    // The client's side of an upgrade: the socket handed to the request's 'upgrade' is not paused either.
    [Fact]
    public Task Client_upgrade_socket_state() => Twin.CheckAsync(node, "client-upgrade-socket-state",
        "status=101 paused=false flowing=null head=hello", done =>
    {
        Server server = NodeHttp.Http.CreateServer();
        server.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (_, socket, _) =>
            socket.End("HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo\r\nConnection: Upgrade\r\n\r\nhello"));
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions
            {
                Host = "127.0.0.1",
                Port = port,
                UseAgent = false,
                Headers = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["Connection"] = "Upgrade", ["Upgrade"] = "foo" },
            });
            req.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (res, socket, head) =>
            {
                string text = "status=" + res.StatusCode + " paused=" + Twin.B(socket.IsPaused()) + " flowing=" + Flowing(socket) + " head=" + head;
                socket.Resume();
                socket.On("end", () => { socket.End(); server.Close(); done(text); });
            });
            req.End();
        });
    });
}
