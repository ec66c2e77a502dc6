using System.Diagnostics;

namespace NodeHttp.Tests.Http;

/// <summary>Keep-alive, headers, request and idle timeouts with small values; bounds are asserted loosely.</summary>
[Collection("Timing")]
public class ServerTimeoutTests
{
    private const string Get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    [Fact]
    public async Task KeepAliveTimeout_ClosesIdleConnection()
    {
        await using var server = await TestServer.StartAsync((req, res) => res.End("ok"), new ServerOptions { KeepAliveTimeout = 300 });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        string response = await c.ReadResponseAsync();
        Assert.Contains("Keep-Alive: timeout=0\r\n", response);
        var sw = Stopwatch.StartNew();
        Assert.Equal(string.Empty, await c.ReadToEndAsync());
        Assert.InRange(sw.ElapsedMilliseconds, 150, 5000);
    }

    [Fact]
    public async Task KeepAliveTimeout_NewRequestInTime_KeepsConnection()
    {
        await using var server = await TestServer.StartAsync((req, res) => res.End("ok"), new ServerOptions { KeepAliveTimeout = 1000 });
        await using RawConnection c = await server.ConnectAsync();
        for (int i = 0; i < 3; i++)
        {
            await c.SendAsync(Get);
            Assert.EndsWith("ok", await c.ReadResponseAsync());
            await Task.Delay(300);
        }
    }

    [Fact]
    public async Task HeadersTimeout_Sends408_test_http_server_headers_timeout()
    {
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var server = await TestServer.StartAsync(
            (req, res) => res.End("never"),
            new ServerOptions { HeadersTimeout = 300, RequestTimeout = 1000, ConnectionsCheckingInterval = 50 });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n");
        var sw = Stopwatch.StartNew();
        Assert.Equal("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n", await c.ReadToEndAsync());
        Assert.InRange(sw.ElapsedMilliseconds, 200, 5000);
    }

    [Fact]
    public async Task RequestTimeout_SlowBody_Sends408()
    {
        await using var server = await TestServer.StartAsync(
            (req, res) => req.On("end", () => res.End("late")),
            new ServerOptions { HeadersTimeout = 200, RequestTimeout = 400, ConnectionsCheckingInterval = 50 });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc");
        Assert.Equal("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n", await c.ReadToEndAsync());
    }

    [Fact]
    public async Task ServerTimeout_WithoutListener_DestroysSocket()
    {
        await using var server = await TestServer.StartAsync((req, res) => { }, configure: s => s.Timeout = 200);
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        Assert.Equal(string.Empty, await c.ReadToEndAsync());
    }

    [Fact]
    public async Task ServerTimeout_WithListener_ListenerDecides()
    {
        var timedOut = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        ServerResponse? pending = null;
        await using var server = await TestServer.StartAsync((req, res) => pending = res, configure: s => s.SetTimeout(200, sock =>
        {
            timedOut.TrySetResult(true);
            pending!.End("after timeout");
        }));
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        await timedOut.Task.WaitAsync(TestServer.Deadline);
        Assert.EndsWith("after timeout", await c.ReadResponseAsync());
    }

    [Fact]
    public async Task ResponseSetTimeout_EmitsOnResponse()
    {
        var timedOut = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) => res.SetTimeout(150, () =>
        {
            timedOut.TrySetResult(true);
            res.End("res timeout");
        }));
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(Get);
        await timedOut.Task.WaitAsync(TestServer.Deadline);
        Assert.EndsWith("res timeout", await c.ReadResponseAsync());
    }
}
