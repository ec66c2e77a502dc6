using System.Diagnostics;
using System.Net.Sockets;

namespace NodeHttp.Tests.Http;

/// <summary>
/// examples/DrainServer as a supervisor sees it: <c>kill -TERM</c> during a slow request; the request is answered
/// (with <c>Connection: close</c>), new connections are refused, and the process exits 0 within its drain timeout.
/// </summary>
[Collection("Timing")]
public class DrainServerExampleTests
{
    [Fact]
    public async Task DrainServer_SigtermDuringASlowRequest_AnswersIt_ThenExitsZero()
    {
        await using var server = DrainServerProcess.Start("--port", "0", "--drain-ms", "10000");
        int port = await server.WaitListeningAsync();
        Task<string> slow = DrainServerProcess.GetAsync(port, "/slow?ms=1500", keepAlive: true);
        await server.WaitLineAsync(l => l == "slow request: 1500 ms");

        var clock = Stopwatch.StartNew();
        await server.TerminateAsync();
        await server.WaitLineAsync(l => l.StartsWith("draining", StringComparison.Ordinal));
        await AssertRefusesNewConnectionsAsync(port);

        // Read until the server closed the connection: it does so right after this answer.
        string response = await slow;
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.Contains("\r\nConnection: close\r\n", response, StringComparison.Ordinal);
        Assert.Equal("slow 1500 ms done", DrainServerProcess.BodyOf(response));
        Assert.Equal(0, await server.WaitExitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "exited after " + clock.Elapsed);
        Assert.EndsWith("drained", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrainServer_RequestLongerThanTheDrain_IsCutAtTheDeadline_AndTheProcessStillExitsZero()
    {
        await using var server = DrainServerProcess.Start("--port", "0", "--drain-ms", "500");
        int port = await server.WaitListeningAsync();
        Task<string> slow = DrainServerProcess.GetAsync(port, "/slow?ms=60000", keepAlive: true);
        await server.WaitLineAsync(l => l == "slow request: 60000 ms");

        var clock = Stopwatch.StartNew();
        await server.TerminateAsync();
        Assert.Equal(string.Empty, await slow);
        Assert.Equal(0, await server.WaitExitAsync(TimeSpan.FromSeconds(10)));
        clock.Stop();
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
        Assert.EndsWith("drained", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DrainServer_ShutdownDelay_FailsReadinessButServes_ThenDrains()
    {
        // Kubernetes: after SIGTERM the pod leaves the Service's endpoints only once its readiness probe failed (or the
        // endpoint controller caught up); until then new connections still arrive and must be served.
        await using var server = DrainServerProcess.Start("--port", "0", "--shutdown-delay-ms", "3000", "--drain-ms", "2000");
        int port = await server.WaitListeningAsync();
        Assert.Contains("\r\n\r\nok", await DrainServerProcess.GetAsync(port, "/healthz"), StringComparison.Ordinal);

        var clock = Stopwatch.StartNew();
        await server.TerminateAsync();
        await server.WaitLineAsync(l => l == "SIGTERM: not ready any more");
        string probe = await DrainServerProcess.GetAsync(port, "/healthz");
        Assert.StartsWith("HTTP/1.1 503 Service Unavailable\r\n", probe);
        Assert.Equal("Hello, World!", DrainServerProcess.BodyOf(await DrainServerProcess.GetAsync(port, "/")));
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(3000), "the probe came too late to test the delay: " + clock.Elapsed);

        await server.WaitLineAsync(l => l.StartsWith("draining", StringComparison.Ordinal));
        Assert.Equal(0, await server.WaitExitAsync(TimeSpan.FromSeconds(10)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(2900), TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// The listener closes as the drain starts: a connection is refused, or — made in the moment before, while the
    /// signal was being handled — accepted and closed unanswered as an idle connection. Never served.
    /// </summary>
    private static async Task AssertRefusesNewConnectionsAsync(int port)
    {
        for (int attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                Assert.Equal(string.Empty, await DrainServerProcess.GetAsync(port, "/"));
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return;
            }
            catch (Exception e) when (e is IOException or SocketException { SocketErrorCode: SocketError.ConnectionReset })
            {
                // reset: closed with the request unread, or queued on the listener as it closed
            }
            await Task.Delay(50);
        }
        Assert.Fail("new connections were still accepted 5 s after the drain began");
    }
}
