using System.Net;
using System.Net.Sockets;

namespace NodeHttp.Tests.Net;

public class NetErrorTests
{
    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static async Task<(NodeHttpException Error, bool HadError)> ConnectErrorAsync(NetTestLoop t, Func<Socket> connect)
    {
        var error = NetTestExtensions.NewTcs<NodeHttpException>();
        var closed = NetTestExtensions.NewTcs<bool>();
        await t.RunAsync(() =>
        {
            Socket c = connect();
            c.On<Exception>("error", e => error.TrySetResult((NodeHttpException)e));
            c.On<bool>("close", e => closed.TrySetResult(e));
        });
        return (await error.Bounded(), await closed.Bounded());
    }

    [Fact]
    public async Task ConnectRefused_NodeCodeAndMessage()
    {
        using var t = new NetTestLoop();
        int port = FreePort();
        var (e, hadError) = await ConnectErrorAsync(t, () => NodeHttp.Net.CreateConnection(port, "127.0.0.1"));
        Assert.Equal("ECONNREFUSED", e.Code);
        Assert.Equal($"connect ECONNREFUSED 127.0.0.1:{port}", e.Message);
        Assert.Equal(-111, e.Errno);
        Assert.Equal("connect", e.Syscall);
        Assert.Equal("127.0.0.1", e.Address);
        Assert.Equal(port, e.Port);
        Assert.True(hadError);
    }

    [Fact]
    public async Task ConnectMissingUnixPath_Enoent()
    {
        using var t = new NetTestLoop();
        string path = NetTestExtensions.TempSocketPath();
        var (e, _) = await ConnectErrorAsync(t, () => NodeHttp.Net.CreateConnection(path));
        Assert.Equal("ENOENT", e.Code);
        Assert.Equal($"connect ENOENT {path}", e.Message);
        Assert.Equal(-2, e.Errno);
        Assert.Equal(path, e.Path);
    }

    [Fact]
    public async Task ConnectUnknownHost_Enotfound()
    {
        using var t = new NetTestLoop();
        var (e, _) = await ConnectErrorAsync(t, () => NodeHttp.Net.CreateConnection(80, "nosuchhost.invalid"));
        Assert.Equal("ENOTFOUND", e.Code);
        Assert.Equal("getaddrinfo ENOTFOUND nosuchhost.invalid", e.Message);
        Assert.Equal("getaddrinfo", e.Syscall);
    }

    [Fact]
    public async Task ListenAddressInUse_EmitsNodeError()
    {
        using var t = new NetTestLoop();
        var (first, port) = await t.ListenAsync(_ => { });
        var error = NetTestExtensions.NewTcs<NodeHttpException>();
        await t.RunAsync(() =>
        {
            NetServer second = NodeHttp.Net.CreateServer();
            second.On<Exception>("error", e => error.TrySetResult((NodeHttpException)e));
            second.Listen(port, "127.0.0.1");
        });
        NodeHttpException err = await error.Bounded();
        Assert.Equal("EADDRINUSE", err.Code);
        Assert.Equal($"listen EADDRINUSE: address already in use 127.0.0.1:{port}", err.Message);
        Assert.Equal(-98, err.Errno);
        Assert.Equal("listen", err.Syscall);
        await t.RunAsync(() => first.Close());
    }

    [Fact]
    public async Task ListenBadPort_ThrowsRangeError()
    {
        using var t = new NetTestLoop();
        var ex = await Assert.ThrowsAsync<NodeHttpException>(() => t.RunAsync(() => NodeHttp.Net.CreateServer().Listen(70000)));
        Assert.Equal("ERR_SOCKET_BAD_PORT", ex.Code);
        Assert.Equal("options.port should be >= 0 and < 65536. Received type number (70000).", ex.Message);
    }

    [Fact]
    public async Task PeerReset_ReadEconnreset()
    {
        using var t = new NetTestLoop();
        var (server, port) = await t.ListenAsync(s => s.On<NodeBuffer>("data", _ => s.ResetAndDestroy()));
        var (e, hadError) = await ConnectErrorAsync(t, () =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            c.Resume();
            c.Write("x");
            return c;
        });
        Assert.Equal("ECONNRESET", e.Code);
        Assert.Equal("read ECONNRESET", e.Message);
        Assert.Equal("read", e.Syscall);
        Assert.True(hadError);
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task PeerResetByNode_ReadEconnreset()
    {
        await using var peer = NodePeer.Start("""
            const net = require('net');
            const s = net.createServer(c => c.on('data', () => c.resetAndDestroy())).listen(0, '127.0.0.1', () => console.log('port ' + s.address().port));
            """);
        int port = int.Parse((await peer.WaitLineAsync(l => l.StartsWith("port ", StringComparison.Ordinal)))[5..], System.Globalization.CultureInfo.InvariantCulture);
        using var t = new NetTestLoop();
        var (e, _) = await ConnectErrorAsync(t, () =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            c.Resume();
            c.Write("x");
            return c;
        });
        Assert.Equal("ECONNRESET", e.Code);
        Assert.Equal("read ECONNRESET", e.Message);
    }

    [Fact]
    public async Task WriteAfterPeerClosed_Epipe()
    {
        using var t = new NetTestLoop();
        var (server, port) = await t.ListenAsync(s => s.Destroy());
        var error = NetTestExtensions.NewTcs<NodeHttpException>();
        await t.RunAsync(() =>
        {
            // Half-open so the peer's FIN does not end our side: keep writing into the closed connection.
            var c = new Socket(allowHalfOpen: true);
            c.On<Exception>("error", e => error.TrySetResult((NodeHttpException)e));
            var chunk = new byte[16 * 1024];
            LoopTimer? timer = null;
            c.On("end", () =>
            {
                timer = t.Loop.SetInterval(() =>
                {
                    if (c.Destroyed)
                    {
                        timer!.Close();
                        return;
                    }
                    c.Write(chunk);
                }, 5);
            });
            c.Resume();
            c.Connect(port, "127.0.0.1");
        });
        NodeHttpException e = await error.Bounded();
        // Linux reports the first write into a reset connection as ECONNRESET or EPIPE (Node sees the same).
        Assert.Contains(e.Code, new[] { "EPIPE", "ECONNRESET" });
        Assert.Equal("write " + e.Code, e.Message);
        Assert.Equal("write", e.Syscall);
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task UnixStaleSocketFile_EaddrinuseAsNode()
    {
        using var t = new NetTestLoop();
        string path = NetTestExtensions.TempSocketPath();
        File.WriteAllText(path, "stale");
        try
        {
            var error = NetTestExtensions.NewTcs<NodeHttpException>();
            await t.RunAsync(() =>
            {
                NetServer s = NodeHttp.Net.CreateServer();
                s.On<Exception>("error", e => error.TrySetResult((NodeHttpException)e));
                s.Listen(path);
            });
            NodeHttpException err = await error.Bounded();
            Assert.Equal("EADDRINUSE", err.Code);
            Assert.Equal($"listen EADDRINUSE: address already in use {path}", err.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task ServerCloseWhenNotRunning_ErrServerNotRunning()
    {
        using var t = new NetTestLoop();
        var result = NetTestExtensions.NewTcs<Exception?>();
        await t.RunAsync(() => NodeHttp.Net.CreateServer().Close(e => result.TrySetResult(e)));
        var err = Assert.IsType<NodeHttpException>(await result.Bounded());
        Assert.Equal("ERR_SERVER_NOT_RUNNING", err.Code);
        Assert.Equal("Server is not running.", err.Message);
    }
}
