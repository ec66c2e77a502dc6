using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace NodeHttp.Tests.Http;

/// <summary>
/// <c>Server.MaxConnections</c>, Node's <c>server.maxConnections</c> on an http server: past the cap a connection is
/// closed at once and the server emits <c>'drop'</c>; the admitted connections are served, and once one of them
/// closes a new one is admitted.
/// </summary>
[Collection("Timing")]
public class ServerMaxConnectionsTests
{
    private const string Get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    [Fact]
    public async Task MaxConnections_ExtraDroppedWithAddresses_AdmittedServed_AdmitsAgainAfterClose()
    {
        var drops = Channel.CreateUnbounded<DropEvent?>();
        var closed = Channel.CreateUnbounded<Socket>();
        var connectionEvents = 0;
        await using TestServer server = await TestServer.StartAsync(
            (req, res) => res.End("ok " + req.Url),
            configure: s =>
            {
                Assert.Null(s.MaxConnections);
                s.MaxConnections = 2;
                s.On<DropEvent?>("drop", d => drops.Writer.TryWrite(d));
                s.On<Socket>("connection", sock =>
                {
                    Interlocked.Increment(ref connectionEvents);
                    sock.On("close", () => closed.Writer.TryWrite(sock));
                });
            });
        Assert.Equal(2, await server.Loop.InvokeAsync(() => server.Server.MaxConnections));

        await using RawConnection a = await RawConnection.ConnectAsync(server.Port);
        await using RawConnection b = await RawConnection.ConnectAsync(server.Port);
        await a.SendAsync(Get);
        Assert.EndsWith("ok /", await a.ReadResponseAsync());
        await b.SendAsync(Get);
        Assert.EndsWith("ok /", await b.ReadResponseAsync());

        // A third connection is closed as soon as it is accepted: no response, end of stream.
        using var c = new TcpClient();
        await c.ConnectAsync(IPAddress.Loopback, server.Port).WaitAsync(TestServer.Deadline);
        int cPort = ((IPEndPoint)c.Client.LocalEndPoint!).Port;
        Assert.Equal(0, await c.GetStream().ReadAsync(new byte[64]).AsTask().WaitAsync(TestServer.Deadline));
        DropEvent? drop = await drops.Reader.ReadAsync().AsTask().WaitAsync(TestServer.Deadline);
        Assert.NotNull(drop);
        Assert.Equal(("127.0.0.1", server.Port, "IPv4"), (drop.LocalAddress, drop.LocalPort, drop.LocalFamily));
        Assert.Equal(("127.0.0.1", cPort, "IPv4"), (drop.RemoteAddress, drop.RemotePort, drop.RemoteFamily));
        Assert.Equal(2, Volatile.Read(ref connectionEvents));

        // The admitted keep-alive connections go on being served.
        await a.SendAsync("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.EndsWith("ok /again", await a.ReadResponseAsync());

        // One of them closes: the next connection is admitted and served.
        await a.DisposeAsync();
        await closed.Reader.ReadAsync().AsTask().WaitAsync(TestServer.Deadline);
        await using RawConnection d = await RawConnection.ConnectAsync(server.Port);
        await d.SendAsync("GET /d HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.EndsWith("ok /d", await d.ReadResponseAsync());
        Assert.Equal(3, Volatile.Read(ref connectionEvents));
        Assert.False(drops.Reader.TryRead(out _));
        Assert.Empty(server.Uncaught);
    }

    [Fact]
    public async Task MaxConnectionsZero_IsNoLimit_AsNode20()
    {
        var dropped = 0;
        await using TestServer server = await TestServer.StartAsync(
            (req, res) => res.End("ok"),
            configure: s =>
            {
                s.MaxConnections = 0;
                s.On("drop", () => Interlocked.Increment(ref dropped));
            });
        await using RawConnection a = await RawConnection.ConnectAsync(server.Port);
        await using RawConnection b = await RawConnection.ConnectAsync(server.Port);
        await a.SendAsync(Get);
        await b.SendAsync(Get);
        Assert.EndsWith("ok", await a.ReadResponseAsync());
        Assert.EndsWith("ok", await b.ReadResponseAsync());
        Assert.Equal(0, Volatile.Read(ref dropped));
    }

    [Fact]
    public async Task DropWithoutListener_IsNotAnError()
    {
        await using TestServer server = await TestServer.StartAsync((req, res) => res.End("ok"), configure: s => s.MaxConnections = 1);
        await using RawConnection a = await RawConnection.ConnectAsync(server.Port);
        await a.SendAsync(Get);
        Assert.EndsWith("ok", await a.ReadResponseAsync());
        await using RawConnection b = await RawConnection.ConnectAsync(server.Port);
        Assert.Equal(string.Empty, await b.ReadToEndAsync());
        await a.SendAsync(Get);
        Assert.EndsWith("ok", await a.ReadResponseAsync());
        Assert.Empty(server.Uncaught);
    }
}
