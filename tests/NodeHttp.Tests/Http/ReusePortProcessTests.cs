using System.Globalization;

namespace NodeHttp.Tests.Http;

/// <summary>
/// <c>ListenOptions.ReusePort</c> across processes: two instances of examples/DrainServer listen on one port and the
/// kernel hands connections to both; a third without the option is refused the port.
/// </summary>
[Collection("Timing")]
public class ReusePortProcessTests
{
    private const int Connections = 200;

    [Fact]
    public async Task ReusePort_TwoProcessesOnOnePort_BothReceiveConnections()
    {
        await using var first = DrainServerProcess.Start("--port", "0", "--reuse-port");
        int port = await first.WaitListeningAsync();
        await using var second = DrainServerProcess.Start("--port", port.ToString(CultureInfo.InvariantCulture), "--reuse-port");
        Assert.Equal(port, await second.WaitListeningAsync());

        // Each on a new connection (the kernel picks a listener per connection, by a hash of the client's address
        // and ephemeral port), eight at a time.
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < Connections; i += 8)
        {
            string[] responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => DrainServerProcess.GetAsync(port, "/pid")));
            foreach (string response in responses)
            {
                Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
                string pid = DrainServerProcess.BodyOf(response);
                counts[pid] = counts.GetValueOrDefault(pid) + 1;
            }
        }
        string summary = string.Join(", ", counts.Select(kv => $"pid {kv.Key}: {kv.Value}"));
        int a = counts.GetValueOrDefault(first.Pid.ToString(CultureInfo.InvariantCulture));
        int b = counts.GetValueOrDefault(second.Pid.ToString(CultureInfo.InvariantCulture));
        Assert.True(a > 0 && b > 0, "both processes should have been given connections: " + summary);
        Assert.Equal(Connections, a + b);

        // One that does not ask to share the port cannot have it: 'error' EADDRINUSE, and the example exits 1.
        await using var third = DrainServerProcess.Start("--port", port.ToString(CultureInfo.InvariantCulture));
        string error = await third.WaitLineAsync(l => l.Contains("server error", StringComparison.Ordinal));
        Assert.Contains($"listen EADDRINUSE: address already in use 127.0.0.1:{port}", error, StringComparison.Ordinal);
        Assert.Equal(1, await third.WaitExitAsync(DrainServerProcess.Deadline));

        // Both drain and exit cleanly.
        await first.TerminateAsync();
        await second.TerminateAsync();
        Assert.Equal(0, await first.WaitExitAsync(DrainServerProcess.Deadline));
        Assert.Equal(0, await second.WaitExitAsync(DrainServerProcess.Deadline));
    }
}
