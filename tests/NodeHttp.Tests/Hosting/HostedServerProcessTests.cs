using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using NodeHttp.Tests.Http;
using NodeHttp.Tests.Packaging;

namespace NodeHttp.Tests.Hosting;

/// <summary>
/// examples/HostedServer as a supervisor runs it: its own process under the Generic Host's console lifetime, stopped by
/// <c>kill -TERM</c> while a slow request is in flight. The request is answered whole, new connections are refused,
/// and the process exits 0 within the host's shutdown timeout; a request that outlives the timeout is cut off and the
/// process still exits at the timeout.
/// </summary>
[Collection("Timing")]
public sealed partial class HostedServerProcessTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Sigterm_during_a_slow_request_answers_it_whole_refuses_new_connections_and_exits_zero_within_the_shutdown_timeout()
    {
        const int ShutdownTimeoutSeconds = 10;
        await using ChildProcess host = StartHost(ShutdownTimeoutSeconds);
        int port = await WaitListeningAsync(host);
        Assert.Equal("Hello from NodeHttp.Hosting (request 1)\n", DrainServerProcess.BodyOf(await DrainServerProcess.GetAsync(port, "/")));

        Task<string> slow = DrainServerProcess.GetAsync(port, "/slow?ms=3000", keepAlive: true);
        await host.WaitLineAsync(l => l.EndsWith("GET /slow?ms=3000 (request 2)", StringComparison.Ordinal), Limit);
        var clock = Stopwatch.StartNew();
        await TerminateAsync(host.Pid);

        await host.WaitLineAsync(l => l.Contains("NodeHttp server stopping", StringComparison.Ordinal), Limit);
        await AssertRefusesNewConnectionsAsync(port);
        Assert.False(slow.IsCompleted, "the slow request ended before the listener was seen closed");

        // GetAsync reads until the server closes the connection: the drain closes it once its response went out.
        string response = await slow;
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.Contains("\r\nContent-Length: 40\r\n", response, StringComparison.Ordinal);
        Assert.Equal("Hello from NodeHttp.Hosting (request 2)\n", DrainServerProcess.BodyOf(response));

        int exitCode = await host.WaitExitAsync(Limit);
        clock.Stop();
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{host.Output}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(ShutdownTimeoutSeconds), $"exited {clock.Elapsed} after SIGTERM (shutdown timeout {ShutdownTimeoutSeconds} s)");
        Assert.Contains("NodeHttp server stopped: every connection ended", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("stop timed out", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigterm_during_a_request_longer_than_the_shutdown_timeout_cuts_it_and_exits_zero_at_the_timeout()
    {
        const int ShutdownTimeoutSeconds = 1;
        await using ChildProcess host = StartHost(ShutdownTimeoutSeconds);
        int port = await WaitListeningAsync(host);

        Task<string> slow = DrainServerProcess.GetAsync(port, "/slow?ms=60000", keepAlive: true);
        await host.WaitLineAsync(l => l.EndsWith("GET /slow?ms=60000 (request 1)", StringComparison.Ordinal), Limit);
        var clock = Stopwatch.StartNew();
        await TerminateAsync(host.Pid);

        int exitCode = await host.WaitExitAsync(Limit);
        clock.Stop();
        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{host.Output}");
        // At the timeout, not before it and not at the end of the request (60 s); the upper bound leaves room for a
        // loaded machine's process exit.
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(ShutdownTimeoutSeconds * 0.9), TimeSpan.FromSeconds(ShutdownTimeoutSeconds + 6));
        Assert.Contains("NodeHttp server stop timed out: destroying the remaining connections", host.Output, StringComparison.Ordinal);

        // The connection was destroyed unanswered.
        try
        {
            Assert.Equal(string.Empty, await slow);
        }
        catch (IOException)
        {
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
        {
        }
    }

    /// <summary>
    /// <c>dotnet HostedServer.dll</c>, built by this test assembly's configuration (the test project references every
    /// example), on a free loopback port with the given shutdown timeout (the host reads <c>shutdownTimeoutSeconds</c>
    /// from its configuration).
    /// </summary>
    private static ChildProcess StartHost(int shutdownTimeoutSeconds)
    {
        var tfm = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        string dll = Path.Combine(RepoPaths.Root, "examples", "HostedServer", "bin", tfm.Parent!.Name, tfm.Name, "HostedServer.dll");
        Assert.True(File.Exists(dll), dll + " was not built");
        return ChildProcess.Start(
            "dotnet",
            dll,
            "--NodeHttp:Port=0",
            "--NodeHttp:Host=127.0.0.1",
            "--shutdownTimeoutSeconds=" + shutdownTimeoutSeconds.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Waits for the hosted service's <c>Listening</c> log line; returns its port.</summary>
    private static async Task<int> WaitListeningAsync(ChildProcess host)
    {
        string line = await host.WaitLineAsync(l => ListeningLine().IsMatch(l), Limit);
        return int.Parse(ListeningLine().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    /// <summary>SIGTERM through <c>kill</c>, as a supervisor (systemd, Kubernetes, docker stop) sends it.</summary>
    private static async Task TerminateAsync(int pid)
    {
        using Process kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync().WaitAsync(Limit);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>
    /// The listener closes as the drain starts: within a few attempts a connection is refused. One made in the moment
    /// before (while the stop was on its way to the loop) may still be accepted, or reset as the listener closes.
    /// </summary>
    private static async Task AssertRefusesNewConnectionsAsync(int port)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(2))
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(System.Net.IPAddress.Loopback, port).WaitAsync(Limit);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionRefused)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                // queued on the listener as it closed: reset unaccepted; the next attempt finds it closed
            }
            await Task.Delay(20);
        }
        Assert.Fail("new connections were still accepted 2 s after the stop began");
    }

    [GeneratedRegex(@"NodeHttp server listening on 127\.0\.0\.1:(\d+)$")]
    private static partial Regex ListeningLine();
}
