namespace NodeHttp.Tests.Http;

/// <summary>
/// A request made with <see cref="RequestOptions.CreateConnection"/> and no agent: as in Node, the head and the answer
/// decide whether its connection stays open (Node's <c>shouldKeepAlive</c> is left at its default without an agent).
/// </summary>
public class ClientCreateConnectionKeepAliveTests
{
    [Fact]
    public async Task AKeepAliveRequestTheServerAgreesTo_LeavesTheSocketOpen_ForTheNextRequest()
    {
        var seen = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            int connections = 0;
            Server server = NodeHttp.Http.CreateServer((req, res) => res.End(req.Url!));
            server.On("connection", () => connections++);
            server.Listen(0, "127.0.0.1", () =>
            {
                Socket socket = NodeHttp.Net.CreateConnection(server.Address()!.Port, "127.0.0.1");
                void One(string path, Action after) =>
                    NodeHttp.Http.Request(new RequestOptions
                    {
                        Path = path,
                        Headers = [new("Connection", "keep-alive")],
                        CreateConnection = (_, _) => socket,
                    }, res => NodeHttp.Tests.NodeSuite.Twin.ReadText(res, body =>
                    {
                        seen.Add(body + " " + res.Headers["connection"] + " destroyed=" + socket.Destroyed);
                        after();
                    })).End();
                One("/1", () => One("/2", () =>
                {
                    seen.Add("connections=" + connections);
                    socket.Destroy();
                    server.Close();
                }));
            });
        });
        Assert.Equal(["/1 keep-alive destroyed=False", "/2 keep-alive destroyed=False", "connections=1"], seen);
    }

    [Fact]
    public async Task AGetWithoutAConnectionHeader_SendsClose_AndTheSocketCloses()
    {
        var seen = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((req, res) =>
            {
                seen.Add("request connection=" + req.Headers["connection"]);
                res.End("x");
            });
            server.Listen(0, "127.0.0.1", () =>
            {
                Socket socket = NodeHttp.Net.CreateConnection(server.Address()!.Port, "127.0.0.1");
                socket.On("close", () =>
                {
                    seen.Add("socket closed");
                    server.Close();
                });
                NodeHttp.Http.Request(new RequestOptions { CreateConnection = (_, _) => socket }, res => res.Resume()).End();
            });
        });
        Assert.Equal(["request connection=close", "socket closed"], seen);
    }
}
