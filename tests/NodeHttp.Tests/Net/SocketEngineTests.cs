using System.Net;
using System.Net.Sockets;
using OsSocket = System.Net.Sockets.Socket;

namespace NodeHttp.Tests.Net;

/// <summary>
/// The socket engine under load and at its edges: many sockets on one loop, writes the kernel refuses (write
/// interest), closing while a write waits, accept bursts.
/// </summary>
public class SocketEngineTests
{
    private static byte Pattern(long k) => (byte)((k * 31) + 7);

    private static OsSocket RawClient(int port, int receiveBuffer = 0)
    {
        var s = new OsSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (receiveBuffer > 0)
        {
            s.ReceiveBufferSize = receiveBuffer;
        }
        s.Connect(new IPEndPoint(IPAddress.Loopback, port));
        return s;
    }

    /// <summary>
    /// Writes patterned 16 KiB chunks on the loop until the kernel refuses part of one (the handle then waits for
    /// write readiness) and <c>Write</c> has returned false; returns the bytes written.
    /// </summary>
    private static long FillUntilFalse(Socket s, int maxChunks = 100_000)
    {
        long written = 0;
        for (int i = 0; i < maxChunks; i++)
        {
            var chunk = new byte[16 * 1024];
            for (int j = 0; j < chunk.Length; j++)
            {
                chunk[j] = Pattern(written + j);
            }
            written += chunk.Length;
            bool more = s.Write(chunk);
            if (!more && s.Handle!.WritePending)
            {
                return written;
            }
        }
        throw new InvalidOperationException("the kernel never refused a write");
    }

    private static long ReadAllChecked(OsSocket peer, long expected)
    {
        var buffer = new byte[64 * 1024];
        long received = 0;
        peer.ReceiveTimeout = 10_000;
        while (true)
        {
            int n = peer.Receive(buffer);
            if (n == 0)
            {
                return received;
            }
            for (int i = 0; i < n; i++)
            {
                if (buffer[i] != Pattern(received + i))
                {
                    throw new InvalidOperationException($"byte {received + i} is wrong");
                }
            }
            received += n;
            if (expected > 0 && received == expected)
            {
                return received;
            }
        }
    }

