namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's http tests that carry HTTP over something other than a TCP socket, or hand a server a connection it did not
/// accept: each scenario runs in Node (scenarios/ports-e.js) and here, where a <see cref="Duplex"/> becomes a socket
/// through <see cref="Socket.FromDuplex"/> and a server takes a connection through <c>Emit("connection", …)</c>.
/// </summary>
public sealed class PortsETwinTests(PortsETwinTests.Node node) : IClassFixture<PortsETwinTests.Node>
{
    /// <summary>The Node process that runs scenarios/ports-e.js.</summary>
    public sealed class Node() : NodeScenarioHost("ports-e.js");

    private const string Body = "Hello, World!\n";

    private static string Json(string? text) => text is null ? "undefined" : System.Text.Json.JsonSerializer.Serialize(text);

    private static string Header(IncomingMessage m, string name) => m.Headers.TryGetValue(name, out var v) ? v.ToString() : "undefined";

    private static void Answer(ServerResponse res, bool withLength = false)
    {
        res.StatusCode = 200;
        res.SetHeader("Content-Type", "text/plain");
        if (withLength)
        {
            res.SetHeader("Content-Length", Body.Length);
        }
    }

    // HTTP over an in-memory duplex pair: the server is handed one end, the client's createConnection returns the
    // other. A plain exchange, two keep-alive requests over one pair, chunked and Content-Length bodies with
    // Connection: close (both ends see 'end'), and bytes that are not HTTP ('clientError', no request).
    [Fact]
    public Task Http_generic_streams() => Twin.CheckAsync(node, "generic-streams",
        "plain 200 \"Hello, World!\\n\" requests=1 connects=1; "
        + "keep-alive keep-alive:\"Hello, World!\\n\",keep-alive:\"Hello, World!\\n\" requests=2 connects=2; "
        + "chunked req=\"Hello, World!\\n\" req-length=undefined req-te=chunked res=\"Hello, World!\\n\" res-length=undefined res-te=chunked connection=close; "
        + "length req=\"Hello, World!\\n\" req-length=14 req-te=undefined res=\"Hello, World!\\n\" res-length=14 res-te=undefined connection=close; "
        + "garbage HPE_INVALID_METHOD requests=0", done =>
    {
        var output = new List<string>();
        // A server counting its requests, handed one side of a new pair; the other side, as a socket, is the client's
        // connection.
        (Func<int> Requests, Socket Client) PairedServer()
        {
            int requests = 0;
            Server server = NodeHttp.Http.CreateServer((_, res) =>
            {
                requests++;
                Answer(res);
                res.End(Body);
            });
            var (clientSide, serverSide) = NodeStream.DuplexPair();
            server.Emit("connection", serverSide);
            return (() => requests, Socket.FromDuplex(clientSide));
        }
        var steps = new List<Action<Action>>
        {
            next =>
            {
                var (requests, client) = PairedServer();
                int connects = 0;
                ClientRequest req = NodeHttp.Http.Request(new RequestOptions { CreateConnection = (_, _) => { connects++; return client; } }, res =>
                    Twin.ReadText(res, text =>
                    {
                        output.Add("plain " + res.StatusCode + " " + Json(text) + " requests=" + requests() + " connects=" + connects);
                        next();
                    }));
                req.End();
            },
            next =>
            {
                var (requests, client) = PairedServer();
                int connects = 0;
                var texts = new List<string>();
                void One(Action after)
                {
                    var options = new RequestOptions
                    {
                        CreateConnection = (_, _) => { connects++; return client; },
                        Headers = [new("Connection", "keep-alive")],
                    };
                    NodeHttp.Http.Request(options, res => Twin.ReadText(res, text =>
                    {
                        texts.Add(Header(res, "connection") + ":" + Json(text));
                        after();
                    })).End();
                }
                One(() => One(() =>
                {
                    output.Add("keep-alive " + string.Join(",", texts) + " requests=" + requests() + " connects=" + connects);
                    next();
                }));
            },
            next => Closing(withLength: false, next),
            next => Closing(withLength: true, next),
            next =>
            {
                int requests = 0;
                Server server = NodeHttp.Http.CreateServer((_, _) => requests++);
                var (clientSide, serverSide) = NodeStream.DuplexPair();
                server.Emit("connection", serverSide);
                server.On<Exception>("clientError", e =>
                {
                    output.Add("garbage " + Twin.Code(e) + " requests=" + requests);
                    next();
                });
                clientSide.End("I’m reading a book about anti-gravity. It’s impossible to put down!");
            },
        };

        void Closing(bool withLength, Action next)
        {
            int pending = 3;
            var parts = new List<string>();
            void Settle()
            {
                if (--pending == 0)
                {
                    output.Add((withLength ? "length " : "chunked ") + string.Join(" ", parts));
                    next();
                }
            }
            Server server = NodeHttp.Http.CreateServer((req, res) => Twin.ReadText(req, got =>
            {
                parts.Add("req=" + Json(got) + " req-length=" + Header(req, "content-length") + " req-te=" + Header(req, "transfer-encoding"));
                Answer(res, withLength);
                res.Write(Body);
                res.End();
            }));
            var (clientSide, serverSide) = NodeStream.DuplexPair();
            server.Emit("connection", serverSide);
            clientSide.On("end", Settle);
            serverSide.On("end", Settle);
            Socket client = Socket.FromDuplex(clientSide);
            var options = new RequestOptions { CreateConnection = (_, _) => client, Method = "PUT", Headers = [new("Connection", "close")] };
            ClientRequest req = NodeHttp.Http.Request(options, res => Twin.ReadText(res, text =>
            {
                parts.Add("res=" + Json(text) + " res-length=" + Header(res, "content-length") + " res-te=" + Header(res, "transfer-encoding") + " connection=" + Header(res, "connection"));
                Settle();
            }));
            if (withLength)
            {
                req.SetHeader("Content-Length", Body.Length);
            }
            req.Write(Body);
            req.End();
        }

        void Run(int i)
        {
            if (i == steps.Count)
            {
                done(string.Join("; ", output));
                return;
            }
            steps[i](() => Run(i + 1));
        }
        Run(0);
    });

