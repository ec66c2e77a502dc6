using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace NodeHttp.Tests.Http;

/// <summary><c>Http.RequestAsync</c>/<c>GetAsync</c>: the options' timeout, the cancellation token, and faults that reach
/// the awaiting caller only.</summary>
[Collection("Timing")]
public class AsyncClientTests
{
    // A server that reads requests and never answers; records when each connection closes.
    private static async Task<TestServer> SilentServerAsync(TaskCompletionSource closed) =>
        await TestServer.StartAsync((req, res) => req.Socket!.On("close", () => closed.TrySetResult()));

    [Fact]
    public async Task RequestAsync_Timeout_FaultsWithEtimedout_AndDestroysTheRequest()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SilentServerAsync(closed);
        var sw = Stopwatch.StartNew();
        var ex = await Assert.ThrowsAsync<NodeHttpException>(() => NodeHttp.Http.RequestAsync(
            new RequestOptions { Host = "127.0.0.1", Port = server.Port, Path = "/slow", Timeout = 200 }).Bounded());
        sw.Stop();
        Assert.Equal("ETIMEDOUT", ex.Code);
        Assert.InRange(sw.ElapsedMilliseconds, 150, 5000);
        // The request was destroyed: the server sees its connection close.
        await closed.Task.Bounded();
    }

    [Fact]
    public async Task RequestAsync_Timeout_WhileReadingTheBody_FailsTheRead()
    {
        await using var server = await TestServer.StartAsync((req, res) => res.Write("partial"));
        IncomingMessage res = await NodeHttp.Http.RequestAsync(
            new RequestOptions { Host = "127.0.0.1", Port = server.Port, Timeout = 200 }).Bounded();
        Assert.Equal(200, res.StatusCode);
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => res.TextAsync().Bounded());
        Assert.IsType<NodeHttpException>(ex, exactMatch: false);
    }

    [Fact]
    public async Task RequestAsync_Cancelled_AbortsTheRequest()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SilentServerAsync(closed);
        using var cts = new CancellationTokenSource();
        Task<IncomingMessage> pending = NodeHttp.Http.RequestAsync(
            new RequestOptions { Host = "127.0.0.1", Port = server.Port, Path = "/never" }, default, cts.Token);
        await Task.Delay(100);
        Assert.False(pending.IsCompleted);
        cts.Cancel();
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.Bounded());
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.True(pending.IsCanceled);
        await closed.Task.Bounded();
    }

    [Fact]
    public async Task GetAsync_AlreadyCancelledToken_ReturnsACancelledTask()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Task<IncomingMessage> t = NodeHttp.Http.GetAsync("http://127.0.0.1:1/", cts.Token);
        Assert.True(t.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => t);
    }

    [Fact]
    public async Task RequestAsync_CancelledAfterTheResponse_LeavesTheResponseReadable()
    {
        await using var server = await TestServer.StartAsync((req, res) => res.End("whole"));
        using var cts = new CancellationTokenSource();
        IncomingMessage res = await NodeHttp.Http.GetAsync($"http://127.0.0.1:{server.Port}/", cts.Token).Bounded();
        cts.Cancel();
        Assert.Equal("whole", await res.TextAsync().Bounded());
    }

    [Fact]
    public async Task Run_AwaitedFaults_DoNotEndTheLoopAsUnhandledErrors()
    {
        int closedPort = FreePort();
        string? refused = null;
        string? timedOut = null;
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await SilentServerAsync(closed);
        await LoopRunner.RunAsync(async () =>
        {
            try
            {
                await NodeHttp.Http.GetAsync($"http://127.0.0.1:{closedPort}/");
            }
            catch (NodeHttpException e)
            {
                refused = e.Code;
            }
            try
            {
                await NodeHttp.Http.RequestAsync(new RequestOptions { Host = "127.0.0.1", Port = server.Port, Timeout = 100 });
            }
            catch (NodeHttpException e)
            {
                timedOut = e.Code;
            }
        });
        Assert.Equal("ECONNREFUSED", refused);
        Assert.Equal("ETIMEDOUT", timedOut);
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
