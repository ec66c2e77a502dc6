using System.Diagnostics;
using System.Net.Sockets;

namespace NodeHttp.Tests.Http;

/// <summary>
/// <c>Server.CloseAsync(TimeSpan drainTimeout)</c> on the wire: idle keep-alive connections close at once, requests in
/// progress are answered (with <c>Connection: close</c> when their head is not out yet) and their connection closes
/// after, what is left at the deadline is destroyed, and the task completes when the last connection is gone. The
/// servers here keep idle connections without limit (<c>KeepAliveTimeout = 0</c>), so only the drain closes them.
/// </summary>
public class DrainTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(60);
    private const string Get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    private static ServerOptions KeepForever(EventLoopGroup? loops = null) => new() { KeepAliveTimeout = 0, Loops = loops };

    [Fact]
    public async Task Drain_IdleKeepAliveConnection_IsClosedAtOnce_AndNoNewConnectionIsAccepted()
    {
        await using var server = await TestServer.StartAsync((_, res) => res.End("hi"), KeepForever());
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        string response = await c.ReadResponseAsync();
        Assert.Equal("keep-alive", RawConnection.HeaderOf(response, "connection"));

        Task drained = server.Server.CloseAsync(Long);
        Assert.Equal(string.Empty, await c.ReadToEndAsync());
        await drained.WaitAsync(TestServer.Deadline);
        Assert.False(await server.RunAsync(() => server.Server.Listening));
        var refused = await Assert.ThrowsAsync<SocketException>(() => RawConnection.ConnectAsync(server.Port));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Drain_RequestInProgress_IsAnsweredWithConnectionClose_ThenTheConnectionCloses()
    {
        var held = new TaskCompletionSource<ServerResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((_, res) => held.TrySetResult(res), KeepForever());
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        ServerResponse res = await held.Task.WaitAsync(TestServer.Deadline);

        Task drained = await server.RunAsync(() => server.Server.CloseAsync(Long));
        // The loop turned over: the drain reached the connection, which waits for its answer.
        await server.RunAsync(() => { });
        Assert.False(drained.IsCompleted);

        await server.RunAsync(() => res.End("done"));
        string response = await c.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response);
        Assert.Equal("close", RawConnection.HeaderOf(response, "connection"));
        Assert.Null(RawConnection.HeaderOf(response, "keep-alive"));
        Assert.EndsWith("\r\n\r\ndone", response);
        Assert.Equal(string.Empty, await c.ReadToEndAsync());
        await drained.WaitAsync(TestServer.Deadline);
    }

    [Fact]
    public async Task Drain_HeadAlreadySentWithKeepAlive_ResponseFinishes_ThenTheConnectionCloses()
    {
        var held = new TaskCompletionSource<ServerResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((_, res) =>
        {
            res.Write("first;");
            held.TrySetResult(res);
        }, KeepForever());
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        string head = await c.ReadUntilAsync("\r\n\r\n");
        Assert.Equal("keep-alive", RawConnection.HeaderOf(head, "connection"));
        Assert.Equal("chunked", RawConnection.HeaderOf(head, "transfer-encoding"));
        ServerResponse res = await held.Task.WaitAsync(TestServer.Deadline);

        Task drained = await server.RunAsync(() => server.Server.CloseAsync(Long));
        await server.RunAsync(() => res.End("last"));
        // The body goes on as it started; no other request is taken after it.
        Assert.Equal("6\r\nfirst;\r\n4\r\nlast\r\n0\r\n\r\n", await c.ReadToEndAsync());
        await drained.WaitAsync(TestServer.Deadline);
    }

    [Fact]
    public async Task Drain_RequestBodyStillArriving_IsReadAndAnsweredWithConnectionClose()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            var body = new System.Text.StringBuilder();
            req.On<NodeBuffer>("data", chunk => body.Append(chunk.ToString()));
            req.On("end", () => res.End("got " + body));
            started.TrySetResult();
        }, KeepForever());
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nhello");
        await started.Task.WaitAsync(TestServer.Deadline);

        Task drained = await server.RunAsync(() => server.Server.CloseAsync(Long));
        await c.SendAsync("world");
        string response = await c.ReadResponseAsync();
        Assert.Equal("close", RawConnection.HeaderOf(response, "connection"));
        Assert.EndsWith("\r\n\r\ngot helloworld", response);
        Assert.Equal(string.Empty, await c.ReadToEndAsync());
        await drained.WaitAsync(TestServer.Deadline);
    }

    [Fact]
    public async Task Drain_PipelinedRequestsAlreadyReceived_AreAllAnswered_TheLastWithConnectionClose()
    {
        var responses = new List<ServerResponse>();
        var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            responses.Add(res);
            if (responses.Count == 2)
            {
                both.TrySetResult();
            }
        }, KeepForever());
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
        await both.Task.WaitAsync(TestServer.Deadline);

        Task drained = await server.RunAsync(() => server.Server.CloseAsync(Long));
        await server.RunAsync(() =>
        {
            responses[1].End("two");
            responses[0].End("one");
        });
        string first = await c.ReadResponseAsync();
        string second = await c.ReadResponseAsync();
        Assert.Equal("keep-alive", RawConnection.HeaderOf(first, "connection"));
        Assert.EndsWith("one", first);
        Assert.Equal("close", RawConnection.HeaderOf(second, "connection"));
        Assert.EndsWith("two", second);
        Assert.Equal(string.Empty, await c.ReadToEndAsync());
        await drained.WaitAsync(TestServer.Deadline);
    }

    [Fact]
    public async Task Drain_ConnectionsOnAnEventLoopGroup_AreDrainedOnTheirLoops()
    {
        using var group = new EventLoopGroup(2);
        var held = new System.Collections.Concurrent.ConcurrentQueue<ServerResponse>();
        var two = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            if (req.Url == "/hold")
            {
                held.Enqueue(res);
                if (held.Count == 2)
                {
                    two.TrySetResult();
                }
                return;
            }
            res.End("quick");
        }, KeepForever(group));
        // Two busy connections (round-robin: one on each loop) and two idle ones.
        var busy = new List<RawConnection>();
        var idle = new List<RawConnection>();
        try
        {
            for (int i = 0; i < 2; i++)
            {
                RawConnection b = await server.ConnectAsync();
                busy.Add(b);
                await b.SendAsync("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
                RawConnection q = await server.ConnectAsync();
                idle.Add(q);
                await q.SendAsync(Get);
                await q.ReadResponseAsync();
            }
            await two.Task.WaitAsync(TestServer.Deadline);

            Task drained = await server.RunAsync(() => server.Server.CloseAsync(Long));
            foreach (RawConnection q in idle)
            {
                Assert.Equal(string.Empty, await q.ReadToEndAsync());
            }
            Assert.False(drained.IsCompleted);
            foreach (ServerResponse res in held)
            {
                // After the drain that the server's loop queued to the connection's loop (one queue, in order).
                await res.Socket!.Loop.InvokeAsync(() => res.End("held")).WaitAsync(TestServer.Deadline);
            }
            foreach (RawConnection b in busy)
            {
                string response = await b.ReadResponseAsync();
                Assert.Equal("close", RawConnection.HeaderOf(response, "connection"));
                Assert.EndsWith("held", response);
                Assert.Equal(string.Empty, await b.ReadToEndAsync());
            }
            await drained.WaitAsync(TestServer.Deadline);
        }
        finally
        {
            foreach (RawConnection r in busy.Concat(idle))
            {
                await r.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Drain_ZeroTimeout_DestroysEverythingAtOnce()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((_, _) => held.TrySetResult(), KeepForever());
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        await held.Task.WaitAsync(TestServer.Deadline);
        Task drained = server.Server.CloseAsync(TimeSpan.Zero);
        Assert.Equal(string.Empty, await c.ReadToEndAsync());
        await drained.WaitAsync(TestServer.Deadline);
    }

    [Fact]
    public async Task Drain_BadTimeout_Throws_NotListening_FailsWithServerNotRunning()
    {
        await using var server = await TestServer.StartAsync((_, res) => res.End(), KeepForever());
        // Thrown by the call itself, not through the task.
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = server.Server.CloseAsync(TimeSpan.FromMilliseconds(-2)); });
        Assert.Throws<ArgumentOutOfRangeException>(() => { _ = server.Server.CloseAsync(TimeSpan.FromDays(30)); });
        await server.Server.CloseAsync(Timeout.InfiniteTimeSpan).WaitAsync(TestServer.Deadline);
        var e = await Assert.ThrowsAsync<NodeHttpException>(() => server.Server.CloseAsync(TimeSpan.FromSeconds(1)).WaitAsync(TestServer.Deadline));
        Assert.Equal("ERR_SERVER_NOT_RUNNING", e.Code);
    }
}

