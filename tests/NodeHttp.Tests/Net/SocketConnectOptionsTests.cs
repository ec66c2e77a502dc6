using System.Net;
using System.Net.Sockets;

namespace NodeHttp.Tests.Net;

public class SocketConnectOptionsTests
{
    [Fact]
    public async Task LocalAddressAndPort_AreWhatTheServerSees()
    {
        using var t = new NetTestLoop();
        var seen = NetTestExtensions.NewTcs<(string? Address, int? Port)>();
        var (server, port) = await t.ListenAsync(s =>
        {
            seen.TrySetResult((s.RemoteAddress, s.RemotePort));
            s.End();
        }, "127.0.0.1");
        int localPort = FreePort();
        var connected = NetTestExtensions.NewTcs<(string? Address, int? Port)>();
        await t.RunAsync(() =>
        {
            // The whole of 127.0.0.0/8 is on the loopback interface, so 127.0.0.2 is a real second local address.
            Socket c = NodeHttp.Net.CreateConnection(
                new SocketConnectOptions { Port = port, Host = "127.0.0.1", LocalAddress = "127.0.0.2", LocalPort = localPort },
                () => { });
            c.On("connect", () => connected.TrySetResult((c.LocalAddress, c.LocalPort)));
            c.Resume();
        });
        Assert.Equal(("127.0.0.2", (int?)localPort), await connected.Bounded());
        Assert.Equal(("127.0.0.2", (int?)localPort), await seen.Bounded());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task FamilyFour_ResolvesLocalhostToIpv4()
    {
        using var t = new NetTestLoop();
        var (server, port) = await t.ListenAsync(s => s.End(), "127.0.0.1");
        var connected = NetTestExtensions.NewTcs<string?>();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(new SocketConnectOptions { Port = port, Host = "localhost", Family = 4 });
            c.On("connect", () => connected.TrySetResult(c.RemoteFamily));
            c.Resume();
        });
        Assert.Equal("IPv4", await connected.Bounded());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task UnbindableLocalAddress_IsABindError()
    {
        // node -e "net.connect({port:1, host:'127.0.0.1', localAddress:'10.255.255.1'}).on('error', e => ...)"
        // prints: EADDRNOTAVAIL bind EADDRNOTAVAIL 10.255.255.1 bind 10.255.255.1 undefined
        using var t = new NetTestLoop();
        var error = NetTestExtensions.NewTcs<NodeHttpException>();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(new SocketConnectOptions { Port = 1, Host = "127.0.0.1", LocalAddress = "10.255.255.1" });
            c.On<Exception>("error", e => error.TrySetResult((NodeHttpException)e));
        });
        NodeHttpException e = await error.Bounded();
        Assert.Equal("EADDRNOTAVAIL", e.Code);
        Assert.Equal("bind EADDRNOTAVAIL 10.255.255.1", e.Message);
        Assert.Equal("bind", e.Syscall);
        Assert.Equal("10.255.255.1", e.Address);
        Assert.Null(e.Port);
    }

    [Fact]
    public void BadOptions_ThrowSynchronously()
    {
        var socket = new Socket();
        var ip = Assert.Throws<NodeHttpException>(() => socket.Connect(new SocketConnectOptions { Port = 80, LocalAddress = "not-an-ip" }));
        Assert.Equal("ERR_INVALID_IP_ADDRESS", ip.Code);
        Assert.Equal("Invalid IP address: not-an-ip", ip.Message);
        var family = Assert.Throws<NodeHttpException>(() => socket.Connect(new SocketConnectOptions { Port = 80, Family = 5 }));
        Assert.Equal("ERR_INVALID_ARG_VALUE", family.Code);
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Parse("127.0.0.2"), 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
