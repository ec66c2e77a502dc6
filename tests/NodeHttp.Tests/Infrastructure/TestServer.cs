using System.Collections.Concurrent;

namespace NodeHttp.Tests;

/// <summary>
/// An HTTP server of NodeHttp on 127.0.0.1:0, on its own threaded loop, for one test:
/// <c>await using var server = await TestServer.StartAsync(handler)</c>. Disposing closes every connection, the
/// server and the loop. Exceptions reported to the loop are collected in <see cref="Uncaught"/>.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private TestServer(EventLoop loop)
    {
        Loop = loop;
        Loop.UncaughtException += e => Uncaught.Enqueue(e);
    }

    public EventLoop Loop { get; }

    public Server Server { get; private set; } = null!;

    public int Port { get; private set; }

    /// <summary>Exceptions the loop reported (handlers that threw, async handlers that faulted).</summary>
    public ConcurrentQueue<Exception> Uncaught { get; } = new();

    public static Task<TestServer> StartAsync(Action<IncomingMessage, ServerResponse> handler, ServerOptions? options = null, Action<Server>? configure = null) =>
        StartCoreAsync(() => NodeHttp.Http.CreateServer(options ?? new ServerOptions(), handler), configure);

    public static Task<TestServer> StartAsync(Func<IncomingMessage, ServerResponse, Task> handler, Action<Server>? configure = null) =>
        StartCoreAsync(() => NodeHttp.Http.CreateServer(handler), configure);

    /// <summary>A server with no request listener (configure adds what the test needs).</summary>
    public static Task<TestServer> StartAsync(ServerOptions options, Action<Server> configure) =>
        StartCoreAsync(() => NodeHttp.Http.CreateServer(options), configure);

    private static async Task<TestServer> StartCoreAsync(Func<Server> create, Action<Server>? configure)
    {
        var t = new TestServer(new EventLoop());
        try
        {
            t.Server = await t.Loop.InvokeAsync(() =>
            {
                Server s = create();
                configure?.Invoke(s);
                return s;
            }).WaitAsync(Deadline);
            await t.Server.ListenAsync(0, "127.0.0.1").WaitAsync(Deadline);
            t.Port = await t.Loop.InvokeAsync(() => t.Server.Address()!.Port).WaitAsync(Deadline);
            return t;
        }
        catch
        {
            t.Loop.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> on the server's loop (bounded).</summary>
    public Task RunAsync(Action work) => Loop.InvokeAsync(work).WaitAsync(Deadline);

    /// <summary>Runs <paramref name="work"/> on the server's loop and returns its result (bounded).</summary>
    public Task<T> RunAsync<T>(Func<T> work) => Loop.InvokeAsync(work).WaitAsync(Deadline);

    /// <summary>Opens a raw TCP connection to this server.</summary>
    public Task<RawConnection> ConnectAsync() => RawConnection.ConnectAsync(Port);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync(() =>
            {
                Server.CloseAllConnections();
                if (Server.Listening)
                {
                    Server.Close();
                }
            });
        }
        catch (TimeoutException)
        {
        }
        Loop.Dispose();
    }
}
