using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodeHttp.Hosting;
using NodeHttp.Tests.Diagnostics;

namespace NodeHttp.Tests.Hosting;

/// <summary>
/// A NodeHttp server under the Generic Host, in process: options from configuration, the handler from the container,
/// logs through the host's logger, and a stop that lets a slow request finish (or, past the host's shutdown timeout,
/// cuts it off) and ends within the timeout.
/// </summary>
[Collection("Timing")]
public sealed class HostedServerTests
{
    [Fact]
    public async Task Stop_during_a_slow_request_lets_it_finish_then_the_host_stops_well_within_its_timeout()
    {
        var logger = new CapturingLogger();
        using IHost host = BuildHost(logger, TimeSpan.FromSeconds(8));
        await host.StartAsync().Bounded();
        SlowHandler slow = host.Services.GetRequiredService<SlowHandler>();
        int port = host.Services.GetRequiredService<NodeHttpHostedService>().Address!.Port;

        using var client = new HttpClient { Timeout = TestServer.Deadline };
        Assert.Equal("hello from the container", await client.GetStringAsync($"http://127.0.0.1:{port}/fast").Bounded());

        Task<HttpResponseMessage> inFlight = client.GetAsync($"http://127.0.0.1:{port}/slow");
        await slow.Started.Task.Bounded();
        var stopping = Stopwatch.StartNew();
        Task stop = host.StopAsync();

        // The server stops accepting at once, while the slow request is still being answered.
        await WaitUntilRefusedAsync(port);
        Assert.False(inFlight.IsCompleted);
        Assert.False(stop.IsCompleted);

        slow.Release.TrySetResult();
        using HttpResponseMessage response = await inFlight.Bounded();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("slow done", await response.Content.ReadAsStringAsync());
        await stop.Bounded();
        stopping.Stop();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(4), $"the host took {stopping.Elapsed} to stop after its last request (timeout 8 s)");
        Assert.Contains(logger.Entries, e => e.EventId.Name == "Listening" && Equals(e.Fields["Port"], port));
        Assert.Contains(logger.Entries, e => e.EventId.Name == "Drained");
        Assert.DoesNotContain(logger.Entries, e => e.EventId.Name == "DrainTimedOut");
    }

    [Fact]
    public async Task A_request_still_running_at_the_shutdown_timeout_is_cut_off_and_the_host_stops()
    {
        var logger = new CapturingLogger();
        using IHost host = BuildHost(logger, TimeSpan.FromMilliseconds(500));
        await host.StartAsync().Bounded();
        SlowHandler slow = host.Services.GetRequiredService<SlowHandler>();
        int port = host.Services.GetRequiredService<NodeHttpHostedService>().Address!.Port;

        using var client = new HttpClient { Timeout = TestServer.Deadline };
        Task<HttpResponseMessage> hanging = client.GetAsync($"http://127.0.0.1:{port}/slow");
        await slow.Started.Task.Bounded();
        var stopping = Stopwatch.StartNew();
        await host.StopAsync().Bounded();
        stopping.Stop();

        Assert.InRange(stopping.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(4));
        await Assert.ThrowsAsync<HttpRequestException>(() => hanging.Bounded());
        Assert.Contains(logger.Entries, e => e.EventId.Name == "DrainTimedOut" && e.Level == LogLevel.Warning);
        slow.Release.TrySetResult();
    }

    [Fact]
    public async Task A_handler_that_throws_is_a_500_logged_through_the_hosts_logger()
    {
        var logger = new CapturingLogger();
        using IHost host = BuildHost(logger, TimeSpan.FromSeconds(5));
        await host.StartAsync().Bounded();
        int port = host.Services.GetRequiredService<NodeHttpHostedService>().Address!.Port;
        using (var client = new HttpClient { Timeout = TestServer.Deadline })
        {
            using HttpResponseMessage response = await client.GetAsync($"http://127.0.0.1:{port}/throw").Bounded();
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }
        await host.StopAsync().Bounded();

        LogEntry fault = await logger.WaitForAsync("HandlerFault");
        Assert.Equal("/throw", fault.Fields["Url"]);
        Assert.IsType<InvalidOperationException>(fault.Exception);
        // Logged once, by the server: the loop does not report it a second time.
        Assert.DoesNotContain(logger.Entries, e => e.EventId.Name == "UncaughtException");
    }

    private static IHost BuildHost(CapturingLogger logger, TimeSpan shutdownTimeout)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NodeHttp:Port"] = "0",
            ["NodeHttp:Host"] = "127.0.0.1",
            ["NodeHttp:KeepAliveTimeout"] = "30000",
            ["NodeHttp:DrainSweepInterval"] = "20",
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(new CapturingProvider(logger));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout);
        builder.Services.AddSingleton<Greeting>();
        builder.Services.AddSingleton<SlowHandler>();
        builder.Services.AddNodeHttpServer<RoutingHandler>();
        return builder.Build();
    }

    private static async Task WaitUntilRefusedAsync(int port)
    {
        var deadline = DateTime.UtcNow + TestServer.Deadline;
        while (true)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
            }
            catch (System.Net.Sockets.SocketException)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, "the server still accepts connections after stop began");
            await Task.Delay(10);
        }
    }

    /// <summary>A service the handler gets from the container.</summary>
    private sealed class Greeting
    {
        public string Text => "hello from the container";
    }

    /// <summary>Holds <c>/slow</c> requests until the test releases them.</summary>
    private sealed class SlowHandler
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The request handler, made by the container per request with its dependencies.</summary>
    private sealed class RoutingHandler(Greeting greeting, SlowHandler slow) : INodeHttpRequestHandler
    {
        public async Task HandleAsync(IncomingMessage request, ServerResponse response)
        {
            switch (request.Url)
            {
                case "/slow":
                    slow.Started.TrySetResult();
                    await slow.Release.Task;
                    response.End("slow done");
                    break;
                case "/throw":
                    throw new InvalidOperationException("handler bug");
                default:
                    response.End(greeting.Text);
                    break;
            }
        }
    }

    private sealed class CapturingProvider(CapturingLogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;

        public void Dispose()
        {
        }
    }
}
