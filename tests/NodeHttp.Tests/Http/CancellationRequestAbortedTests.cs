namespace NodeHttp.Tests.Http;

/// <summary><c>IncomingMessage.RequestAborted</c>: fires when the client goes away before the response finished, and
/// not after.</summary>
public class CancellationRequestAbortedTests
{
    [Fact]
    public async Task ClientDisconnectsMidBody_CancelsTheToken()
    {
        var cancelled = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            CancellationToken aborted = req.RequestAborted;
            Assert.True(aborted.CanBeCanceled);
            reading.TrySetResult();
            try
            {
                await Task.Delay(Timeout.Infinite, aborted);
            }
            catch (OperationCanceledException e) when (e.CancellationToken == aborted)
            {
                cancelled.TrySetResult(EventLoop.Current is not null);
            }
        });
        var conn = await server.ConnectAsync();
        await conn.SendAsync("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
        await reading.Task.Bounded();
        await conn.DisposeAsync();
        Assert.True(await cancelled.Task.Bounded(), "the token's callback ran on the server's loop");
    }

    [Fact]
    public async Task ClientDisconnectsWhileTheHandlerWorks_CancelsTheToken_ReadFirstAfterTheDisconnect()
    {
        var gone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            req.Socket!.On("close", () => gone.TrySetResult());
            started.TrySetResult();
            await gone.Task;
            await Task.Yield();
            // Read only now: the token is already cancelled.
            CancellationToken aborted = req.RequestAborted;
            aborted.Register(() => cancelled.TrySetResult());
        });
        var conn = await server.ConnectAsync();
        await conn.SendAsync("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        await started.Task.Bounded();
        await conn.DisposeAsync();
        await cancelled.Task.Bounded();
    }

    [Fact]
    public async Task ResponseFinished_ThenClientLeaves_DoesNotCancel()
    {
        var tokens = new TaskCompletionSource<CancellationToken>(TaskCreationOptions.RunContinuationsAsynchronously);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            CancellationToken aborted = req.RequestAborted;
            req.Socket!.On("close", () => closed.TrySetResult());
            res.End("done");
            tokens.TrySetResult(aborted);
        });
        var conn = await server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.EndsWith("done", await conn.ReadResponseAsync(), StringComparison.Ordinal);
        CancellationToken token = await tokens.Task.Bounded();
        await conn.DisposeAsync();
        await closed.Task.Bounded();
        await server.RunAsync(() => { });
        Assert.False(token.IsCancellationRequested);
    }

    [Fact]
    public async Task ClientResponse_HasNoAbortToken()
    {
        await using var server = await TestServer.StartAsync((req, res) => res.End("x"));
        IncomingMessage res = await NodeHttp.Http.GetAsync($"http://127.0.0.1:{server.Port}/").Bounded();
        Assert.False(res.RequestAborted.CanBeCanceled);
        await res.TextAsync().Bounded();
    }
}
