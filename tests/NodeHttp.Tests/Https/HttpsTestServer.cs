using System.Collections.Concurrent;

namespace NodeHttp.Tests.Https;

/// <summary>
/// An https <see cref="Server"/> of NodeHttp on 127.0.0.1:0, on its own loop, for one test (the https twin of
/// <see cref="TestServer"/>): disposing closes every connection, the server and the loop.
/// </summary>
internal sealed class HttpsTestServer : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private HttpsTestServer(EventLoop loop)
    {
        Loop = loop;
        Loop.UncaughtException += e => Uncaught.Enqueue(e);
    }

    public EventLoop Loop { get; }

    public Server Server { get; private set; } = null!;

    public int Port { get; private set; }

    /// <summary>Exceptions the loop reported.</summary>
    public ConcurrentQueue<Exception> Uncaught { get; } = new();

    /// <summary>Options with the CA-signed <c>localhost</c> certificate as PEM, as a Node user gives it.</summary>
    public static HttpsServerOptions LocalhostOptions() => new()
    {
        Cert = TestCertificates.Localhost.CertPem,
        Key = TestCertificates.Localhost.KeyPem,
    };

    public static async Task<HttpsTestServer> StartAsync(HttpsServerOptions options, Action<IncomingMessage, ServerResponse>? handler, Action<Server>? configure = null)
    {
        var t = new HttpsTestServer(new EventLoop());
        try
        {
            t.Server = await t.Loop.InvokeAsync(() =>
            {
                Server s = NodeHttp.Https.CreateServer(options, handler);
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
