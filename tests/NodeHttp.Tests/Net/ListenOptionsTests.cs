using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using OsSocket = System.Net.Sockets.Socket;

namespace NodeHttp.Tests.Net;

/// <summary>
/// <c>NetServer.Listen(ListenOptions)</c>: Node's <c>server.listen(options)</c> checks (messages compared with Node 20's),
/// <c>reusePort</c>, the <c>fd</c> form, <c>ipv6Only</c>, the Unix socket modes and <c>ListenOptions.FromSystemd</c>
/// outside socket activation. The cross-process cases are in ReusePortProcessTests and SystemdSocketActivationTests.
/// </summary>
public class ListenOptionsTests
{
    [Fact]
    public void Listen_WithoutPortPathOrFd_ThrowsNodesInvalidArgValue()
    {
        using var t = new NetTestLoop();
        var server = new NetServer();
        // Node 20: net.createServer().listen({ host: '127.0.0.1' })
        var e = Assert.Throws<NodeHttpException>(() => server.Listen(new ListenOptions { Host = "127.0.0.1" }));
        Assert.Equal("ERR_INVALID_ARG_VALUE", e.Code);
        Assert.Equal("The argument 'options' must have the property \"port\" or \"path\". Received { host: '127.0.0.1' }", e.Message);
        e = Assert.Throws<NodeHttpException>(() => server.Listen(new ListenOptions()));
        Assert.Equal("The argument 'options' must have the property \"port\" or \"path\". Received {}", e.Message);
        // A negative fd is no fd (Node: { fd: -1 } gets the same error).
        e = Assert.Throws<NodeHttpException>(() => server.Listen(new ListenOptions { Fd = -1 }));
        Assert.Equal("ERR_INVALID_ARG_VALUE", e.Code);
        e = Assert.Throws<NodeHttpException>(() => server.Listen(new ListenOptions { Port = 70000 }));
        Assert.Equal("ERR_SOCKET_BAD_PORT", e.Code);
        Assert.False(server.Listening);
    }

    [Fact]
    public async Task ListenOptions_Port_Listens_AndServerListenAsyncTakesThemToo()
    {
        using var t = new NetTestLoop();
        var (server, error) = await ListenAsync(t, new ListenOptions { Port = 0, Host = "127.0.0.1" });
        Assert.Null(error);
        int port = await t.RunAsync(() => server.Address()!.Port);
        Assert.True(port > 0);
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(NetTestLoop.Deadline);
        }
        await t.RunAsync(() => server.Close());

        Server http = await t.RunAsync(() => NodeHttp.Http.CreateServer((_, res) => res.End("ok")));
        await http.ListenAsync(new ListenOptions { Port = 0, Host = "127.0.0.1" }).WaitAsync(NetTestLoop.Deadline);
        int httpPort = await t.RunAsync(() => http.Address()!.Port);
        using (var client = new HttpClient())
        {
            Assert.Equal("ok", await client.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/")).WaitAsync(NetTestLoop.Deadline));
        }
        await http.CloseAsync().WaitAsync(NetTestLoop.Deadline);
    }

