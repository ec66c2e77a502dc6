using System.Collections.Concurrent;
using System.Net;
using System.Runtime.InteropServices;
using OsSocket = System.Net.Sockets.Socket;

namespace NodeHttp.Tests.Loop;

/// <summary>The loop's poller: backend choice, cross-thread wake-ups of a sleeping loop, timers and fds in one turn.</summary>
public class IoPollerTests
{
    private static bool EpollExpected =>
        OperatingSystem.IsLinux()
        && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64
        && !string.Equals(Environment.GetEnvironmentVariable("NODEHTTP_IO"), "dotnet", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task Linux_loops_wait_in_epoll()
    {
        using var loop = new EventLoop();
        bool hasEpoll = await loop.InvokeAsync(() => loop.Epoll is not null).Bounded();
        Assert.Equal(EpollExpected, hasEpoll);
    }

    [Fact]
    public async Task A_sleeping_loop_is_woken_by_every_post_from_other_threads()
    {
        using var loop = new EventLoop();
        // Alternate: let the loop fall asleep (nothing pending, no timer), then wake it from a pool thread.
        for (int i = 0; i < 200; i++)
        {
            if (i % 20 == 0)
            {
                await Task.Delay(5);
            }
            int n = i;
            Assert.Equal(n, await Task.Run(() => loop.InvokeAsync(() => n)).Bounded());
        }
        // Many threads at once, each post possibly finding the loop asleep, awake, or about to sleep.
        const int Threads = 8, PerThread = 500;
        int ran = 0;
        var all = Enumerable.Range(0, Threads).Select(_ => Task.Run(async () =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                await loop.InvokeAsync(() => { ran++; });
                if (i % 50 == 0)
                {
                    Thread.Sleep(1);
                }
            }
        }));
        await Task.WhenAll(all).Bounded();
        Assert.Equal(Threads * PerThread, await loop.InvokeAsync(() => ran).Bounded());
    }

    [Fact]
    public async Task A_timer_runs_while_the_loop_waits_for_io()
    {
        using var loop = new EventLoop();
        var fired = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        long start = Environment.TickCount64;
        await loop.InvokeAsync(() => loop.SetTimeout(() => fired.TrySetResult(Environment.TickCount64 - start), 30));
        long elapsed = await fired.Task.Bounded();
        Assert.InRange(elapsed, 25, 5000);
    }

    [Fact]
    public async Task A_due_timer_runs_before_the_fd_that_became_ready_in_the_same_turn()
    {
        using var loop = new EventLoop();
        var order = new ConcurrentQueue<string>();
        var connected = new TaskCompletionSource<Socket>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int dataEvents = 0;
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        NetServer server = await loop.InvokeAsync(() =>
        {
            NetServer s = NodeHttp.Net.CreateServer(sock =>
            {
                sock.On<NodeBuffer>("data", _ =>
                {
                    order.Enqueue("data");
                    if (++dataEvents == 1)
                    {
                        first.TrySetResult();
                    }
                    else
                    {
                        second.TrySetResult();
                    }
                });
                connected.TrySetResult(sock);
            });
            s.Listen(0, "127.0.0.1", NetServer.DefaultBacklog, () => listening.TrySetResult(s.Address()!.Port));
            return s;
        }).Bounded();
        int port = await listening.Task.Bounded();
        using var peer = new OsSocket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        peer.Connect(new IPEndPoint(IPAddress.Loopback, port));
        await connected.Task.Bounded();
        peer.Send(new byte[] { 1 });
        await first.Task.Bounded(); // the socket is reading and waits for its next edge
        order.Clear();

        await loop.InvokeAsync(() =>
        {
            loop.SetTimeout(() => order.Enqueue("timer"), 1);
            peer.Send(new byte[] { 2 });
            // Hold the loop so that, when it next polls, the timer is due and the fd is ready.
            Thread.Sleep(50);
        }).Bounded();
        await second.Task.Bounded();
        await Task.Delay(20);
        Assert.Equal(new[] { "timer", "data" }, order.ToArray());
        await loop.InvokeAsync(() => server.Close()).Bounded();
    }

    [Fact]
    public async Task Immediates_posted_every_turn_do_not_starve_sockets()
    {
        using var loop = new EventLoop();
        var got = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var listening = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool spinning = true;
        NetServer server = await loop.InvokeAsync(() =>
        {
            NetServer s = NodeHttp.Net.CreateServer(sock =>
            {
                sock.On<NodeBuffer>("data", _ => got.TrySetResult());
                connected.TrySetResult();
            });
            s.Listen(0, "127.0.0.1", NetServer.DefaultBacklog, () => listening.TrySetResult(s.Address()!.Port));
            return s;
        }).Bounded();
        int port = await listening.Task.Bounded();
        await loop.InvokeAsync(() =>
        {
            void Spin()
            {
                if (spinning)
                {
                    loop.SetImmediate(Spin);
                }
            }
            Spin();
        }).Bounded();
        using var peer = new OsSocket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        peer.Connect(new IPEndPoint(IPAddress.Loopback, port));
        await connected.Task.Bounded();
        peer.Send(new byte[] { 1 });
        await got.Task.Bounded();
        await loop.InvokeAsync(() => { spinning = false; server.Close(); }).Bounded();
    }
}