    // An agent whose connection is a stream replaying a canned chunked response and dropping what is written.
    private sealed class FakeAgent : Agent
    {
        public override Socket? CreateConnection(RequestOptions options, Action<Exception?, Socket?> callback)
        {
            bool once = false;
            var stream = new Duplex(new DuplexOptions
            {
                Read = (d, _) =>
                {
                    if (once)
                    {
                        d.Push((NodeBuffer?)null);
                        return;
                    }
                    once = true;
                    d.Push("HTTP/1.1 200 Ok\r\nTransfer-Encoding: chunked\r\n\r\n");
                    d.Push("b\r\nhello world\r\n");
                    d.Push("0\r\n\r\n");
                },
                Write = (_, _, cb) => cb(null),
            });
            return Socket.FromDuplex(stream);
        }
    }

    [Fact]
    public Task Http_client_readable() => Twin.CheckAsync(node, "client-readable", "200 Ok \"hello world\"", done =>
    {
        var received = new System.Text.StringBuilder();
        ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Agent = new FakeAgent() }, res =>
        {
            res.On<NodeBuffer>("data", chunk => received.Append(chunk.ToString()));
            res.On("end", () => done(res.StatusCode + " " + res.StatusMessage + " " + Json(received.ToString())));
        });
        req.On<Exception>("error", e => done("error " + Twin.Code(e)));
        req.End();
    });

    // Sockets accepted by another server, peeked at and handed to the http server: the byte put back and the rest of
    // the same read each fail the parse on their own, so 'clientError' comes twice, each with its own rawPacket, also
    // after the first listener destroyed the socket. (Node's check that no process warning is raised is not ported.)
    [Fact]
    public Task Http_server_multiple_client_error() => Twin.CheckAsync(node, "server-multiple-client-error",
        "HPE_INVALID_METHOD \"1\"; HPE_INVALID_METHOD \"23 http://example.com HTTP/1.1\\r\\n\\r\\n\" requests=0", done =>
    {
        var seen = new List<string>();
        int requests = 0;
        Server httpServer = NodeHttp.Http.CreateServer((_, _) => requests++);
        void Hand(Socket socket)
        {
            object? first = socket.Read(1);
            if (first is null)
            {
                socket.Once("readable", () => Hand(socket));
                return;
            }
            socket.Unshift((NodeBuffer)first);
            httpServer.Emit("connection", socket);
        }
        NetServer netServer = NodeHttp.Net.CreateServer(Hand);
        httpServer.Once<Exception, Socket>("clientError", (err, socket) =>
        {
            var e = (NodeHttpException)err;
            seen.Add(e.Code + " " + Json(e.RawPacket!.ToString("latin1")));
            socket.Destroy();
            httpServer.Once<Exception>("clientError", err2 =>
            {
                var e2 = (NodeHttpException)err2;
                seen.Add(e2.Code + " " + Json(e2.RawPacket!.ToString("latin1")));
            });
        });
        Twin.Listen(netServer, port =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            c.On("connect", () => c.End("123 http://example.com HTTP/1.1\r\n\r\n"));
            c.On("close", () =>
            {
                netServer.Close();
                Twin.After(50, () => done(string.Join("; ", seen) + " requests=" + requests));
            });
            c.Resume();
        });
    });

    // A CONNECT handler answers the tunnel, then hands its socket back to the server, which takes it as a new
    // connection without failing, and closes. Node counts a connection that has not sent a request yet as busy, so its
    // close waits for the client to go; NodeHttp's close takes it as idle and closes it at once (docs/differences.md).
    [Fact]
    public Task Http_server_unconsume_consume() => Twin.CheckAsync(node, "server-unconsume-consume",
        "connect example.com:443 head=0, client-close, server-close requests=0",
        "connect example.com:443 head=0, server-close requests=0", done =>
    {
        var ev = new List<string>();
        int requests = 0;
        Server server = NodeHttp.Http.CreateServer((_, _) => requests++);
        server.On<IncomingMessage, Socket, NodeBuffer>("connect", (req, socket, head) =>
        {
            ev.Add("connect " + req.Url + " head=" + head.Length);
            socket.Write("HTTP/1.1 200 Connection Established\r\nProxy-agent: Node-Proxy\r\n\r\n");
            server.Emit("connection", socket);
            server.Close(_ =>
            {
                ev.Add("server-close requests=" + requests);
                done(string.Join(", ", ev));
            });
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Host = "127.0.0.1", Port = port, Method = "CONNECT", Path = "example.com:443" }, _ => ev.Add("response"));
            req.On<Exception>("error", e => ev.Add("client-error " + Twin.Code(e)));
            req.On("close", () => ev.Add("client-close"));
            req.End();
        });
    });
}