    [Fact]
    public async Task ReusePort_TwoListenersShareOnePort_ButOneWithoutItGetsEaddrinuse()
    {
        using var t = new NetTestLoop();
        var (first, e1) = await ListenAsync(t, new ListenOptions { Port = 0, Host = "127.0.0.1", ReusePort = true });
        Assert.Null(e1);
        int port = await t.RunAsync(() => first.Address()!.Port);
        var (second, e2) = await ListenAsync(t, new ListenOptions { Port = port, Host = "127.0.0.1", ReusePort = true });
        Assert.Null(e2);
        Assert.Equal(port, await t.RunAsync(() => second.Address()!.Port));

        // Every listener on the port must have asked for sharing: one that did not is refused, as without the option.
        var (third, e3) = await ListenAsync(t, new ListenOptions { Port = port, Host = "127.0.0.1" });
        var refused = Assert.IsType<NodeHttpException>(e3);
        Assert.Equal("EADDRINUSE", refused.Code);
        Assert.Equal("listen", refused.Syscall);
        Assert.Equal(-98, refused.Errno);
        Assert.Equal($"listen EADDRINUSE: address already in use 127.0.0.1:{port}", refused.Message);
        Assert.False(await t.RunAsync(() => third.Listening));

        // The kernel spreads connections over both (by a hash of the peer's address and port): many connections
        // from different ephemeral ports reach each.
        int a = 0;
        int b = 0;
        await t.RunAsync(() =>
        {
            first.On<Socket>("connection", s => { Interlocked.Increment(ref a); s.Destroy(); });
            second.On<Socket>("connection", s => { Interlocked.Increment(ref b); s.Destroy(); });
        });
        for (int i = 0; i < 64 && (Volatile.Read(ref a) == 0 || Volatile.Read(ref b) == 0); i++)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(NetTestLoop.Deadline);
            // The server closes it: wait for that, so the count is in before the next look.
            await client.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(NetTestLoop.Deadline);
        }
        Assert.True(a > 0 && b > 0, $"first got {a} connections, second {b}");
        await t.RunAsync(() =>
        {
            first.Close();
            second.Close();
        });
    }

    [Fact]
    public async Task WithoutReusePort_SecondListenerGetsEaddrinuse()
    {
        using var t = new NetTestLoop();
        var (first, e1) = await ListenAsync(t, new ListenOptions { Port = 0, Host = "127.0.0.1" });
        Assert.Null(e1);
        int port = await t.RunAsync(() => first.Address()!.Port);
        var (_, e2) = await ListenAsync(t, new ListenOptions { Port = port, Host = "127.0.0.1", ReusePort = true });
        Assert.Equal("EADDRINUSE", Assert.IsType<NodeHttpException>(e2).Code);
        await t.RunAsync(() => first.Close());
    }

    [Fact]
    public async Task Fd_AListeningSocketOpenedElsewhere_IsServed_AndClosedWithTheServer()
    {
        using var t = new NetTestLoop();
        using var supervisor = new OsSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        supervisor.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        supervisor.Listen(16);
        int port = ((IPEndPoint)supervisor.LocalEndPoint!).Port;
        // What a child process inherits: its own descriptor for the same listening socket.
        int fd = Dup((int)supervisor.Handle);
        Assert.True(fd >= 0);

        var greeted = NetTestExtensions.NewTcs<string?>();
        var (server, error) = await ListenAsync(t, new ListenOptions { Fd = fd, Port = 1, Host = "ignored.invalid" }, s =>
        {
            greeted.TrySetResult(s.LocalAddress + ":" + s.LocalPort);
            s.End("hi");
        });
        Assert.Null(error);
        ServerAddress address = (await t.RunAsync(() => server.Address()))!;
        Assert.Equal(("127.0.0.1", "IPv4", port), (address.Address, address.Family, address.Port));

        // The supervisor keeps its copy open: connections still go to the one queue, and the server accepts them.
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(NetTestLoop.Deadline);
            var buffer = new byte[2];
            int n = await client.GetStream().ReadAtLeastAsync(buffer, 2, throwOnEndOfStream: false).AsTask().WaitAsync(NetTestLoop.Deadline);
            Assert.Equal("hi", System.Text.Encoding.ASCII.GetString(buffer, 0, n));
        }
        Assert.Equal("127.0.0.1:" + port, await greeted.Bounded());

        var closed = NetTestExtensions.NewTcs<Exception?>();
        await t.RunAsync(() => server.Close(e => closed.TrySetResult(e)));
        Assert.Null(await closed.Bounded());
        // The server closed its own descriptor only: the supervisor's still listens.
        Assert.True(FcntlGetFd((int)supervisor.Handle) >= 0);
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(NetTestLoop.Deadline);
        }
    }

    [Fact]
    public async Task Fd_BoundButNotListening_IsMadeToListen_AsNodeDoes()
    {
        using var t = new NetTestLoop();
        using var bound = new OsSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        bound.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)bound.LocalEndPoint!).Port;
        int fd = Dup((int)bound.Handle);
        var (server, error) = await ListenAsync(t, new ListenOptions { Fd = fd }, s => s.Destroy());
        Assert.Null(error);
        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(NetTestLoop.Deadline);
        }
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Fd_NotAStreamSocket_IsEinval_AndLeftOpen()
    {
        using var t = new NetTestLoop();
        string file = Path.GetTempFileName();
        try
        {
            using FileStream stream = File.Open(file, FileMode.Open, FileAccess.ReadWrite);
            int fileFd = (int)stream.SafeFileHandle.DangerousGetHandle();
            var (server, error) = await ListenAsync(t, new ListenOptions { Fd = fileFd });
            // Node 20: net.createServer().listen({ fd }) for a file's descriptor
            var e = Assert.IsType<NodeHttpException>(error);
            Assert.Equal("EINVAL", e.Code);
            Assert.Equal("listen", e.Syscall);
            Assert.Equal("listen EINVAL: invalid argument", e.Message);
            Assert.False(await t.RunAsync(() => server.Listening));
            // Still the caller's: usable after the refusal (and after the collector ran).
            GC.Collect();
            GC.WaitForPendingFinalizers();
            stream.Write("x"u8);
            stream.Flush();
            Assert.True(FcntlGetFd(fileFd) >= 0);
        }
        finally
        {
            File.Delete(file);
        }

        using var udp = new OsSocket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var (_, udpError) = await ListenAsync(t, new ListenOptions { Fd = (int)udp.Handle });
        Assert.Equal("EINVAL", Assert.IsType<NodeHttpException>(udpError).Code);
        Assert.True(FcntlGetFd((int)udp.Handle) >= 0);

        // Not open at all.
        var (_, badError) = await ListenAsync(t, new ListenOptions { Fd = 100_000 });
        Assert.Equal("EINVAL", Assert.IsType<NodeHttpException>(badError).Code);
    }

    [Fact]
    public async Task Ipv6Only_TakesNoIpv4Connections_AndLeavesTheIpv4PortFree()
    {
        if (!Ipv6Loopback())
        {
            return; // no IPv6 loopback on this machine
        }
        using var t = new NetTestLoop();
        var (v6, e1) = await ListenAsync(t, new ListenOptions { Port = 0, Host = "::", Ipv6Only = true }, s => s.Destroy());
        Assert.Null(e1);
        int port = await t.RunAsync(() => v6.Address()!.Port);
        using (var client = new TcpClient(AddressFamily.InterNetworkV6))
        {
            await client.ConnectAsync(IPAddress.IPv6Loopback, port).WaitAsync(NetTestLoop.Deadline);
        }
        var refused = await Assert.ThrowsAsync<SocketException>(async () =>
        {
            using var client = new TcpClient(AddressFamily.InterNetwork);
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(NetTestLoop.Deadline);
        });
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        // A dual-stack '::' would hold 0.0.0.0's port too; this one does not.
        var (v4, e2) = await ListenAsync(t, new ListenOptions { Port = port, Host = "0.0.0.0" });
        Assert.Null(e2);
        await t.RunAsync(() =>
        {
            v6.Close();
            v4.Close();
        });

        // Without it, '::' takes IPv4 connections and 0.0.0.0 on the same port is taken.
        var (dual, e3) = await ListenAsync(t, new ListenOptions { Port = 0, Host = "::" }, s => s.Destroy());
        Assert.Null(e3);
        int dualPort = await t.RunAsync(() => dual.Address()!.Port);
        using (var client = new TcpClient(AddressFamily.InterNetwork))
        {
            await client.ConnectAsync(IPAddress.Loopback, dualPort).WaitAsync(NetTestLoop.Deadline);
        }
        var (_, e4) = await ListenAsync(t, new ListenOptions { Port = dualPort, Host = "0.0.0.0" });
        Assert.Equal("EADDRINUSE", Assert.IsType<NodeHttpException>(e4).Code);
        await t.RunAsync(() => dual.Close());
    }

    [Fact]
    public async Task Path_ReadableAllWritableAll_AddTheBitsForEveryone_AsNodesPipeChmod()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        using var t = new NetTestLoop();
        string plainPath = NetTestExtensions.TempSocketPath();
        string openPath = NetTestExtensions.TempSocketPath();
        var (plain, e1) = await ListenAsync(t, new ListenOptions { Path = plainPath, Backlog = 8 });
        Assert.Null(e1);
        var (open, e2) = await ListenAsync(t, new ListenOptions { Path = openPath, ReadableAll = true, WritableAll = true });
        Assert.Null(e2);
        const UnixFileMode everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead
            | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;
        UnixFileMode plainMode = File.GetUnixFileMode(plainPath);
        UnixFileMode openMode = File.GetUnixFileMode(openPath);
        Assert.Equal(everyone, openMode & everyone);
        // Only bits are added: whatever the umask left stays.
        Assert.Equal(plainMode, openMode & plainMode);
        Assert.NotEqual(everyone, plainMode & everyone);

        var (readable, e3) = await ListenAsync(t, new ListenOptions { Path = NetTestExtensions.TempSocketPath(), ReadableAll = true });
        Assert.Null(e3);
        string readablePath = (await t.RunAsync(() => readable.Address()))!.Address;
        Assert.Equal(UnixFileMode.OtherRead | UnixFileMode.GroupRead, File.GetUnixFileMode(readablePath) & (UnixFileMode.OtherRead | UnixFileMode.GroupRead));

        await t.RunAsync(() =>
        {
            plain.Close();
            open.Close();
            readable.Close();
        });
    }

    [Fact]
    public void FromSystemd_NotActivated_IsNull_AndTheVariablesAreRemoved()
    {
        // Not socket-activated at all.
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Assert.Null(ListenOptions.FromSystemd());

        // Activated, but the sockets were meant for another process (a parent that did not exec): not ours.
        Environment.SetEnvironmentVariable("LISTEN_PID", (Environment.ProcessId + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Environment.SetEnvironmentVariable("LISTEN_FDS", "1");
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", "web");
        Assert.Null(ListenOptions.FromSystemd());
        // sd_listen_fds(unset_environment=1) removes them whatever it found, so no child process takes them as its own.
        Assert.Null(Environment.GetEnvironmentVariable("LISTEN_PID"));
        Assert.Null(Environment.GetEnvironmentVariable("LISTEN_FDS"));
        Assert.Null(Environment.GetEnvironmentVariable("LISTEN_FDNAMES"));

        // Ours, but no descriptor passed.
        Environment.SetEnvironmentVariable("LISTEN_PID", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Environment.SetEnvironmentVariable("LISTEN_FDS", "0");
        Assert.Null(ListenOptions.FromSystemd());
        Assert.Null(Environment.GetEnvironmentVariable("LISTEN_PID"));

        // Garbage.
        Environment.SetEnvironmentVariable("LISTEN_PID", "12x");
        Environment.SetEnvironmentVariable("LISTEN_FDS", "1");
        Assert.Null(ListenOptions.FromSystemd());
        Assert.Null(Environment.GetEnvironmentVariable("LISTEN_FDS"));
    }

    /// <summary>Listens on the test loop; completes with the server and null at <c>'listening'</c>, or the <c>'error'</c>.</summary>
    private static async Task<(NetServer Server, Exception? Error)> ListenAsync(NetTestLoop t, ListenOptions options, Action<Socket>? onConnection = null)
    {
        var outcome = NetTestExtensions.NewTcs<Exception?>();
        NetServer server = await t.RunAsync(() =>
        {
            var s = new NetServer(null, onConnection);
            s.On<Exception>("error", e => outcome.TrySetResult(e));
            s.Listen(options, () => outcome.TrySetResult(null));
            return s;
        });
        return (server, await outcome.Bounded());
    }

    private static bool Ipv6Loopback()
    {
        try
        {
            using var s = new OsSocket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int Dup(int fd) => dup(fd);

    // F_GETFD: -1 once the descriptor is closed.
    private static int FcntlGetFd(int fd) => fcntl(fd, 1, 0);

    [DllImport("libc", SetLastError = true)]
    private static extern int dup(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int fcntl(int fd, int cmd, int arg);
}
