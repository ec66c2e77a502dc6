using Microsoft.Extensions.Logging;

namespace NodeHttp.Tests.Diagnostics;

/// <summary>What the loop, the server and the agent log through an <see cref="ILogger"/>: event ids, levels, structured fields.</summary>
[Collection("Timing")]
public sealed class LoggingTests
{
    [Fact]
    public async Task A_throwing_handler_is_logged_as_a_HandlerFault_and_still_reaches_UncaughtException()
    {
        var logger = new CapturingLogger();
        await using TestServer server = await TestServer.StartAsync(
            (req, res) => throw new InvalidOperationException("handler bug"), new ServerOptions { Logger = logger });
        using (var client = new HttpClient { Timeout = TestServer.Deadline })
        {
            using HttpResponseMessage response = await client.GetAsync($"http://127.0.0.1:{server.Port}/boom?q=1");
            Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        }

        LogEntry entry = await logger.WaitForAsync("HandlerFault");
        Assert.Equal(102, entry.EventId.Id);
        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal("GET", entry.Fields["Method"]);
        Assert.Equal("/boom?q=1", entry.Fields["Url"]);
        Assert.Equal("handler bug", entry.Exception?.Message);
        Assert.Contains(server.Uncaught, e => e.Message == "handler bug");
    }

    [Fact]
    public async Task A_malformed_request_is_logged_as_a_ClientError_with_its_code()
    {
        var logger = new CapturingLogger();
        await using TestServer server = await TestServer.StartAsync((req, res) => res.End(), new ServerOptions { Logger = logger });
        await using (RawConnection raw = await server.ConnectAsync())
        {
            await raw.SendAsync("GE T / HTTP/1.1\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 400", await raw.ReadToEndAsync());
        }

        LogEntry entry = await logger.WaitForAsync("ClientError");
        Assert.Equal(100, entry.EventId.Id);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Equal("HPE_INVALID_METHOD", entry.Fields["ErrorCode"]);
        Assert.Equal("127.0.0.1", entry.Fields["RemoteAddress"]);
        Assert.IsType<NodeHttpException>(entry.Exception);
    }

    [Fact]
    public async Task A_request_over_MaxRequestsPerSocket_is_logged_as_RequestDropped()
    {
        var logger = new CapturingLogger();
        await using TestServer server = await TestServer.StartAsync((req, res) => res.End("ok"), new ServerOptions { Logger = logger, MaxRequestsPerSocket = 1 });
        await using (RawConnection raw = await server.ConnectAsync())
        {
            await raw.SendAsync("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
            Assert.Contains("503", await raw.ReadToEndAsync());
        }

        LogEntry entry = await logger.WaitForAsync("RequestDropped");
        Assert.Equal(101, entry.EventId.Id);
        Assert.Equal("/2", entry.Fields["Url"]);
        Assert.Equal(1, entry.Fields["MaxRequestsPerSocket"]);
    }

    [Fact]
    public async Task An_uncaught_callback_error_on_a_loop_with_a_logger_is_logged_not_printed()
    {
        var logger = new CapturingLogger();
        using var loop = new EventLoop { Logger = logger };
        TextWriter stderr = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            loop.Post(() => throw new InvalidOperationException("callback bug"));
            LogEntry entry = await logger.WaitForAsync("UncaughtException");
            Assert.Equal(1, entry.EventId.Id);
            Assert.Equal(LogLevel.Error, entry.Level);
            Assert.Equal("callback bug", entry.Exception?.Message);
            Assert.StartsWith("NodeHttp EventLoop #", (string)entry.Fields["LoopName"]!);
            await loop.InvokeAsync(() => { }).Bounded();
        }
        finally
        {
            Console.SetError(stderr);
        }
        Assert.DoesNotContain("callback bug", captured.ToString());
    }

    [Fact]
    public async Task The_MaxListeners_warning_goes_to_the_loops_logger_with_its_fields()
    {
        var logger = new CapturingLogger();
        using var loop = new EventLoop { Logger = logger };
        await loop.InvokeAsync(() =>
        {
            var emitter = new EventEmitter();
            for (int i = 0; i < 11; i++)
            {
                emitter.On("tick", () => { });
            }
        }).Bounded();

        LogEntry entry = await logger.WaitForAsync("MaxListenersExceededWarning");
        Assert.Equal(10, entry.EventId.Id);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal("tick", entry.Fields["EventName"]);
        Assert.Equal(11, entry.Fields["ListenerCount"]);
        Assert.Equal(10, entry.Fields["MaxListeners"]);
        Assert.Equal("EventEmitter", entry.Fields["EmitterType"]);
    }

    [Fact]
    public async Task A_failed_client_request_is_logged_through_its_agents_logger()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        var logger = new CapturingLogger();
        var agent = new Agent(new AgentOptions { Logger = logger });
        using var loop = new EventLoop();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await loop.InvokeAsync(() =>
        {
            ClientRequest req = NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Path = "/x", Agent = agent });
            req.On<Exception>("error", _ => failed.TrySetResult());
        }).Bounded();
        await failed.Task.Bounded();

        LogEntry entry = await logger.WaitForAsync("RequestFailed");
        Assert.Equal(200, entry.EventId.Id);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Equal("ECONNREFUSED", entry.Fields["ErrorCode"]);
        Assert.Equal(port, entry.Fields["Port"]);
        Assert.Equal("/x", entry.Fields["Path"]);
    }
}
