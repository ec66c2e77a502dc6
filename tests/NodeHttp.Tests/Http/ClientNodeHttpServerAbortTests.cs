using System.Collections.Concurrent;

namespace NodeHttp.Tests.Http;

/// <summary>
/// Abort and destroy at each stage between NodeHttp's client and server on one loop. The expected orders, on both
/// sides, were printed by Node 20 running the same scenario with its own client and server in one process.
/// </summary>
public class ClientNodeHttpServerAbortTests
{
    public static TheoryData<string, string, string, string> Stages()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (string transport in new[] { "tcp", "unix" })
        {
            // Abort before the socket: no server events are asserted (whether the connection is accepted before it
            // closes is not part of the contract).
            data.Add(transport, "before-socket", "close,abort", "-");
            data.Add(transport, "destroy-before-socket", "error boom,close", "-");
            data.Add(transport, "after-socket", "socket,abort,error ECONNRESET socket hang up,close", "-");
            // After the head was sent: the client aborts once the server's 'request' fired.
            data.Add(transport, "after-head", "socket,finish,abort,error ECONNRESET socket hang up,close", "request,req close,conn close,res close");
            data.Add(transport, "destroy-after-head", "socket,finish,error ECONNRESET socket hang up,close", "request,req close,conn close,res close");
            data.Add(
                transport,
                "mid-upload",
                "socket,abort,error ECONNRESET socket hang up,close",
                "request,req data,req aborted,conn close,res close,req error ECONNRESET aborted,req close");
            data.Add(
                transport,
                "mid-response",
                "socket,finish,response,data,abort,res aborted,close,res error ECONNRESET aborted,res close",
                "request,req close,conn close,res close");
            data.Add(
                transport,
                "server-destroys",
                "socket,finish,response,data,res aborted,close,res error ECONNRESET aborted,res close",
                "request,req close,conn close,res close");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Stages))]
    public async Task AbortAtEachStage_EventOrder_BothSides_MatchNode(string transport, string stage, string expectedClient, string expectedServer)
    {
        using var ep = ServerEndpoint.Create(transport);
        var (client, server) = await RunAsync(ep, stage);
        Assert.Equal(expectedClient, client);
        if (expectedServer != "-")
        {
            Assert.Equal(expectedServer, server);
        }
    }

    [Theory]
    [InlineData("tcp", "mid-response")]
    [InlineData("tcp", "server-destroys")]
    [InlineData("tcp", "after-head")]
    public async Task ServerResponseClose_AfterConnectionCloseListeners(string transport, string stage)
    {
        using var ep = ServerEndpoint.Create(transport);
        var (_, server) = await RunAsync(ep, stage);
        Assert.Equal("request,req close,conn close,res close", server);
    }

    [Theory]
    [InlineData("tcp", "abort-on-finish", "socket,finish,abort,error ECONNRESET socket hang up,close")]
    [InlineData("tcp", "destroy-on-finish", "socket,finish,error ECONNRESET socket hang up,close")]
    [InlineData("unix", "abort-on-finish", "socket,finish,abort,error ECONNRESET socket hang up,close")]
    public async Task AbortOnFinish_RequestWasSent_ServerSeesIt(string transport, string stage, string expectedClient)
    {
        using var ep = ServerEndpoint.Create(transport);
        var (client, server) = await RunAsync(ep, stage);
        Assert.Equal(expectedClient, client);
        Assert.Equal("request,req close,conn close,res close", server);
    }

    [Fact]
    public async Task Finish_EmittedOnceTheSocketIsConnectedAndTheRequestWritten()
    {
        // Node: finish connecting=false pending=false wl=0 ready=open.
        var seen = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((_, res) => res.End());
            server.Listen(0, "127.0.0.1", () =>
            {
                ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Host = "127.0.0.1", Port = server.Address()!.Port, Agent = new Agent() }, res => res.Resume());
                req.On("finish", () => seen.Enqueue($"finish connecting={req.Socket!.Connecting} wl={req.Socket.WritableLength} ready={req.Socket.ReadyState}"));
                req.On("close", () => server.Close());
                req.End();
            });
        });
        Assert.Equal("finish connecting=False wl=0 ready=open", seen.Single());
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task NoAbort_CompleteExchange_EventOrder(string transport)
    {
        using var ep = ServerEndpoint.Create(transport);
        var (client, server) = await RunAsync(ep, "complete");
        // Node: socket,finish,response,data,res end,res close,close. The request's 'close' follows the socket's
        // close, which races the response's 'close' (next tick after 'end'): Node's order differs whether the server's
        // FIN arrives with the body or in a later read.
        var c = client.Split(',').ToList();
        Assert.True(c.IndexOf("close") > c.IndexOf("res end"), client);
        c.Remove("close");
        Assert.Equal("socket,finish,response,data,res end,res close", string.Join(",", c));
        Assert.Equal("request,res finish,res close,req close,conn close", server);
    }

    private static async Task<(string Client, string Server)> RunAsync(ServerEndpoint ep, string stage)
    {
        var ev = new ConcurrentQueue<string>();
        var sev = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            ClientRequest req = null!;
            ServerResponse? held = null;
            bool clientDone = false, serverDone = stage is "before-socket" or "destroy-before-socket" or "after-socket";
            Server server = null!;
            void MaybeDone()
            {
                if (clientDone && serverDone)
                {
                    server.Close();
                }
            }
            server = NodeHttp.Http.CreateServer((sreq, res) =>
            {
                sev.Enqueue("request");
                sreq.On("aborted", () => sev.Enqueue("req aborted"));
                sreq.On<Exception>("error", e => sev.Enqueue($"req error {((NodeHttpException)e).Code} {e.Message}"));
                sreq.On("close", () => sev.Enqueue("req close"));
                res.On("close", () => sev.Enqueue("res close"));
                res.On("finish", () => sev.Enqueue("res finish"));
                switch (sreq.Url)
                {
                    case "/upload":
                        sreq.Once<NodeBuffer>("data", _ => { sev.Enqueue("req data"); req.Abort(); });
                        sreq.On("end", () => sev.Enqueue("req end"));
                        return;
                    case "/slow":
                        sreq.Resume();
                        held = res;
                        res.Write("part");
                        return;
                    case "/hold":
                        sreq.Resume();
                        if (stage == "after-head")
                        {
                            req.Abort();
                        }
                        else if (stage == "destroy-after-head")
                        {
                            req.Destroy();
                        }
                        return;
                    default:
                        sreq.Resume();
                        res.End("x");
                        return;
                }
            });
            server.On<Socket>("connection", s => s.On("close", () =>
            {
                sev.Enqueue("conn close");
                serverDone = true;
                MaybeDone();
            }));
            ep.Listen(server, () =>
            {
                string path = stage switch
                {
                    "mid-response" or "server-destroys" => "/slow",
                    "after-head" or "destroy-after-head" or "after-socket" or "abort-on-finish" or "destroy-on-finish" => "/hold",
                    "mid-upload" => "/upload",
                    _ => "/",
                };
                bool endsWithResponse = stage is "mid-response" or "server-destroys" or "complete";
                req = NodeHttp.Http.Request(ep.Options(path, stage == "mid-upload" ? "POST" : "GET", new Agent()), res =>
                {
                    ev.Enqueue("response");
                    res.On<NodeBuffer>("data", _ => ev.Enqueue("data"));
                    res.On("aborted", () => ev.Enqueue("res aborted"));
                    res.On<Exception>("error", e => ev.Enqueue($"res error {((NodeHttpException)e).Code} {e.Message}"));
                    res.On("end", () => ev.Enqueue("res end"));
                    res.On("close", () =>
                    {
                        ev.Enqueue("res close");
                        clientDone = true;
                        MaybeDone();
                    });
                    if (stage == "mid-response")
                    {
                        res.Once<NodeBuffer>("data", _ => req.Abort());
                    }
                    else if (stage == "server-destroys")
                    {
                        res.Once<NodeBuffer>("data", _ => held!.Destroy());
                    }
                });
                foreach (string name in new[] { "socket", "finish", "abort" })
                {
                    req.On(name, () => ev.Enqueue(name));
                }
                req.On("close", () =>
                {
                    ev.Enqueue("close");
                    if (!endsWithResponse)
                    {
                        clientDone = true;
                        MaybeDone();
                    }
                });
                req.On<Exception>("error", e => ev.Enqueue(e.Message == "boom" ? "error boom" : $"error {((NodeHttpException)e).Code} {e.Message}"));
                if (stage == "mid-upload")
                {
                    req.Write("part");
                    return;
                }
                req.End();
                switch (stage)
                {
                    case "before-socket":
                        req.Abort();
                        break;
                    case "destroy-before-socket":
                        req.Destroy(new InvalidOperationException("boom"));
                        break;
                    case "after-socket":
                        req.On("socket", () => req.Abort());
                        break;
                    case "abort-on-finish":
                        req.On("finish", () => req.Abort());
                        break;
                    case "destroy-on-finish":
                        req.On("finish", () => req.Destroy());
                        break;
                }
            });
        });
        return (string.Join(",", ev), string.Join(",", sev));
    }
}
