using System.Collections.Concurrent;
using System.Text;

namespace NodeHttp.Tests.Net;

public class SocketLifecycleTests
{
    [Fact]
    public async Task AllowHalfOpenFalse_EndsOurSideAfterPeerEnd()
    {
        using var t = new NetTestLoop();
        var serverEvents = new ConcurrentQueue<string>();
        var serverClosed = NetTestExtensions.NewTcs<bool>();
        var (server, port) = await t.ListenAsync(s =>
        {
            s.On("end", () => serverEvents.Enqueue("end"));
            s.On("finish", () => serverEvents.Enqueue("finish"));
            s.On<bool>("close", e => { serverEvents.Enqueue("close"); serverClosed.TrySetResult(e); });
            s.Resume();
        });
        var clientEnd = NetTestExtensions.NewTcs<bool>();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            c.On("end", () => clientEnd.TrySetResult(true));
            c.Resume();
            c.End();
        });
        Assert.True(await clientEnd.Bounded());
        Assert.False(await serverClosed.Bounded());
        Assert.Equal(new[] { "end", "finish", "close" }, serverEvents.ToArray());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task DataAndFinQueuedTogether_EndIsReadOnALaterTurn()
    {
        // node (a server whose client sent 'hello' and its FIN while the loop was blocked; the data listener
        // queues an immediate):
        //   data:hello immediate end close
        // libuv reads the data, goes on through the turn (the check phase runs the immediate), and reads the FIN
        // on its next poll.
        using var t = new NetTestLoop();
        var events = new ConcurrentQueue<string>();
        var closed = NetTestExtensions.NewTcs<bool>();
        var connected = NetTestExtensions.NewTcs<bool>();
        var (server, port) = await t.ListenAsync(s =>
        {
            s.On<NodeBuffer>("data", d =>
            {
                events.Enqueue("data:" + d.ToString());
                t.Loop.SetImmediate(() => events.Enqueue("immediate"));
            });
            s.On("end", () => events.Enqueue("end"));
            s.On<bool>("close", _ => { events.Enqueue("close"); closed.TrySetResult(true); });
            connected.TrySetResult(true);
        });
        using var client = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
        await connected.Bounded();
        await t.RunAsync(() => { }); // the server socket is reading and waits for readiness
        // Hold the loop until the bytes and the FIN are both queued, so one readiness event reports them together.
        using var hold = new ManualResetEventSlim();
        t.Loop.Post(() => hold.Wait(NetTestLoop.Deadline));
        client.Send(Encoding.ASCII.GetBytes("hello"));
        client.Shutdown(System.Net.Sockets.SocketShutdown.Send);
        hold.Set();
        await closed.Bounded();
        Assert.Equal(new[] { "data:hello", "immediate", "end", "close" }, events.ToArray());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task AllowHalfOpenTrue_ServerWritesAfterPeerEnd()
    {
        using var t = new NetTestLoop();
        var (server, port) = await t.ListenAsync(s =>
        {
            s.On("end", () =>
            {
                Assert.True(s.IsWritable);
                s.End("after-end");
            });
            s.Resume();
        }, options: new NetServerOptions { AllowHalfOpen = true });
        var got = NetTestExtensions.NewTcs<string>();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            var sb = new StringBuilder();
            c.On<NodeBuffer>("data", d => sb.Append(d.ToString()));
            c.On("end", () => got.TrySetResult(sb.ToString()));
            c.End("bye");
        });
        Assert.Equal("after-end", await got.Bounded());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task ClientAllowHalfOpenTrue_StaysWritableAfterEnd()
    {
        using var t = new NetTestLoop();
        var serverGot = NetTestExtensions.NewTcs<string>();
        var (server, port) = await t.ListenAsync(s =>
        {
            var sb = new StringBuilder();
            s.On<NodeBuffer>("data", d => sb.Append(d.ToString()));
            s.On("end", () => serverGot.TrySetResult(sb.ToString()));
            s.End(); // server ends first: FIN to the client
        }, options: new NetServerOptions { AllowHalfOpen = true });
        await t.RunAsync(() =>
        {
            var c = new Socket(allowHalfOpen: true);
            c.On("end", () => c.End("still-writable"));
            c.Resume();
            c.Connect(port, "127.0.0.1");
        });
        Assert.Equal("still-writable", await serverGot.Bounded());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Destroy_WithoutError_ClosesWithHadErrorFalse()
    {
        using var t = new NetTestLoop();
        var (server, port) = await t.ListenAsync(s => s.Resume());
        var events = new ConcurrentQueue<string>();
        var closed = NetTestExtensions.NewTcs<bool>();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1", null);
            c.On("connect", () => c.Destroy());
            c.On<Exception>("error", e => events.Enqueue("error"));
            c.On<bool>("close", e => { events.Enqueue("close:" + e); closed.TrySetResult(e); });
        });
        Assert.False(await closed.Bounded());
        Assert.Equal(new[] { "close:False" }, events.ToArray());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Destroy_WithError_EmitsErrorThenCloseTrue()
    {
        using var t = new NetTestLoop();
        var (server, port) = await t.ListenAsync(s => s.Resume());
        var events = new ConcurrentQueue<string>();
        var closed = NetTestExtensions.NewTcs<bool>();
        Socket? client = null;
        await t.RunAsync(() =>
        {
            client = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            client.On("connect", () => client.Destroy(new InvalidOperationException("boom")));
            client.On<Exception>("error", e => events.Enqueue("error:" + e.Message));
            client.On<bool>("close", e => { events.Enqueue("close:" + e); closed.TrySetResult(e); });
        });
        Assert.True(await closed.Bounded());
        Assert.Equal(new[] { "error:boom", "close:True" }, events.ToArray());
        Assert.True(await t.RunAsync(() => client!.Destroyed));
        Assert.Equal("closed", await t.RunAsync(() => client!.ReadyState));
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task DestroySoon_FlushesThenCloses()
    {
        using var t = new NetTestLoop();
        var got = NetTestExtensions.NewTcs<string>();
        var (server, port) = await t.ListenAsync(s =>
        {
            var sb = new StringBuilder();
            s.On<NodeBuffer>("data", d => sb.Append(d.ToString()));
            s.On("end", () => got.TrySetResult(sb.ToString()));
        });
        var closed = NetTestExtensions.NewTcs<bool>();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            c.Write("queued-before-connect");
            c.DestroySoon();
            c.On<bool>("close", e => closed.TrySetResult(e));
        });
        Assert.Equal("queued-before-connect", await got.Bounded());
        Assert.False(await closed.Bounded());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task ConnectingPendingReadyState_Progress()
    {
        using var t = new NetTestLoop();
        var (server, port) = await t.ListenAsync(s => s.Resume());
        var states = new ConcurrentQueue<string>();
        var connected = NetTestExtensions.NewTcs<bool>();
        Socket? c = null;
        await t.RunAsync(() =>
        {
            c = new Socket();
            states.Enqueue($"{c.Connecting}/{c.Pending}");
            c.Connect(port, "127.0.0.1", () =>
            {
                states.Enqueue($"{c.Connecting}/{c.Pending}/{c.ReadyState}");
                connected.TrySetResult(true);
            });
            states.Enqueue($"{c.Connecting}/{c.Pending}/{c.ReadyState}");
        });
        await connected.Bounded();
        Assert.Equal(new[] { "False/True", "True/True/opening", "False/False/open" }, states.ToArray());
        await t.RunAsync(() => { c!.Destroy(); server.Close(); });
    }

    [Fact]
    public async Task BytesReadAndWritten_Counted()
    {
        using var t = new NetTestLoop();
        var serverRead = NetTestExtensions.NewTcs<long>();
        var (server, port) = await t.ListenAsync(s =>
        {
            s.Resume();
            s.On("end", () => serverRead.TrySetResult(s.BytesRead));
            s.Write(new byte[300]);
            s.End();
        });
        var clientDone = NetTestExtensions.NewTcs<(long Read, long Written)>();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            c.Write(new byte[1000]);
            c.Write("héllo"); // 6 bytes in UTF-8
            c.Resume();
            c.On<bool>("close", _ => clientDone.TrySetResult((c.BytesRead, c.BytesWritten)));
        });
        var (read, written) = await clientDone.Bounded();
        Assert.Equal(300, read);
        Assert.Equal(1006, written);
        Assert.Equal(1006, await serverRead.Bounded());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task WriteCallbacksRunAndDataIntact_ManyWrites()
    {
        using var t = new NetTestLoop();
        var got = NetTestExtensions.NewTcs<byte[]>();
        var (server, port) = await t.ListenAsync(s =>
        {
            var ms = new MemoryStream();
            s.On<NodeBuffer>("data", d => ms.Write(d.Span));
            s.On("end", () => got.TrySetResult(ms.ToArray()));
        });
        var expected = new MemoryStream();
        int callbacks = 0;
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            for (int i = 0; i < 2000; i++)
            {
                var chunk = Encoding.ASCII.GetBytes($"chunk-{i};");
                expected.Write(chunk);
                c.Write(chunk, _ => callbacks++);
            }
            c.End();
        });
        Assert.Equal(expected.ToArray(), await got.Bounded());
        Assert.Equal(2000, await t.RunAsync(() => callbacks));
        await t.RunAsync(() => server.Close());
    }
}
