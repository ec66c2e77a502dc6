namespace NodeHttp.Tests.Net;

/// <summary>A threaded <see cref="EventLoop"/> for one test, with helpers to run code on it; disposed at the end.</summary>
internal sealed class NetTestLoop : IDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public EventLoop Loop { get; } = new();

    /// <summary>Runs <paramref name="work"/> on the loop and waits for it (bounded).</summary>
    public Task RunAsync(Action work) => Loop.InvokeAsync(work).WaitAsync(Deadline);

    /// <summary>Runs <paramref name="work"/> on the loop and returns its result (bounded).</summary>
    public Task<T> RunAsync<T>(Func<T> work) => Loop.InvokeAsync(work).WaitAsync(Deadline);

    /// <summary>Starts a server listening on <paramref name="host"/>:0 and returns it with its port.</summary>
    public async Task<(NetServer Server, int Port)> ListenAsync(Action<Socket> onConnection, string? host = "127.0.0.1", NetServerOptions? options = null)
    {
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        NetServer server = await RunAsync(() =>
        {
            NetServer s = options is null ? NodeHttp.Net.CreateServer(onConnection) : NodeHttp.Net.CreateServer(options, onConnection);
            s.On<Exception>("error", e => listening.TrySetException(e));
            s.Listen(0, host, NetServer.DefaultBacklog, () => listening.TrySetResult());
            return s;
        });
        await listening.Task.WaitAsync(Deadline);
        int port = await RunAsync(() => server.Address()!.Port);
        return (server, port);
    }

    public void Dispose() => Loop.Dispose();
}

/// <summary>Small helpers for net tests.</summary>
internal static class NetTestExtensions
{
    public static Task<T> Bounded<T>(this TaskCompletionSource<T> tcs) => tcs.Task.WaitAsync(NetTestLoop.Deadline);

    public static Task Bounded(this TaskCompletionSource tcs) => tcs.Task.WaitAsync(NetTestLoop.Deadline);

    public static TaskCompletionSource<T> NewTcs<T>() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static string TempSocketPath() => Path.Combine(Path.GetTempPath(), "nh-" + Guid.NewGuid().ToString("N")[..12] + ".sock");
}
