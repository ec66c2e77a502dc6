using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NodeHttp.Tests.Http;

/// <summary>
/// <c>ListenOptions.FromSystemd()</c> under real socket activation: systemd's <c>systemd-socket-activate</c> (Debian's
/// systemd package) binds the port, waits for the first connection, then execs examples/DrainServer with the
/// listening socket as fd 3 and <c>LISTEN_PID</c>/<c>LISTEN_FDS</c> set — what a <c>.socket</c> unit does.
/// </summary>
[Collection("Timing")]
public class SystemdSocketActivationTests
{
    private const string Activator = "/usr/bin/systemd-socket-activate";

    [Fact]
    public async Task SystemdSocketActivate_ServesOnTheInheritedSocket_ThenDrainsOnSigterm()
    {
        Assert.True(File.Exists(Activator), Activator + " is missing: install Debian's systemd package (.ci/run does)");
        int port = FreePort();
        await using var server = DrainServerProcess.StartWith(Activator, "-l", "127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture),
            "dotnet", DrainServerProcess.AppPath, "--systemd");
        await server.WaitLineAsync(l => l.Contains("Listening on 127.0.0.1:" + port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal));

        // The first connection starts the program; it waits in the socket's queue meanwhile and is served by it.
        string response = await DrainServerProcess.GetAsync(port, "/pid");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        // The activator execs the program in its own process: the same pid, which LISTEN_PID named.
        Assert.Equal(server.Pid.ToString(CultureInfo.InvariantCulture), DrainServerProcess.BodyOf(response));
        Assert.Equal(port, await server.WaitListeningAsync());
        Assert.Equal("Hello, World!", DrainServerProcess.BodyOf(await DrainServerProcess.GetAsync(port, "/")));

        await server.TerminateAsync();
        Assert.Equal(0, await server.WaitExitAsync(DrainServerProcess.Deadline));
        Assert.Contains("drained", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("server error", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SystemdFlag_WithoutActivation_ExitsWithAnExplanation()
    {
        await using var server = DrainServerProcess.Start("--systemd");
        Assert.Equal(2, await server.WaitExitAsync(DrainServerProcess.Deadline));
        Assert.Contains("no socket was passed", server.Output, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
