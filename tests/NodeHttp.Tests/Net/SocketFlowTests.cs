using System.Diagnostics;
using System.Net.Sockets;

namespace NodeHttp.Tests.Net;

[Collection("Timing")]
public class SocketFlowTests
{
    [Fact]
    public async Task SetTimeout_EmitsTimeoutWithoutDestroying_RefreshedByActivity()
    {
        using var t = new NetTestLoop();
        var serverSock = NetTestExtensions.NewTcs<Socket>();
        var (server, port) = await t.ListenAsync(s => { s.Resume(); serverSock.TrySetResult(s); });
        var timeouts = new List<long>();
        var firstTimeout = NetTestExtensions.NewTcs<bool>();
        Socket? c = null;
        var sw = new Stopwatch();
        await t.RunAsync(() =>
        {
            c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            c.Resume();
            c.On("connect", () =>
            {
                sw.Start();
                // Activity every 40 ms for 200 ms keeps a 100 ms idle timer from firing.
                int writes = 0;
                LoopTimer? tick = null;
                tick = t.Loop.SetInterval(() =>
                {
                    c.Write("x");
                    if (++writes == 5)
                    {
                        tick!.Close();
                    }
                }, 40);
                c.SetTimeout(100, () => { timeouts.Add(sw.ElapsedMilliseconds); firstTimeout.TrySetResult(true); });
            });
        });
        await firstTimeout.Bounded();
        Assert.True(timeouts[0] >= 250, $"timeout fired after {timeouts[0]} ms despite activity");
        Assert.False(await t.RunAsync(() => c!.Destroyed));
        Assert.Equal(100, await t.RunAsync(() => c!.Timeout));
        // Still usable after 'timeout'.
        var echoed = NetTestExtensions.NewTcs<bool>();
        Socket s = await serverSock.Bounded();
        await t.RunAsync(() =>
        {
            s.On<NodeBuffer>("data", d => { if (d.ToString().Contains('!', StringComparison.Ordinal)) { echoed.TrySetResult(true); } });
            c!.SetTimeout(0);
            c.Write("!");
        });
        Assert.True(await echoed.Bounded());
        await Task.Delay(250);
        Assert.Single(timeouts); // 0 disabled it
        await t.RunAsync(() => { c!.Destroy(); server.Close(); });
    }

