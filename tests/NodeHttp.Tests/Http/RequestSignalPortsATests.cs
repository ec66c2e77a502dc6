namespace NodeHttp.Tests.Http;

/// <summary>
/// <see cref="RequestOptions.Signal"/>, Node's <c>signal</c> request option, beyond the Node twin
/// (AgentClientPortsATests.Http_agent_abort_controller): a token may be cancelled on any thread, and a socket asked
/// for with a cancelled token never connects.
/// </summary>
public class RequestSignalPortsATests
{
    private static string Code(Exception e) => e is NodeHttpException n ? n.Code : e.GetType().Name;

    [Fact]
    public async Task Signal_CancelledOnAnotherThread_DestroysTheRequestOnItsLoop()
    {
        using var cts = new CancellationTokenSource();
        var events = new List<string>();
        int loopThread = -1;
        int errorThread = -2;
        await LoopRunner.RunAsync(() =>
        {
            loopThread = Environment.CurrentManagedThreadId;
            Server server = NodeHttp.Http.CreateServer((_, _) => { });
            server.On<IncomingMessage, ServerResponse>("request", (_, _) => Task.Run(cts.Cancel));
            server.Listen(0, "127.0.0.1", () =>
            {
                ClientRequest req = NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = server.Address()!.Port, UseAgent = false, Signal = cts.Token });
                req.On<Exception>("error", e =>
                {
                    errorThread = Environment.CurrentManagedThreadId;
                    events.Add("error:" + Code(e) + ":" + e.Message);
                });
                req.On("close", () =>
                {
                    events.Add("close destroyed=" + req.Destroyed);
                    server.Close();
                });
            });
        });
        Assert.Equal(["error:ABORT_ERR:The operation was aborted", "close destroyed=True"], events);
        Assert.Equal(loopThread, errorThread);
    }

    [Fact]
    public async Task Signal_AlreadyCancelled_NoConnectionIsMade()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var events = new List<string>();
        int connections = 0;
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((_, s) => s.End("ok"));
            server.OnConnection(_ => connections++);
            server.Listen(0, "127.0.0.1", () =>
            {
                var agent = new Agent();
                Socket socket = agent.CreateConnection(new RequestOptions { Host = "127.0.0.1", Port = server.Address()!.Port, Signal = cts.Token }, (_, _) => { })!;
                socket.On<Exception>("error", e => events.Add("error:" + Code(e)));
                socket.On("close", () =>
                {
                    events.Add("close");
                    EventLoop.Current!.SetTimeout(() => server.Close(), 50);
                });
            });
        });
        Assert.Equal(["error:ABORT_ERR", "close"], events);
        Assert.Equal(0, connections);
    }
}
