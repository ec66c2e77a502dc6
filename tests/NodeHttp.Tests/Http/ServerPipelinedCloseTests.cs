using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace NodeHttp.Tests.Http;

/// <summary>
/// A client that pipelines a flood of requests and leaves before any is answered: closing the queued responses
/// costs the server a bounded amount of work per response, so the loop goes on serving other connections.
/// </summary>
[Collection("Timing")]
public class ServerPipelinedCloseTests(ITestOutputHelper output)
{
    private const int Requests = 20_000;

    // Closing this many queued responses takes tens of milliseconds when each costs O(1); a queue walked per
    // response (remove-from-front, linear membership tests) takes many seconds.
    private static readonly TimeSpan CloseBound = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task PipelinedUnansweredRequests_AllClosedAndNextConnectionServed_WhenTheClientLeaves()
    {
        int received = 0;
        int closed = 0;
        var allReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var allClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            if (req.Url == "/next")
            {
                res.End("next");
                return;
            }
            // Never answered: each response waits in the connection's queue until the socket closes.
            res.On("close", () =>
            {
                if (++closed == Requests)
                {
                    allClosed.TrySetResult();
                }
            });
            if (++received == Requests)
            {
                allReceived.TrySetResult();
            }
        });

        var flood = new StringBuilder(Requests * 32);
        for (int i = 0; i < Requests; i++)
        {
            flood.Append("GET /q HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        RawConnection c = await server.ConnectAsync();
        try
        {
            await c.SendAsync(flood.ToString());
            await allReceived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await c.DisposeAsync();
        }

        var watch = Stopwatch.StartNew();
        await allClosed.Task.WaitAsync(CloseBound + TestServer.Deadline);
        TimeSpan closing = watch.Elapsed;

        await using RawConnection next = await server.ConnectAsync();
        await next.SendAsync("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        string response = await next.ReadResponseAsync();
        TimeSpan served = watch.Elapsed;

        output.WriteLine($"{Requests} queued responses closed in {closing.TotalMilliseconds:F0} ms, next connection served after {served.TotalMilliseconds:F0} ms");
        Assert.Equal(Requests, closed);
        Assert.EndsWith("\r\n\r\nnext", response, StringComparison.Ordinal);
        Assert.True(served < CloseBound, $"{Requests} queued responses closed after {closing.TotalMilliseconds:F0} ms, next connection served after {served.TotalMilliseconds:F0} ms (bound {CloseBound.TotalMilliseconds:F0} ms)");
    }
}