/// <summary>The drain's deadline: what is still open when it passes is destroyed, upgraded sockets included.</summary>
[Collection("Timing")]
public class DrainDeadlineTests
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task DrainDeadline_RequestNeverAnswered_IsDestroyedAtTheDeadline()
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((_, _) => held.TrySetResult(), new ServerOptions { KeepAliveTimeout = 0 });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        await held.Task.WaitAsync(TestServer.Deadline);

        var clock = Stopwatch.StartNew();
        Task drained = server.Server.CloseAsync(DrainTimeout);
        Assert.Equal(string.Empty, await c.ReadToEndAsync());
        await drained.WaitAsync(TestServer.Deadline);
        clock.Stop();
        Assert.InRange(clock.Elapsed, DrainTimeout - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task DrainDeadline_UpgradedSocket_IsDestroyedAtTheDeadline()
    {
        var upgraded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(new ServerOptions { KeepAliveTimeout = 0 }, s =>
            s.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (_, socket, _) =>
            {
                socket.Write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
                upgraded.TrySetResult();
            }));
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 101", await c.ReadUntilAsync("\r\n\r\n"));
        await upgraded.Task.WaitAsync(TestServer.Deadline);

        var clock = Stopwatch.StartNew();
        Task drained = server.Server.CloseAsync(DrainTimeout);
        Assert.Equal(string.Empty, await c.ReadToEndAsync());
        await drained.WaitAsync(TestServer.Deadline);
        Assert.InRange(clock.Elapsed, DrainTimeout - TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(5));
    }
}
