using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.Http;

/// <summary>Server events, errors, upgrade/CONNECT, back-pressure and close, over real sockets.</summary>
public class ServerBehaviorTests
{
    private const string Get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    private static TaskCompletionSource<T> Tcs<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [Fact]
    public async Task EventOrder_RequestEndFinishClose()
    {
        var events = new ConcurrentQueue<string>();
        var closed = Tcs<bool>();
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            events.Enqueue("request");
            req.On("end", () => events.Enqueue("req:end"));
            req.On("close", () => { events.Enqueue("req:close"); closed.TrySetResult(true); });
            res.On("finish", () => events.Enqueue("res:finish"));
            res.On("close", () => events.Enqueue("res:close"));
            req.Resume();
            req.On("end", () => res.End("done"));
        }, configure: s => s.On<Socket>("connection", _ => events.Enqueue("connection")));
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        string response = await c.ReadResponseAsync();
        Assert.EndsWith("done", response);
        await closed.Task.WaitAsync(TestServer.Deadline);
        // Node 20 (node v20.20.2 run on the same exchange): connection, request, req end, res finish, res close, req close.
        Assert.Equal(new[] { "connection", "request", "req:end", "res:finish", "res:close", "req:close" }, events.ToArray());
    }

    [Fact]
    public async Task PrependedFinishListener_RunsBeforeTheResponseLetsGoOfItsSocket()
    {
        // node v20.20.2 (res.on('finish') first, then res.prependListener('finish'), each printing res.socket !== null):
        //   prepend:socket=true on:socket=false
        // Node's server registers resOnFinish (which detaches the socket) as the first 'finish' listener.
        var events = new ConcurrentQueue<string>();
        var finished = Tcs<bool>();
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            res.On("finish", () => { events.Enqueue("on:socket=" + (res.Socket is not null).ToString().ToLowerInvariant()); finished.TrySetResult(true); });
            res.PrependListener("finish", () => events.Enqueue("prepend:socket=" + (res.Socket is not null).ToString().ToLowerInvariant()));
            res.End("ok");
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        Assert.EndsWith("ok", await c.ReadResponseAsync());
        await finished.Task.WaitAsync(TestServer.Deadline);
        Assert.Equal(new[] { "prepend:socket=true", "on:socket=false" }, events.ToArray());
        // The connection still serves the next request.
        await c.SendAsync(Get);
        Assert.EndsWith("ok", await c.ReadResponseAsync());
    }

    [Fact]
    public async Task EventOrder_UnreadBody_FinishCloseThenEndClose()
    {
        var events = new ConcurrentQueue<string>();
        var reqClosed = Tcs<bool>();
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            events.Enqueue("request");
            req.On("end", () => events.Enqueue("req:end"));
            req.On("close", () => { events.Enqueue("req:close"); reqClosed.TrySetResult(true); });
            res.On("finish", () => events.Enqueue("res:finish"));
            res.On("close", () => events.Enqueue("res:close"));
            res.End("done");
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
        Assert.EndsWith("done", await c.ReadResponseAsync());
        await reqClosed.Task.WaitAsync(TestServer.Deadline);
        // node v20.20.2 on the same exchange: request, res:finish, res:close, req:end, req:close.
        Assert.Equal(new[] { "request", "res:finish", "res:close", "req:end", "req:close" }, events.ToArray());
    }

    [Fact]
    public async Task Errors_AreNodes()
    {
        var errors = new ErrorCodeLog();
        var done = Tcs<bool>();
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            errors.Expect("ERR_INVALID_HTTP_TOKEN", () => res.SetHeader("Bad Name", "x"));
            errors.Expect("ERR_INVALID_CHAR", () => res.SetHeader("X-A", "a\r\nb"));
            errors.Expect("ERR_HTTP_INVALID_STATUS_CODE", () => res.WriteHead(99));
            errors.Expect("ERR_HTTP_INVALID_STATUS_CODE", () => res.WriteHead(1000));
            errors.Expect("ERR_INVALID_HTTP_TOKEN", () => res.AddTrailers([new("Bad Name", "x")]));
            res.WriteHead(200);
            errors.Expect("ERR_HTTP_HEADERS_SENT", () => res.SetHeader("X-A", "1"));
            errors.Expect("ERR_HTTP_HEADERS_SENT", () => res.RemoveHeader("X-A"));
            errors.Expect("ERR_HTTP_HEADERS_SENT", () => res.WriteHead(200));
            res.On<Exception>("error", e => { errors.Add(((NodeHttpException)e).Code); done.TrySetResult(true); });
            res.End("x");
            res.Write("late");
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        await c.ReadResponseAsync();
        await done.Task.WaitAsync(TestServer.Deadline);
        Assert.Equal(new[]
        {
            "ERR_INVALID_HTTP_TOKEN", "ERR_INVALID_CHAR", "ERR_HTTP_INVALID_STATUS_CODE", "ERR_HTTP_INVALID_STATUS_CODE",
            "ERR_INVALID_HTTP_TOKEN", "ERR_HTTP_HEADERS_SENT", "ERR_HTTP_HEADERS_SENT", "ERR_HTTP_HEADERS_SENT",
            "ERR_STREAM_WRITE_AFTER_END",
        }, errors.ToArray());
    }

    [Fact]
    public async Task HeaderStore_CaseInsensitive_OriginalCasingOnWire()
    {
        var seen = Tcs<string>();
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            res.SetHeader("X-Foo", "1");
            res.SetHeader("x-bar", new StringValues(["a", "b"]));
            res.AppendHeader("X-FOO", "2");
            seen.TrySetResult(string.Join("|", res.GetHeaderNames()) + ";" + res.GetHeader("x-foo") + ";" + res.HasHeader("X-BAR") + ";" + res.GetHeaders()["x-bar"]);
            res.RemoveHeader("X-BAR");
            res.End();
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        string response = await c.ReadResponseAsync();
        Assert.Equal("x-foo|x-bar;1,2;True;a,b", await seen.Task.WaitAsync(TestServer.Deadline));
        Assert.Contains("\r\nX-Foo: 1\r\nX-Foo: 2\r\n", response);
        Assert.DoesNotContain("x-bar", response, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AsyncHandler_Fault_Gets500_AndReachesUncaught()
    {
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            await Task.Yield();
            res.SetHeader("X-Lost", "1");
            throw new InvalidOperationException("boom");
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        string response = await c.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 500 Internal Server Error\r\n", response);
        Assert.DoesNotContain("X-Lost", response);
        Assert.Contains("Content-Length: 0", response);
        Assert.Single(server.Uncaught, e => e is InvalidOperationException { Message: "boom" });
    }

    [Fact]
    public async Task AsyncHandler_FaultAfterHeaders_DestroysSocket()
    {
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            res.Write("partial");
            await Task.Delay(10);
            throw new InvalidOperationException("late");
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        string all = await c.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", all);
        Assert.Contains("7\r\npartial\r\n", all);
        Assert.DoesNotContain("0\r\n\r\n", all);
        Assert.Single(server.Uncaught);
    }

    [Fact]
    public async Task SyncHandler_ThrowAfterWrite_SendsWhatWasWritten_ThenDestroys()
    {
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            res.Write("partial");
            throw new InvalidOperationException("after write");
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        string all = await c.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", all);
        Assert.EndsWith("7\r\npartial\r\n", all);
    }

    [Fact]
    public async Task ClientHalfClose_SyncResponseDelivered_AsNode()
    {
        await using var server = await TestServer.StartAsync((req, res) => res.End("sync"));
        for (int i = 0; i < 5; i++)
        {
            await using RawConnection c = await server.ConnectAsync();
            await c.SendAsync(Get);
            c.ShutdownSend();
            Assert.EndsWith("sync", await c.ReadToEndAsync());
        }
    }

    [Fact]
    public async Task SyncHandler_Throw_Gets500_OtherRequestsGoOn()
    {
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            if (req.Url == "/throw")
            {
                throw new InvalidOperationException("sync");
            }
            res.End("fine");
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET /throw HTTP/1.1\r\nHost: x\r\n\r\nGET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 500 ", await c.ReadResponseAsync());
        Assert.EndsWith("fine", await c.ReadResponseAsync());
        Assert.Single(server.Uncaught);
    }

    [Fact]
    public async Task Upgrade_ListenerGetsRequestSocketAndHead_SocketIsTheUsers()
    {
        var head = Tcs<string>();
        await using var server = await TestServer.StartAsync(new ServerOptions(), s =>
        {
            s.On<IncomingMessage, ServerResponse>("request", (_, res) => res.End("not upgraded"));
            s.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (req, socket, h) =>
            {
                head.TrySetResult(req.Headers["upgrade"] + "|" + h.ToString("latin1"));
                socket.Write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
                socket.On<NodeBuffer>("data", d => socket.Write(d));
            });
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET /chat HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\nearly");
        Assert.Equal("echo|early", await head.Task.WaitAsync(TestServer.Deadline));
        Assert.StartsWith("HTTP/1.1 101 Switching Protocols\r\n", await c.ReadUntilAsync("\r\n\r\n"));
        await c.SendAsync("ping");
        Assert.Equal("ping", await c.ReadExactlyAsync(4));
    }

    [Fact]
    public async Task Connect_ListenerTunnels()
    {
        await using var server = await TestServer.StartAsync(new ServerOptions(), s =>
        {
            s.On<IncomingMessage, Socket, NodeBuffer>("connect", (req, socket, h) =>
            {
                socket.Write("HTTP/1.1 200 Connection Established\r\n\r\n" + req.Url + "|" + h.ToString("latin1"));
                socket.On<NodeBuffer>("data", d => socket.Write(d));
            });
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\nhello");
        const string expected = "HTTP/1.1 200 Connection Established\r\n\r\nexample.com:443|hello";
        Assert.Equal(expected, await c.ReadExactlyAsync(expected.Length));
        await c.SendAsync("more");
        Assert.Equal("more", await c.ReadExactlyAsync(4));
    }

    [Fact]
    public async Task PrematureDisconnect_AbortsRequest_ClosesResponse()
    {
        var events = new ConcurrentQueue<string>();
        var reqClosed = Tcs<bool>();
        var resClosed = Tcs<bool>();
        var gotRequest = Tcs<bool>();
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            req.On("aborted", () => events.Enqueue("aborted"));
            req.On("close", () => { events.Enqueue("req:close"); reqClosed.TrySetResult(true); });
            res.On("close", () => { events.Enqueue("res:close"); resClosed.TrySetResult(true); });
            gotRequest.TrySetResult(true);
        });
        RawConnection c = await server.ConnectAsync();
        await c.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial");
        await gotRequest.Task.WaitAsync(TestServer.Deadline);
        await c.DisposeAsync();
        // The request's 'close' comes a tick after the response's (as in Node): both are awaited.
        await Task.WhenAll(reqClosed.Task, resClosed.Task).WaitAsync(TestServer.Deadline);
        Assert.Contains("aborted", events);
        Assert.Contains("req:close", events);
        Assert.Contains("res:close", events);
    }

    [Fact]
    public async Task UnreadBody_IsDrained_BeforeNextKeepAliveRequest()
    {
        await using var server = await TestServer.StartAsync((req, res) => res.End(req.Url!));
        await using RawConnection c = await server.ConnectAsync();
        string body = new('b', 100_000);
        await c.SendAsync($"POST /1 HTTP/1.1\r\nHost: x\r\nContent-Length: {body.Length}\r\n\r\n{body}GET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.EndsWith("/1", await c.ReadResponseAsync());
        Assert.EndsWith("/2", await c.ReadResponseAsync());
    }

    [Fact]
    public async Task UnreadBody_PastTheDrainBound_ClosesConnection()
    {
        await using var server = await TestServer.StartAsync((req, res) => res.End("early"));
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4000000\r\n\r\n");
        Assert.EndsWith("early", await c.ReadResponseAsync());
        // The response is out; the 4 MB body nobody reads is drained only up to the bound, then the connection goes.
        try
        {
            for (int i = 0; i < 100 && !c.Closed; i++)
            {
                await c.SendAsync(new byte[40_000]);
            }
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException)
        {
            // The server closed while we were still sending: what is being tested.
        }
        Assert.Equal(string.Empty, await c.ReadToEndAsync());
    }

    [Fact]
    public async Task PausedRequest_StopsReadingSocket_ResumeReadsAll()
    {
        var paused = Tcs<IncomingMessage>();
        var total = Tcs<long>();
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            long n = 0;
            req.On<NodeBuffer>("data", d => n += d.Length);
            req.Pause();
            req.On("end", () => { total.TrySetResult(n); res.End("ok"); });
            paused.TrySetResult(req);
        });
        await using RawConnection c = await server.ConnectAsync();
        const int size = 8 * 1024 * 1024;
        var send = c.SendAsync(Encoding.Latin1.GetBytes($"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {size}\r\n\r\n").Concat(new byte[size]).ToArray());
        IncomingMessage req = await paused.Task.WaitAsync(TestServer.Deadline);
        await Task.Delay(300);
        long read = await server.RunAsync(() => req.Socket!.BytesRead);
        // Back-pressure: far less than the 8 MiB body was taken from the kernel while paused.
        Assert.True(read < size / 2, $"read {read} bytes while paused");
        Assert.False(send.IsCompleted);
        await server.RunAsync(() => req.Resume());
        Assert.Equal(size, await total.Task.WaitAsync(TestServer.Deadline));
        await send;
        Assert.EndsWith("ok", await c.ReadResponseAsync());
    }

    [Fact]
    public async Task Write_ReturnsFalseUnderBackPressure_ThenDrain()
    {
        var result = Tcs<string>();
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            var chunk = new byte[64 * 1024];
            int writes = 0;
            while (res.Write(chunk))
            {
                if (++writes > 10_000)
                {
                    result.TrySetResult("never false");
                    return;
                }
            }
            res.Once("drain", () => { result.TrySetResult("drain"); res.End(); });
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        await Task.Delay(100);
        Task<string> all = c.ReadResponseAsync();
        Assert.Equal("drain", await result.Task.WaitAsync(TestServer.Deadline));
        Assert.EndsWith("0\r\n\r\n", await all);
    }

    [Fact]
    public async Task Close_StopsAccepting_CloseAfterLastConnection_IdleClosed()
    {
        var closed = Tcs<bool>();
        var release = Tcs<ServerResponse>();
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            if (req.Url == "/slow")
            {
                release.TrySetResult(res);
            }
            else
            {
                res.End("idle");
            }
        });
        await using RawConnection idle = await server.ConnectAsync();
        await idle.SendAsync(Get);
        await idle.ReadResponseAsync();
        await using RawConnection busy = await server.ConnectAsync();
        await busy.SendAsync("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
        ServerResponse slow = await release.Task.WaitAsync(TestServer.Deadline);
        await server.RunAsync(() => server.Server.Close(_ => closed.TrySetResult(true)));
        // Node 19+: close() closes idle keep-alive connections at once.
        Assert.Equal(string.Empty, await idle.ReadToEndAsync());
        Assert.False(closed.Task.IsCompleted);
        await Assert.ThrowsAnyAsync<Exception>(async () => { await using var c = await server.ConnectAsync(); await c.SendAsync(Get); await c.ReadResponseAsync(); });
        await server.RunAsync(() => slow.End("bye"));
        Assert.EndsWith("bye", await busy.ReadResponseAsync());
        await server.RunAsync(() => server.Server.CloseIdleConnections());
        await closed.Task.WaitAsync(TestServer.Deadline);
    }

    [Fact]
    public async Task CloseAllConnections_DestroysBusyOnes()
    {
        var got = Tcs<bool>();
        await using var server = await TestServer.StartAsync((req, res) => got.TrySetResult(true));
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        await got.Task.WaitAsync(TestServer.Deadline);
        await server.RunAsync(() => server.Server.CloseAllConnections());
        Assert.Equal(string.Empty, await c.ReadToEndAsync());
    }

    [Fact]
    public async Task ListenOnUnixSocket()
    {
        string path = Path.Combine(Path.GetTempPath(), "nh-http-" + Guid.NewGuid().ToString("N")[..8] + ".sock");
        using var loop = new EventLoop();
        Server server = await loop.InvokeAsync(() => NodeHttp.Http.CreateServer((req, res) => res.End("unix")));
        await server.ListenAsync(path).WaitAsync(TestServer.Deadline);
        try
        {
            using var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
            await s.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
            await s.SendAsync(Encoding.Latin1.GetBytes(Get));
            var buf = new byte[4096];
            var text = new StringBuilder();
            while (!text.ToString().EndsWith("unix", StringComparison.Ordinal))
            {
                int n = await s.ReceiveAsync(buf).WaitAsync(TestServer.Deadline);
                Assert.NotEqual(0, n);
                text.Append(Encoding.Latin1.GetString(buf, 0, n));
            }
            Assert.StartsWith("HTTP/1.1 200 OK", text.ToString());
        }
        finally
        {
            await loop.InvokeAsync(() => { server.CloseAllConnections(); server.Close(); });
        }
    }

    [Fact]
    public async Task Listen_WithoutHost_IsDualStack()
    {
        using var loop = new EventLoop();
        Server server = await loop.InvokeAsync(() => NodeHttp.Http.CreateServer((req, res) => res.End(req.Socket!.LocalAddress!)));
        await server.ListenAsync(0).WaitAsync(TestServer.Deadline);
        try
        {
            ServerAddress address = (await loop.InvokeAsync(() => server.Address()))!;
            Assert.Equal("::", address.Address);
            Assert.Equal("IPv6", address.Family);
            foreach (string host in new[] { "127.0.0.1", "::1" })
            {
                await using RawConnection c = await RawConnection.ConnectAsync(address.Port, host);
                await c.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                string response = await c.ReadResponseAsync();
                Assert.EndsWith(host == "::1" ? "::1" : "::ffff:127.0.0.1", response);
            }
        }
        finally
        {
            await loop.InvokeAsync(() => { server.CloseAllConnections(); server.Close(); });
        }
    }

    [Fact]
    public async Task ListenAsync_PortInUse_Fails()
    {
        await using var first = await TestServer.StartAsync((req, res) => res.End());
        using var loop = new EventLoop();
        Server second = await loop.InvokeAsync(() => NodeHttp.Http.CreateServer());
        var ex = await Assert.ThrowsAsync<NodeHttpException>(() => second.ListenAsync(first.Port, "127.0.0.1").WaitAsync(TestServer.Deadline));
        Assert.Equal("EADDRINUSE", ex.Code);
    }
}