    [Fact]
    public async Task NoDelayAndKeepAlive_AppliedToTheSocket()
    {
        using var t = new NetTestLoop();
        var serverOpts = NetTestExtensions.NewTcs<(bool NoDelay, bool KeepAlive)>();
        var (server, port) = await t.ListenAsync(s =>
        {
            var os = s.Handle!.Os!;
            serverOpts.TrySetResult((os.NoDelay, (int)os.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0));
            s.Resume();
        }, options: new NetServerOptions { NoDelay = true, KeepAlive = true, KeepAliveInitialDelay = 5000 });
        var client = NetTestExtensions.NewTcs<(bool, bool, int, bool, bool)>();
        await t.RunAsync(() =>
        {
            var c = new Socket();
            // Set before connecting: applied once connected, as Node does.
            c.SetNoDelay(true);
            c.SetKeepAlive(true, 3000);
            c.Connect(port, "127.0.0.1", () =>
            {
              try
              {
                var os = c.Handle!.Os!;
                bool nd = os.NoDelay;
                bool ka = (int)os.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0;
                int idle = (int)os.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime)!;
                c.SetNoDelay(false);
                c.SetKeepAlive(false);
                client.TrySetResult((nd, ka, idle, os.NoDelay,
                    (int)os.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive)! != 0));
                c.Destroy();
              }
              catch (Exception e)
              {
                  client.TrySetException(e);
              }
            });
        });
        Assert.Equal((true, true, 3, false, false), await client.Bounded());
        Assert.Equal((true, true), await serverOpts.Bounded());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task RefUnref_DecideWhenRunReturns()
    {
        // A listening server keeps Run alive; unref'd it does not.
        var run = Task.Run(() => EventLoop.Run(() =>
        {
            NetServer s = NodeHttp.Net.CreateServer();
            s.Listen(0, "127.0.0.1");
            s.Unref();
        }));
        await run.WaitAsync(NetTestLoop.Deadline);

        // An open, unref'd client socket does not keep Run alive; its server (ref'd) does until closed.
        var order = new List<string>();
        var run2 = Task.Run(() => EventLoop.Run(() =>
        {
            // As in Node, the server's own connection is a handle of its own: unref it too.
            NetServer s = NodeHttp.Net.CreateServer(sock => { sock.Resume(); sock.Unref(); });
            s.Listen(0, "127.0.0.1", NetServer.DefaultBacklog, () =>
            {
                Socket c = NodeHttp.Net.CreateConnection(s.Address()!.Port, "127.0.0.1");
                c.Resume();
                c.On("connect", () =>
                {
                    c.Unref();
                    s.Unref();
                    order.Add("connected");
                });
            });
        }));
        await run2.WaitAsync(NetTestLoop.Deadline);
        Assert.Equal(new[] { "connected" }, order);

        // A ref'd socket keeps Run alive until it closes.
        var run3 = Task.Run(() => EventLoop.Run(() =>
        {
            NetServer? s = null;
            s = NodeHttp.Net.CreateServer(sock => { sock.End("bye"); s!.Close(); });
            s.Listen(0, "127.0.0.1", NetServer.DefaultBacklog, () =>
            {
                Socket c = NodeHttp.Net.CreateConnection(s.Address()!.Port, "127.0.0.1");
                c.Resume();
                c.On<bool>("close", _ => order.Add("closed"));
            });
        }));
        await run3.WaitAsync(NetTestLoop.Deadline);
        Assert.Equal(new[] { "connected", "closed" }, order);
    }

    [Fact]
    public async Task BackPressure_PausedReaderStopsReads_WriterSeesFalseAndDrain_ResumeDeliversAll()
    {
        using var t = new NetTestLoop();
        const int Total = 32 * 1024 * 1024;
        var serverSock = NetTestExtensions.NewTcs<Socket>();
        var (server, port) = await t.ListenAsync(s => serverSock.TrySetResult(s), options: new NetServerOptions { PauseOnConnect = true });
        var payload = new byte[64 * 1024];
        for (int i = 0; i < payload.Length; i++)
        {
            payload[i] = (byte)(i * 7 + 3);
        }
        int falseCount = 0;
        int drains = 0;
        long written = 0;
        var stalled = NetTestExtensions.NewTcs<bool>();
        Socket? c = null;
        await t.RunAsync(() =>
        {
            c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            void Pump()
            {
                while (written < Total)
                {
                    written += payload.Length;
                    if (!c!.Write(payload))
                    {
                        falseCount++;
                        stalled.TrySetResult(true);
                        return;
                    }
                }
                c!.End();
            }
            c.On("drain", () => { drains++; Pump(); });
            c.On("connect", Pump);
        });
        Socket s = await serverSock.Bounded();
        Assert.True(await stalled.Bounded());
        // The reader is paused: wait until the writer is stuck, then check nothing piled up in user space.
        long lastWritten = -1;
        for (int i = 0; i < 50; i++)
        {
            await Task.Delay(40);
            long w = await t.RunAsync(() => written);
            if (w == lastWritten)
            {
                break;
            }
            lastWritten = w;
        }
        var (buffered, read) = await t.RunAsync(() => (s.ReadableLength, s.BytesRead));
        Assert.True(written < Total, "writer was never held back");
        Assert.True(buffered <= s.ReadableHighWaterMark + SocketHandle.ReceiveBufferSize, $"paused reader buffered {buffered} bytes");
        Assert.True(read <= 4L * 1024 * 1024, $"paused socket kept reading: {read} bytes");
        // Resume: everything arrives intact.
        var done = NetTestExtensions.NewTcs<long>();
        long received = 0;
        bool intact = true;
        await t.RunAsync(() =>
        {
            s.On<NodeBuffer>("data", d =>
            {
                ReadOnlySpan<byte> span = d.Span;
                for (int i = 0; i < span.Length; i += 997)
                {
                    if (span[i] != payload[(received + i) % payload.Length])
                    {
                        intact = false;
                    }
                }
                received += span.Length;
            });
            s.On("end", () => done.TrySetResult(received));
            s.Resume();
        });
        Assert.Equal(Total, await done.Task.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.True(intact);
        Assert.True(falseCount > 0);
        Assert.Equal(falseCount, await t.RunAsync(() => drains));
        await t.RunAsync(() => server.Close());
    }
}
