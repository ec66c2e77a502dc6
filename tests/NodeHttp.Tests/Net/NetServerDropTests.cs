using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace NodeHttp.Tests.Net;

/// <summary>
/// <c>server.maxConnections</c> and the <c>'drop'</c> event (after Node's test-net-server-drop-connections and
/// test-net-server-max-connections): connections past the cap are closed at once with the addresses in
/// <c>'drop'</c>, the admitted ones keep working, and a closed one makes room for the next.
/// </summary>
[Collection("Timing")]
public class NetServerDropTests
{
    [Fact]
    public async Task MaxConnections_ExtraClosedAtOnce_DropCarriesAddresses_RoomAfterOneCloses()
    {
        using var t = new NetTestLoop();
        var connections = Channel.CreateUnbounded<Socket>();
        var drops = Channel.CreateUnbounded<DropEvent?>();
        var (server, port) = await t.ListenAsync(s =>
        {
            s.On<Exception>("error", _ => { });
            s.Write("hi");
            s.Pipe(s);
            connections.Writer.TryWrite(s);
        });
        await t.RunAsync(() =>
        {
            server.MaxConnections = 2;
            server.On<DropEvent?>("drop", d => drops.Writer.TryWrite(d));
        });

        using TcpClient a = await ConnectAsync(port);
        using TcpClient b = await ConnectAsync(port);
        Assert.Equal("hi", await ReadAsync(a));
        Assert.Equal("hi", await ReadAsync(b));
        Socket serverSideOfA = await connections.Reader.ReadAsync().AsTask().WaitAsync(NetTestLoop.Deadline);
        await connections.Reader.ReadAsync().AsTask().WaitAsync(NetTestLoop.Deadline);

        using TcpClient c = await ConnectAsync(port);
        Assert.Equal(string.Empty, await ReadAsync(c)); // closed at once: end of stream, no reset
        DropEvent? drop = await drops.Reader.ReadAsync().AsTask().WaitAsync(NetTestLoop.Deadline);
        Assert.NotNull(drop);
        var cLocal = (IPEndPoint)c.Client.LocalEndPoint!;
        Assert.Equal("127.0.0.1", drop.LocalAddress);
        Assert.Equal(port, drop.LocalPort);
        Assert.Equal("IPv4", drop.LocalFamily);
        Assert.Equal("127.0.0.1", drop.RemoteAddress);
        Assert.Equal(cLocal.Port, drop.RemotePort);
        Assert.Equal("IPv4", drop.RemoteFamily);
        Assert.False(connections.Reader.TryRead(out _), "a dropped connection must not be emitted as 'connection'");

        // One admitted connection closes: the next one is admitted.
        var aClosed = NetTestExtensions.NewTcs<bool>();
        await t.RunAsync(() => serverSideOfA.On("close", () => aClosed.TrySetResult(true)));
        a.Close();
        await aClosed.Bounded();
        var count = NetTestExtensions.NewTcs<int>();
        await t.RunAsync(() => server.GetConnections((_, n) => count.TrySetResult(n)));
        Assert.Equal(1, await count.Bounded());
        using TcpClient d = await ConnectAsync(port);
        Assert.Equal("hi", await ReadAsync(d));
        await connections.Reader.ReadAsync().AsTask().WaitAsync(NetTestLoop.Deadline);
        Assert.False(drops.Reader.TryRead(out _));

        // The admitted connections still work after the drop.
        await b.GetStream().WriteAsync("echo"u8.ToArray()).AsTask().WaitAsync(NetTestLoop.Deadline);
        Assert.Equal("echo", await ReadAsync(b));
        await t.RunAsync(() => server.Close());
        b.Close();
        d.Close();
    }

    [Fact]
    public async Task MaxConnectionsZero_IsNoLimit_AsNode20()
    {
        using var t = new NetTestLoop();
        var (server, port) = await t.ListenAsync(s => s.Write("hi"));
        var dropped = false;
        await t.RunAsync(() =>
        {
            server.MaxConnections = 0;
            server.On("drop", () => dropped = true);
        });
        using TcpClient a = await ConnectAsync(port);
        using TcpClient b = await ConnectAsync(port);
        Assert.Equal("hi", await ReadAsync(a));
        Assert.Equal("hi", await ReadAsync(b));
        Assert.False(await t.RunAsync(() => dropped));
        a.Close();
        b.Close();
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task UnixSocket_DropPassesNull()
    {
        using var t = new NetTestLoop();
        string path = NetTestExtensions.TempSocketPath();
        var listening = NetTestExtensions.NewTcs<bool>();
        var drop = NetTestExtensions.NewTcs<DropEvent?>();
        var first = NetTestExtensions.NewTcs<bool>();
        NetServer server = await t.RunAsync(() =>
        {
            NetServer s = NodeHttp.Net.CreateServer(_ => first.TrySetResult(true));
            s.MaxConnections = 1;
            s.On<DropEvent?>("drop", d => drop.TrySetResult(d));
            s.Listen(path, () => listening.TrySetResult(true));
            return s;
        });
        await listening.Bounded();
        using var a = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await a.ConnectAsync(new UnixDomainSocketEndPoint(path)).WaitAsync(NetTestLoop.Deadline);
        await first.Bounded();
        using var b = new System.Net.Sockets.Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await b.ConnectAsync(new UnixDomainSocketEndPoint(path)).WaitAsync(NetTestLoop.Deadline);
        Assert.Null(await drop.Bounded());
        Assert.Equal(0, await b.ReceiveAsync(new byte[16]).WaitAsync(NetTestLoop.Deadline));
        a.Close();
        await t.RunAsync(() => server.Close());
    }

    private static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(NetTestLoop.Deadline);
        return client;
    }

    /// <summary>Reads what arrives first: "hi" from an admitted connection, "" at end of stream.</summary>
    private static async Task<string> ReadAsync(TcpClient client)
    {
        var buffer = new byte[16];
        int n = await client.GetStream().ReadAsync(buffer).AsTask().WaitAsync(NetTestLoop.Deadline);
        return Encoding.ASCII.GetString(buffer, 0, n);
    }
}
