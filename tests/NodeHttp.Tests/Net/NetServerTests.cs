using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NodeHttp.Tests.Net;

public class NetServerTests
{
    private static bool Ipv6Loopback()
    {
        try
        {
            using var s = new System.Net.Sockets.Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task ListenZero_AssignsPort_AddressIsIPv4()
    {
        using var t = new NetTestLoop();
        var (server, port) = await t.ListenAsync(_ => { });
        ServerAddress a = (await t.RunAsync(() => server.Address()))!;
        Assert.True(port > 0);
        Assert.Equal("127.0.0.1", a.Address);
        Assert.Equal("IPv4", a.Family);
        Assert.True(await t.RunAsync(() => server.Listening));
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task NoHost_DualStack_ReachableOnV4AndV6_MappedAddresses()
    {
        if (!Ipv6Loopback())
        {
            return; // no IPv6 on this machine: Node would listen on 0.0.0.0, covered elsewhere
        }
        using var t = new NetTestLoop();
        var remotes = new ConcurrentQueue<(string? Address, string? Family, string? Local)>();
        var (server, port) = await t.ListenAsync(s =>
        {
            remotes.Enqueue((s.RemoteAddress, s.RemoteFamily, s.LocalAddress));
            s.End();
        }, host: null);
        ServerAddress a = (await t.RunAsync(() => server.Address()))!;
        Assert.Equal("::", a.Address);
        Assert.Equal("IPv6", a.Family);
        foreach (string host in new[] { "127.0.0.1", "::1" })
        {
            var closed = NetTestExtensions.NewTcs<(string?, string?, int?)>();
            await t.RunAsync(() =>
            {
                Socket c = NodeHttp.Net.CreateConnection(port, host);
                c.Resume();
                c.On<bool>("close", _ => closed.TrySetResult((c.RemoteAddress, c.RemoteFamily, c.RemotePort)));
            });
            var (ra, rf, rp) = await closed.Bounded();
            Assert.Equal(host, ra);
            Assert.Equal(host.Contains(':', StringComparison.Ordinal) ? "IPv6" : "IPv4", rf);
            Assert.Equal(port, rp);
        }
        var list = remotes.ToArray();
        Assert.Equal(("::ffff:127.0.0.1", "IPv6", "::ffff:127.0.0.1"), list[0]);
        Assert.Equal(("::1", "IPv6", "::1"), list[1]);
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Ipv6Loopback_ClientAddresses()
    {
        if (!Ipv6Loopback())
        {
            return;
        }
        using var t = new NetTestLoop();
        var (server, port) = await t.ListenAsync(s => s.End(), host: "::1");
        var done = NetTestExtensions.NewTcs<string>();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "::1", null);
            c.On("connect", () => done.TrySetResult($"{c.LocalAddress}|{c.LocalFamily}|{c.RemoteAddress}|{c.RemoteFamily}|{c.Address()!.Family}"));
            c.Resume();
        });
        Assert.Equal("::1|IPv6|::1|IPv6|IPv6", await done.Bounded());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Close_EmitsCloseOnlyAfterLastConnectionEnds()
    {
        using var t = new NetTestLoop();
        var serverSockets = new ConcurrentQueue<Socket>();
        var accepted = NetTestExtensions.NewTcs<bool>();
        var (server, port) = await t.ListenAsync(s =>
        {
            serverSockets.Enqueue(s);
            s.Resume();
            accepted.TrySetResult(true);
        });
        var events = new ConcurrentQueue<string>();
        var closeCb = NetTestExtensions.NewTcs<Exception?>();
        Socket? client = null;
        await t.RunAsync(() => client = NodeHttp.Net.CreateConnection(port, "127.0.0.1"));
        await accepted.Bounded();
        await t.RunAsync(() =>
        {
            server.On("close", () => events.Enqueue("server:close"));
            server.Close(e => closeCb.TrySetResult(e));
            Assert.False(server.Listening);
        });
        // A new connection is refused while the old one still holds the server open.
        var refused = NetTestExtensions.NewTcs<string>();
        await t.RunAsync(() => NodeHttp.Net.CreateConnection(port, "127.0.0.1").On<Exception>("error", e => refused.TrySetResult(((NodeHttpException)e).Code)));
        Assert.Equal("ECONNREFUSED", await refused.Bounded());
        Assert.Empty(events);
        int open = await t.RunAsync(() => server.ConnectionCount);
        Assert.Equal(1, open);
        await t.RunAsync(() => client!.End());
        Assert.Null(await closeCb.Bounded());
        Assert.Equal(new[] { "server:close" }, events.ToArray());
    }

    [Fact]
    public async Task GetConnections_CountsOpenSockets()
    {
        using var t = new NetTestLoop();
        var accepted = NetTestExtensions.NewTcs<bool>();
        var (server, port) = await t.ListenAsync(s => { s.Resume(); accepted.TrySetResult(true); });
        Socket? c = null;
        await t.RunAsync(() => c = NodeHttp.Net.CreateConnection(port, "127.0.0.1"));
        await accepted.Bounded();
        var count = NetTestExtensions.NewTcs<int>();
        await t.RunAsync(() => server.GetConnections((e, n) => count.TrySetResult(n)));
        Assert.Equal(1, await count.Bounded());
        await t.RunAsync(() => { c!.Destroy(); server.Close(); });
    }

    [Fact]
    public async Task MaxConnections_DropsExtraConnections()
    {
        using var t = new NetTestLoop();
        var accepted = NetTestExtensions.NewTcs<bool>();
        var (server, port) = await t.ListenAsync(s => { s.Resume(); accepted.TrySetResult(true); });
        var dropped = NetTestExtensions.NewTcs<bool>();
        await t.RunAsync(() =>
        {
            server.MaxConnections = 1;
            server.On("drop", () => dropped.TrySetResult(true));
        });
        Socket? a = null;
        await t.RunAsync(() => a = NodeHttp.Net.CreateConnection(port, "127.0.0.1"));
        await accepted.Bounded();
        var bClosed = NetTestExtensions.NewTcs<bool>();
        await t.RunAsync(() =>
        {
            Socket b = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            b.On<Exception>("error", _ => { });
            b.Resume();
            b.On<bool>("close", e => bClosed.TrySetResult(true));
        });
        Assert.True(await dropped.Bounded());
        Assert.True(await bClosed.Bounded());
        await t.RunAsync(() => { a!.Destroy(); server.Close(); });
    }

    [Fact]
    public async Task ListenTwice_Throws()
    {
        using var t = new NetTestLoop();
        var (server, _) = await t.ListenAsync(_ => { });
        var ex = await Assert.ThrowsAsync<NodeHttpException>(() => t.RunAsync(() => server.Listen(0)));
        Assert.Equal("ERR_SERVER_ALREADY_LISTEN", ex.Code);
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task UnixSocket_EchoAndAddresses_FileRemovedOnClose()
    {
        using var t = new NetTestLoop();
        string path = NetTestExtensions.TempSocketPath();
        var listening = NetTestExtensions.NewTcs<bool>();
        NetServer server = await t.RunAsync(() =>
        {
            NetServer s = NodeHttp.Net.CreateServer(sock => sock.Pipe(sock));
            s.Listen(path, () => listening.TrySetResult(true));
            return s;
        });
        await listening.Bounded();
        Assert.Equal(path, (await t.RunAsync(() => server.Address()))!.Address);
        var got = NetTestExtensions.NewTcs<string>();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(path);
            var sb = new StringBuilder();
            c.On<NodeBuffer>("data", d => sb.Append(d.ToString()));
            c.On("end", () => got.TrySetResult(sb.ToString()));
            c.End("over unix");
        });
        Assert.Equal("over unix", await got.Bounded());
        var closed = NetTestExtensions.NewTcs<bool>();
        await t.RunAsync(() => server.Close(_ => closed.TrySetResult(true)));
        await closed.Bounded();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task NodeClient_AgainstNodeHttpServer_EventOrder()
    {
        using var t = new NetTestLoop();
        var serverEvents = new ConcurrentQueue<string>();
        var serverClosed = NetTestExtensions.NewTcs<bool>();
        var (server, port) = await t.ListenAsync(s =>
        {
            serverEvents.Enqueue("connection");
            s.On<NodeBuffer>("data", d => { serverEvents.Enqueue("data:" + d); s.Write(d); });
            s.On("end", () => serverEvents.Enqueue("end"));
            s.On("finish", () => serverEvents.Enqueue("finish"));
            s.On<bool>("close", e => { serverEvents.Enqueue("close:" + e); serverClosed.TrySetResult(e); });
        });
        await using var peer = NodePeer.Start("""
            const net = require('net');
            const ev = [];
            const c = net.connect(Number(process.argv[2]), '127.0.0.1', () => ev.push('connect'));
            c.on('ready', () => ev.push('ready'));
            c.on('data', d => { ev.push('data:' + d); c.end(); });
            c.on('end', () => ev.push('end'));
            c.on('finish', () => ev.push('finish'));
            c.on('close', e => { ev.push('close:' + e); console.log(ev.join(',')); });
            c.write('ping');
            """, port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        string line = await peer.WaitLineAsync(l => l.Contains("close", StringComparison.Ordinal));
        Assert.Equal("connect,ready,data:ping,finish,end,close:false", line);
        Assert.False(await serverClosed.Bounded());
        Assert.Equal(new[] { "connection", "data:ping", "end", "finish", "close:False" }, serverEvents.ToArray());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task NodeHttpClient_AgainstNodeEchoServer()
    {
        await using var peer = NodePeer.Start("""
            const net = require('net');
            const s = net.createServer(c => c.pipe(c)).listen(0, '127.0.0.1', () => console.log('port ' + s.address().port));
            """);
        int port = int.Parse((await peer.WaitLineAsync(l => l.StartsWith("port ", StringComparison.Ordinal)))[5..], System.Globalization.CultureInfo.InvariantCulture);
        using var t = new NetTestLoop();
        var payload = new byte[3 * 1024 * 1024];
        new Random(42).NextBytes(payload);
        var got = NetTestExtensions.NewTcs<byte[]>();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            var ms = new MemoryStream();
            c.On<NodeBuffer>("data", d => ms.Write(d.Span));
            c.On("end", () => got.TrySetResult(ms.ToArray()));
            c.End(payload);
        });
        Assert.Equal(payload, await got.Bounded());
    }
}
