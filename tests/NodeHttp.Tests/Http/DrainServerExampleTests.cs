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
        await server.WaitLineAsync(l => l.StartsWith("SIGTERM: draining", StringComparison.Ordinal));
        var refused = await Assert.ThrowsAsync<SocketException>(() => DrainServerProcess.GetAsync(port, "/"));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);

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
}
