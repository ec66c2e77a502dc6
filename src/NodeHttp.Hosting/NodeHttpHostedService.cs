using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace NodeHttp.Hosting;

/// <summary>
/// Runs a NodeHttp server for the Generic Host. Start: makes its event loop(s) (threads of their own), creates the
/// server there and listens. Stop: drains as a rolling restart wants it — stops accepting (<see cref="Server.Close"/>),
/// closes idle connections at once and each busy one as soon as its last response went out, lets in-flight requests
/// finish, and when the host's shutdown timeout ends the stop (its cancellation token), destroys what is left
/// (<see cref="Server.CloseAllConnections"/>). The loops, the server and request handler faults log through the host's
/// <see cref="ILogger"/> (categories <c>NodeHttp.EventLoop</c> and <c>NodeHttp.Server</c>), and the server's meter is
/// made by the host's <see cref="IMeterFactory"/> when it has one (<see cref="ServerOptions.MeterFactory"/>).
/// </summary>
public sealed partial class NodeHttpHostedService : IHostedService, IDisposable
{
    private readonly NodeHttpServerOptions options;
    private readonly IServiceScopeFactory scopes;
    private readonly ILoggerFactory loggers;
    private readonly ILogger logger;
    private readonly IMeterFactory? meters;
    private EventLoop? loop;
    private EventLoopGroup? group;
    private Server? server;

    /// <summary>
    /// Made by the container (see <see cref="NodeHttpServiceCollectionExtensions"/>). <paramref name="meterFactory"/> is
    /// the host's (the Generic Host registers one); without it the server counts in the process-wide
    /// <c>NodeHttp.Server</c> meter.
    /// </summary>
    public NodeHttpHostedService(IOptions<NodeHttpServerOptions> options, IServiceScopeFactory scopes, ILoggerFactory loggers, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(loggers);
        this.options = options.Value;
        this.scopes = scopes;
        this.loggers = loggers;
        meters = meterFactory;
        logger = loggers.CreateLogger("NodeHttp.Hosting");
    }

    /// <summary>The server once started (null before <see cref="StartAsync"/>).</summary>
    public Server? Server => server;

    /// <summary>Where the server listens once started (the port chosen when <see cref="NodeHttpServerOptions.Port"/> is 0).</summary>
    public ServerAddress? Address { get; private set; }

    /// <summary>Creates the loop(s) and the server and listens; completes once listening.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ILogger loopLogger = loggers.CreateLogger("NodeHttp.EventLoop");
        loop = new EventLoop { Logger = loopLogger };
        if (options.Loops > 1)
        {
            group = new EventLoopGroup(options.Loops);
            foreach (EventLoop l in group.Loops)
            {
                l.Logger = loopLogger;
            }
        }
        var serverOptions = new ServerOptions
        {
            KeepAliveTimeout = options.KeepAliveTimeout,
            HeadersTimeout = options.HeadersTimeout,
            RequestTimeout = options.RequestTimeout,
            ConnectionsCheckingInterval = options.ConnectionsCheckingInterval,
            MaxHeaderSize = options.MaxHeaderSize,
            MaxRequestsPerSocket = options.MaxRequestsPerSocket,
            Loops = group,
            Logger = loggers.CreateLogger("NodeHttp.Server"),
            MeterFactory = meters,
        };
        server = await loop.InvokeAsync(() =>
        {
            Server s = Http.CreateServer(serverOptions, HandleAsync);
            s.MaxConnections = options.MaxConnections;
            return s;
        }).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (options.SocketPath is { Length: > 0 } path)
        {
            await server.ListenAsync(path).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await server.ListenAsync(options.Port, options.Host, options.Backlog).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        Address = await loop.InvokeAsync(() => server.Address()).ConfigureAwait(false);
        Log.Listening(logger, Address?.Address, Address?.Port ?? 0);
    }

    /// <summary>
    /// Drains: stops accepting, closes connections as they go idle, waits for in-flight requests; when
    /// <paramref name="cancellationToken"/> fires (the host's shutdown timeout), destroys the remaining connections.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is not { } s || loop is not { } l)
        {
            return;
        }
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Log.Draining(logger);
        LoopTimer sweeper = await l.InvokeAsync(() =>
        {
            s.Close(_ => closed.TrySetResult());
            // Node's close() closes the connections idle at that moment; the busy ones are closed here as soon as their
            // last response went out, so a keep-alive client cannot hold the drain open.
            LoopTimer t = l.SetInterval(s.CloseIdleConnections, Math.Max(1, options.DrainSweepInterval));
            t.Unref();
            return t;
        }).ConfigureAwait(false);
        try
        {
            await closed.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            Log.Drained(logger);
        }
        catch (OperationCanceledException)
        {
            Log.DrainTimedOut(logger);
            await l.InvokeAsync(s.CloseAllConnections).ConfigureAwait(false);
            // Destroyed sockets close within a loop turn or two; bounded so a stuck close cannot hold the host.
            await closed.Task.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await l.InvokeAsync(sweeper.Close).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the loop(s).</summary>
    public void Dispose()
    {
        group?.Dispose();
        loop?.Dispose();
    }

    private async Task HandleAsync(IncomingMessage request, ServerResponse response)
    {
        AsyncServiceScope scope = scopes.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<INodeHttpRequestHandler>().HandleAsync(request, response).ConfigureAwait(true);
        }
        finally
        {
            await scope.DisposeAsync().ConfigureAwait(true);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1000, EventName = "Listening", Level = LogLevel.Information, Message = "NodeHttp server listening on {Address}:{Port}")]
        public static partial void Listening(ILogger logger, string? address, int port);

        [LoggerMessage(EventId = 1001, EventName = "Draining", Level = LogLevel.Information, Message = "NodeHttp server stopping: no new connections; draining the open ones")]
        public static partial void Draining(ILogger logger);

        [LoggerMessage(EventId = 1002, EventName = "Drained", Level = LogLevel.Information, Message = "NodeHttp server stopped: every connection ended")]
        public static partial void Drained(ILogger logger);

        [LoggerMessage(EventId = 1003, EventName = "DrainTimedOut", Level = LogLevel.Warning, Message = "NodeHttp server stop timed out: destroying the remaining connections")]
        public static partial void DrainTimedOut(ILogger logger);
    }
}
