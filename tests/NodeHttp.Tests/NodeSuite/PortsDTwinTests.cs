namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's http tests that needed a fix or a small API before they could be ported: each scenario runs in Node
/// (scenarios/ports-d.js) and here.
/// </summary>
public sealed class PortsDTwinTests(PortsDTwinTests.Node node) : IClassFixture<PortsDTwinTests.Node>
{
    /// <summary>The Node process that runs scenarios/ports-d.js.</summary>
    public sealed class Node() : NodeScenarioHost("ports-d.js");

    private static RequestOptions To(int port, string? method = null, string? path = null) =>
        new() { Host = "127.0.0.1", Port = port, UseAgent = false, Method = method, Path = path };

    private static string ShowError(Exception? e) => e is null ? "ok" : Twin.Code(e);

    // stream.finished on a server response settles at its 'close', also when attached after it; on a client request
    // likewise (the request closes once its response is done).
    [Fact]
    public Task Http_outgoing_finished() => Twin.CheckAsync(node, "outgoing-finished",
        "server: close,finished ok closed=true,late ok; client: finish,finished ok closed=true,close,late ok", done =>
    {
        var serverEvents = new List<string>();
        var clientEvents = new List<string>();
        int pending = 2;
        void Settle()
        {
            if (--pending == 0)
            {
                done("server: " + string.Join(",", serverEvents) + "; client: " + string.Join(",", clientEvents));
            }
        }
        Server server = null!;
        server = NodeHttp.Http.CreateServer((_, res) =>
        {
            bool closed = false;
            res.On("close", () =>
            {
                closed = true;
                serverEvents.Add("close");
                NodeStream.Finished(res, e => { serverEvents.Add("late " + ShowError(e)); server.Close(); Settle(); });
            });
            res.End();
            NodeStream.Finished(res, e => serverEvents.Add("finished " + ShowError(e) + " closed=" + Twin.B(closed)));
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(To(port, "GET"), res => res.Resume());
            NodeStream.Finished(req, e => clientEvents.Add("finished " + ShowError(e) + " closed=" + Twin.B(req.Closed)));
            req.On("finish", () => clientEvents.Add("finish"));
            req.On("close", () =>
            {
                clientEvents.Add("close");
                NodeStream.Finished(req, e => { clientEvents.Add("late " + ShowError(e)); Settle(); });
            });
            req.End();
        });
    });
    // A paused request with a 'data' listener and an unread body is dumped when its response ends: the 'data'
    // listeners are removed, 'resume' is emitted, and a listener added then still gets the body.
    [Fact]
    public Task Http_dump_req_when_res_ends() => Twin.CheckAsync(node, "dump-req-when-res-ends",
        "socket-data,resume data-listeners=0,response-end data-after-resume=true", done =>
    {
        var ev = new List<string>();
        int dataAfterResume = 0;
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            req.Socket!.Once("data", () =>
            {
                ev.Add("socket-data");
                res.End("hello world");
            });
            req.On("resume", () =>
            {
                ev.Add("resume data-listeners=" + req.ListenerCount("data"));
                req.On<NodeBuffer>("data", _ => dataAfterResume++);
            });
            req.Pause();
            req.On<NodeBuffer>("data", _ => ev.Add("data-before-resume"));
            res.FlushHeaders();
        });
        server.On("close", () => done(string.Join(",", ev) + " data-after-resume=" + Twin.B(dataAfterResume > 0)));
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(To(port, "POST"));
            req.FlushHeaders();
            req.On<IncomingMessage>("response", res =>
            {
                bool pushed = false;
                var body = new Readable(new ReadableOptions
                {
                    Read = (r, _) =>
                    {
                        if (!pushed)
                        {
                            pushed = true;
                            r.Push(NodeBuffer.Alloc(1664, (byte)'x'));
                            r.Push((NodeBuffer?)null);
                        }
                    },
                });
                body.Pipe(req);
                res.Resume();
                res.On("end", () => { ev.Add("response-end"); server.Close(); });
            });
            req.On<Exception>("error", _ => { });
        });
    });
    // A keep-alive POST whose body the handler never reads: once the body backs up the server's socket pauses and the
    // response ends without a dump; the GET queued behind it on the agent (one socket) is then served on the same
    // connection, handed over by the agent's 'free' rather than taken from the pool, so not reusedSocket.
    [Fact]
    public Task Http_no_read_no_dump() => Twin.CheckAsync(node, "no-read-no-dump",
        "post-response 200,server-socket-pause,post-end,post-close,get-response 200 reused=false", done =>
    {
        var ev = new List<string>();
        Action onPause = null!;
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            if (req.Method == "GET")
            {
                res.End();
                return;
            }
            res.WriteHead(200);
            res.FlushHeaders();
            req.Socket!.On("pause", () =>
            {
                ev.Add("server-socket-pause");
                res.End();
                onPause();
            });
            req.On("end", () => ev.Add("post-end"));
            req.On("close", () => ev.Add("post-close"));
        });
        server.On("close", () => done(string.Join(",", ev)));
        Twin.Listen(server, port =>
        {
            var agent = new Agent(new AgentOptions { MaxSockets = 1, KeepAlive = true });
            RequestOptions postOptions = To(port, "POST");
            postOptions.UseAgent = true;
            postOptions.Agent = agent;
            ClientRequest post = null!;
            post = NodeHttp.Http.Request(postOptions, res =>
            {
                ev.Add("post-response " + res.StatusCode);
                res.Resume();
                post.Write(NodeBuffer.Alloc(16 * 1024, (byte)'X'));
                onPause = () => post.End("something");
            });
            post.Write("initial");
            RequestOptions getOptions = To(port, "GET");
            getOptions.UseAgent = true;
            getOptions.Agent = agent;
            ClientRequest get = null!;
            get = NodeHttp.Http.Request(getOptions, res =>
            {
                ev.Add("get-response " + res.StatusCode + " reused=" + Twin.B(get.ReusedSocket));
                server.Close();
                res.Socket!.End();
                agent.Destroy();
            });
            get.End();
        });
    });
    // A readable highWaterMark given to the socket a request's createConnection makes applies to that socket and to
    // the response read from it.
    [Fact]
    public Task Http_incoming_message_options() => Twin.CheckAsync(node, "incoming-message-options",
        "same-socket=true socket=1024 message=1024", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, res) => res.End());
        Twin.Listen(server, port =>
        {
            ClientRequest req = null!;
            RequestOptions options = To(port);
            options.UseAgent = true;
            options.CreateConnection = (o, _) => NodeHttp.Net.CreateConnection(new SocketConnectOptions
            {
                Host = o.Host!,
                Port = o.Port ?? 80,
                ReadableHighWaterMark = 1024,
            });
            req = NodeHttp.Http.Request(options, res =>
            {
                string text = "same-socket=" + Twin.B(ReferenceEquals(res.Socket, req.Socket)) + " socket=" + res.Socket!.ReadableHighWaterMark
                    + " message=" + res.ReadableHighWaterMark;
                res.Resume();
                res.On("end", () => { server.Close(); done(text); });
            });
            req.End();
        });
    });
}
