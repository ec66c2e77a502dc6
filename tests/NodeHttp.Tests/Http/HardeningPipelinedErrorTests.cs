namespace NodeHttp.Tests.Http;

/// <summary>
/// Valid pipelined requests followed, in the same packet, by a malformed one: the valid ones are answered, in
/// order, before the 400 that closes the connection, also when their handlers answer later. (Node 20 writes the 400
/// at once and destroys the socket, so the answers not yet written are lost.)
/// </summary>
public class HardeningPipelinedErrorTests
{
    private const string Valid = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";

    public static TheoryData<string> Malformed => new()
    {
        "GET /c HTTP/1.1\r\nHo st: x\r\n\r\n",
        "BAD\r\n\r\n",
        "GET /c HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n",
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task AsyncAnswers_ComeBeforeThe400(string malformed)
    {
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            // Answered on a later turn of the loop, after the whole packet was parsed.
            LoopOf(req).SetTimeout(() => res.End("ok " + req.Url), 20);
        });
        string all = await ExchangeToEndAsync(server.Port, Valid + malformed);
        AssertTwoAnswersThen400(all);
        Assert.Empty(server.Uncaught);
    }

    [Fact]
    public async Task SyncAnswers_ComeBeforeThe400()
    {
        await using var server = await TestServer.StartAsync((req, res) => res.End("ok " + req.Url));
        string all = await ExchangeToEndAsync(server.Port, Valid + "BAD\r\n\r\n");
        AssertTwoAnswersThen400(all);
    }

    [Fact]
    public async Task Lenient_AsyncAnswers_ComeBeforeThe400()
    {
        await using var server = await TestServer.StartAsync(
            (req, res) => LoopOf(req).SetTimeout(() => res.End("ok " + req.Url), 20),
            new ServerOptions { StrictRequests = false });
        string all = await ExchangeToEndAsync(server.Port, Valid + "BAD\r\n\r\n");
        AssertTwoAnswersThen400(all);
    }

    [Fact]
    public async Task ClientErrorListener_GetsTheErrorAtOnce()
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        ServerResponse? pending = null;
        await using var server = await TestServer.StartAsync(
            (req, res) => pending ??= res,
            new ServerOptions(),
            s => s.On<Exception, Socket>("clientError", (e, sock) =>
            {
                seen.TrySetResult(((NodeHttpException)e).Code);
                sock.Destroy();
            }));
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET /a HTTP/1.1\r\nHost: x\r\n\r\nBAD\r\n\r\n");
        Assert.Equal("HPE_INVALID_METHOD", await seen.Task.WaitAsync(TestServer.Deadline));
    }

    private static EventLoop LoopOf(IncomingMessage req) => req.Socket!.Loop;

    private static async Task<string> ExchangeToEndAsync(int port, string bytes)
    {
        await using RawConnection c = await RawConnection.ConnectAsync(port);
        await c.SendAsync(bytes);
        return await c.ReadToEndAsync();
    }

    private static void AssertTwoAnswersThen400(string all)
    {
        int a = all.IndexOf("ok /a", StringComparison.Ordinal);
        int b = all.IndexOf("ok /b", StringComparison.Ordinal);
        int bad = all.IndexOf("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n", StringComparison.Ordinal);
        Assert.True(a >= 0 && b > a && bad > b, "expected /a, /b, then 400; got: " + all);
        Assert.EndsWith("\r\n\r\n", all, StringComparison.Ordinal);
        Assert.DoesNotContain("/c", all, StringComparison.Ordinal);
    }
}