    [Fact]
    public async Task Many_sockets_on_one_loop_echo_intact()
    {
        using var t = new NetTestLoop();
        var (server, port) = await t.ListenAsync(s => s.Pipe(s));
        const int Clients = 100, Bytes = 64 * 1024;
        var done = Enumerable.Range(0, Clients).Select(_ => NetTestExtensions.NewTcs<bool>()).ToArray();
        await t.RunAsync(() =>
        {
            for (int i = 0; i < Clients; i++)
            {
                int index = i;
                var payload = new byte[Bytes];
                for (int j = 0; j < Bytes; j++)
                {
                    payload[j] = (byte)(j + index);
                }
                var received = new MemoryStream();
                Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
                c.On<NodeBuffer>("data", d =>
                {
                    received.Write(d.Span);
                    if (received.Length == Bytes)
                    {
                        done[index].TrySetResult(received.ToArray().AsSpan().SequenceEqual(payload));
                        c.Destroy();
                    }
                });
                c.On<Exception>("error", e => done[index].TrySetException(e));
                c.Write(payload);
            }
        });
        foreach (var d in done)
        {
            Assert.True(await d.Bounded());
        }
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task A_write_the_kernel_refuses_completes_once_the_peer_reads_everything()
    {
        using var t = new NetTestLoop();
        var serverSide = NetTestExtensions.NewTcs<Socket>();
        var (server, port) = await t.ListenAsync(s => serverSide.TrySetResult(s));
        using OsSocket peer = RawClient(port, receiveBuffer: 8 * 1024);
        Socket s = await serverSide.Bounded();
        var drained = NetTestExtensions.NewTcs<bool>();
        var finished = NetTestExtensions.NewTcs<bool>();
        var (written, blocked) = await t.RunAsync(() =>
        {
            s.On("drain", () => drained.TrySetResult(true));
            s.On("finish", () => finished.TrySetResult(true));
            long n = FillUntilFalse(s);
            return (n, s.Handle!.WritePending);
        });
        // The peer has not read a byte: the kernel refused part of the data, which now waits for write readiness.
        Assert.True(blocked);
        Assert.True(await t.RunAsync(() => s.Handle!.PendingWriteBytes > 0));
        var reader = Task.Run(() => ReadAllChecked(peer, 0));
        Assert.True(await drained.Bounded());
        await t.RunAsync(() => s.End());
        Assert.True(await finished.Bounded());
        Assert.Equal(written, await reader.WaitAsync(NetTestLoop.Deadline));
        Assert.Equal(written, await t.RunAsync(() => s.BytesWritten));
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Closing_while_a_write_waits_for_the_kernel_sends_FIN_and_releases_everything()
    {
        using var t = new NetTestLoop();
        var serverSide = NetTestExtensions.NewTcs<Socket>();
        var (server, port) = await t.ListenAsync(s => serverSide.TrySetResult(s));
        using OsSocket peer = RawClient(port, receiveBuffer: 8 * 1024);
        Socket s = await serverSide.Bounded();
        var closed = NetTestExtensions.NewTcs<bool>();
        var serverClosed = NetTestExtensions.NewTcs<bool>();
        bool blocked = await t.RunAsync(() =>
        {
            s.On<bool>("close", e => closed.TrySetResult(e));
            FillUntilFalse(s);
            bool pending = s.Handle!.WritePending;
            s.Destroy();
            server.Close(_ => serverClosed.TrySetResult(true));
            return pending;
        });
        Assert.True(blocked);
        Assert.False(await closed.Bounded());
        Assert.True(await serverClosed.Bounded());
        // What the kernel had taken arrives, then a clean EOF (FIN, not RST); the rest was dropped.
        long got = await Task.Run(() => ReadAllChecked(peer, 0)).WaitAsync(NetTestLoop.Deadline);
        Assert.True(got > 0);
        Assert.Equal(0, await t.RunAsync(() => t.Loop.RefCount));
    }

    [Fact]
    public async Task A_burst_of_200_connections_is_accepted()
    {
        using var t = new NetTestLoop();
        const int Clients = 200;
        int accepted = 0;
        var all = NetTestExtensions.NewTcs<bool>();
        var (server, port) = await t.ListenAsync(s =>
        {
            s.Pipe(s);
            if (++accepted == Clients)
            {
                all.TrySetResult(true);
            }
        });
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(async i =>
        {
            var c = new OsSocket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await c.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            return c;
        })).WaitAsync(NetTestLoop.Deadline);
        Assert.True(await all.Bounded());
        // Every accepted socket works.
        await Task.WhenAll(clients.Select(async (c, i) =>
        {
            await c.SendAsync(new[] { (byte)i });
            var one = new byte[1];
            Assert.Equal(1, await c.ReceiveAsync(one));
            Assert.Equal((byte)i, one[0]);
            c.Dispose();
        })).WaitAsync(NetTestLoop.Deadline);
        Assert.Equal(Clients, await t.RunAsync(() => accepted));
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task A_paused_socket_reads_what_arrived_meanwhile_when_resumed()
    {
        using var t = new NetTestLoop();
        var serverSide = NetTestExtensions.NewTcs<Socket>();
        var (server, port) = await t.ListenAsync(s => serverSide.TrySetResult(s));
        using OsSocket peer = RawClient(port);
        Socket s = await serverSide.Bounded();
        var first = NetTestExtensions.NewTcs<bool>();
        var received = new MemoryStream();
        var all = NetTestExtensions.NewTcs<bool>();
        await t.RunAsync(() => s.On<NodeBuffer>("data", d =>
        {
            received.Write(d.Span);
            first.TrySetResult(true);
            if (received.Length == 3)
            {
                all.TrySetResult(true);
            }
        }));
        peer.Send(new byte[] { 1 });
        await first.Bounded();
        await t.RunAsync(() => s.Pause());
        // Arrives (and is reported by epoll) while nobody wants it; nothing new arrives after the resume.
        peer.Send(new byte[] { 2, 3 });
        await Task.Delay(50);
        Assert.Equal(1, await t.RunAsync(() => received.Length));
        await t.RunAsync(() => s.Resume());
        Assert.True(await all.Bounded());
        Assert.Equal(new byte[] { 1, 2, 3 }, received.ToArray());
        await t.RunAsync(() => { s.Destroy(); server.Close(); });
    }

    [Fact]
    public async Task Data_and_FIN_arriving_together_give_data_then_end()
    {
        using var t = new NetTestLoop();
        var events = new List<string>();
        var ended = NetTestExtensions.NewTcs<bool>();
        var (server, port) = await t.ListenAsync(s =>
        {
            s.On<NodeBuffer>("data", d => events.Add("data:" + d.Length));
            s.On("end", () => { events.Add("end"); ended.TrySetResult(true); });
        });
        using (OsSocket peer = RawClient(port))
        {
            peer.Send(new byte[100]);
            peer.Shutdown(SocketShutdown.Send);
            Assert.True(await ended.Bounded());
        }
        Assert.Equal(new[] { "data:100", "end" }, await t.RunAsync(() => events.ToArray()));
        await t.RunAsync(() => server.Close());
    }
}
