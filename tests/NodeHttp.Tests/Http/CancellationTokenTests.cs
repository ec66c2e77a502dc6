using System.Text;

namespace NodeHttp.Tests.Http;

/// <summary>The <c>CancellationToken</c> of the async members: an already-cancelled token gives a cancelled task and
/// does nothing; a token cancelled while waiting stops the wait with <see cref="OperationCanceledException"/>.</summary>
public class CancellationTokenTests
{
    [Fact]
    public async Task InvokeAsync_CancelledBeforeTheLoopRunsIt_DoesNotRunTheWork()
    {
        using var loop = new EventLoop();
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        bool ran = false;
        Task t = loop.InvokeAsync(() => ran = true, cts.Token);
        Assert.True(t.IsCanceled);

        // A token cancelled while the work waits in the queue (the loop is busy).
        using var gate = new ManualResetEventSlim();
        using var cts2 = new CancellationTokenSource();
        Task busy = loop.InvokeAsync(() => gate.Wait(TimeSpan.FromSeconds(10)));
        Task<int> queued = loop.InvokeAsync(() =>
        {
            ran = true;
            return 1;
        }, cts2.Token);
        cts2.Cancel();
        gate.Set();
        await busy.Bounded();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.Bounded());
        await loop.InvokeAsync(() => { }).Bounded();
        Assert.False(ran);

        // An uncancelled token: runs as usual.
        using var cts3 = new CancellationTokenSource();
        Assert.Equal(7, await loop.InvokeAsync(() => 7, cts3.Token).Bounded());
        await loop.InvokeAsync(async () => await Task.Yield(), cts3.Token).Bounded();
    }

    [Fact]
    public async Task ListenAsync_CancelledToken_DoesNotListen()
    {
        using var loop = new EventLoop();
        Server server = await loop.InvokeAsync(() => NodeHttp.Http.CreateServer((req, res) => res.End())).Bounded();
        Task t = server.ListenAsync(0, "127.0.0.1", 511, new CancellationToken(canceled: true));
        Assert.True(t.IsCanceled);
        Assert.False(await loop.InvokeAsync(() => server.Listening).Bounded());
        using var cts = new CancellationTokenSource();
        await server.ListenAsync(0, "127.0.0.1", cancellationToken: cts.Token).Bounded();
        Assert.True(await loop.InvokeAsync(() => server.Listening).Bounded());
        await server.CloseAsync(cts.Token).Bounded();
    }

    [Fact]
    public async Task CloseAsync_Cancelled_DestroysTheConnectionsStillOpen()
    {
        var inHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            res.Write("started");
            inHandler.TrySetResult();
        });
        await using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        await inHandler.Task.Bounded();
        using var cts = new CancellationTokenSource();
        Task closing = server.Server.CloseAsync(cts.Token);
        await Task.Delay(100);
        Assert.False(closing.IsCompleted, "an unfinished response keeps the server open");
        cts.Cancel();
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => closing.Bounded());
        Assert.Equal(cts.Token, ex.CancellationToken);
        string all = await conn.ReadToEndAsync();
        Assert.Contains("started", all, StringComparison.Ordinal);
        Assert.DoesNotContain("0\r\n\r\n", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_CancelledWhileWaitingForDrain_Stops()
    {
        var outcome = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            byte[] block = new byte[256 * 1024];
            try
            {
                // The client reads nothing: sooner or later a write waits for 'drain'.
                while (true)
                {
                    Task w = res.WriteAsync(block, cts.Token);
                    if (!w.IsCompleted)
                    {
                        cts.CancelAfter(50);
                    }
                    await w;
                }
            }
            catch (Exception e)
            {
                outcome.TrySetResult(e);
            }
            res.Destroy();
        });
        await using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Exception? error = await outcome.Task.Bounded();
        var oce = Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.Equal(cts.Token, oce.CancellationToken);
    }

    [Fact]
    public async Task WriteAsync_AlreadyCancelled_WritesNothing_EndAsyncWithData_Sends()
    {
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            Task t = res.WriteAsync("never", new CancellationToken(canceled: true));
            Assert.True(t.IsCanceled);
            await res.WriteAsync("a;");
            await res.EndAsync(Encoding.ASCII.GetBytes("last"));
            Assert.True(res.WritableFinished);
        });
        await using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        string response = await conn.ReadResponseAsync();
        Assert.EndsWith("2\r\na;\r\n4\r\nlast\r\n0\r\n\r\n", response, StringComparison.Ordinal);
        Assert.Empty(server.Uncaught);
    }

    [Fact]
    public async Task EndAsync_Text_FromAnotherThread_CompletesAtFinish()
    {
        var handed = new TaskCompletionSource<ServerResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) => handed.TrySetResult(res));
        await using var conn = await server.ConnectAsync();
        await conn.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        ServerResponse res = await handed.Task.Bounded();
        await Task.Run(() => res.EndAsync("from a pool thread")).Bounded();
        Assert.EndsWith("from a pool thread", await conn.ReadResponseAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextAsync_CancelledMidBody_DiscardsTheRest_AndTheRequestCanStillBeAnswered()
    {
        var cts = new CancellationTokenSource();
        var reading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            Task<string> text = req.TextAsync(cts.Token);
            reading.TrySetResult();
            try
            {
                await text;
                res.End("read");
            }
            catch (OperationCanceledException e) when (e.CancellationToken == cts.Token)
            {
                res.StatusCode = 408;
                res.End("cancelled");
            }
        });
        await using var conn = await server.ConnectAsync();
        await conn.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n0123456789");
        await reading.Task.Bounded();
        cts.Cancel();
        string response = await conn.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 408", response, StringComparison.Ordinal);
        Assert.EndsWith("cancelled", response, StringComparison.Ordinal);
        cts.Dispose();
    }
}
