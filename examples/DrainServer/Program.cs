using System.Globalization;
using System.Runtime.InteropServices;
using NodeHttp;

// A server shaped for deployment behind a supervisor and a load balancer (see docs/deploy.md):
//   - listens where it is told: a port (with --reuse-port several processes share it, and a new one can start on
//     the port before the old one has drained), or the socket systemd passes (--systemd);
//   - on SIGTERM (what systemd, Kubernetes and `kill` send) or SIGINT it drains: stops accepting, closes idle
//     keep-alive connections, lets requests in progress finish with `Connection: close`, destroys what is left after
//     --drain-ms, then exits 0. With --shutdown-delay-ms it first goes on serving that long while its readiness
//     probe fails, so a load balancer that polls it (a Kubernetes Service) stops sending before it stops accepting.
//
// Usage: DrainServer [--port N] [--host ADDRESS] [--reuse-port] [--systemd] [--drain-ms N] [--shutdown-delay-ms N] [--loops N]
//   GET /           Hello, World!
//   GET /pid        this process's id (which process of several sharing a port answered)
//   GET /peer       "pid P remote R xff X": the connection's remote port (the same on a reused upstream connection)
//                   and the X-Forwarded-For header a proxy added
//   GET /slow?ms=N  answers after N ms (a request still in progress when the drain begins)
//   GET /healthz    200 while serving, 503 once SIGTERM arrived (a readiness probe)
int port = 8080;
string host = "127.0.0.1";
bool reusePort = false;
bool systemd = false;
int drainMs = 10_000;
int shutdownDelayMs = 0;
int loops = 1;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--host": host = args[++i]; break;
        case "--reuse-port": reusePort = true; break;
        case "--systemd": systemd = true; break;
        case "--drain-ms": drainMs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--shutdown-delay-ms": shutdownDelayMs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--loops": loops = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        default:
            Console.Error.WriteLine("usage: DrainServer [--port N] [--host ADDRESS] [--reuse-port] [--systemd] [--drain-ms N] [--shutdown-delay-ms N] [--loops N]");
            return 2;
    }
}

ListenOptions listen;
if (systemd)
{
    // The socket a .socket unit (or systemd-socket-activate) opened and passed as fd 3.
    ListenOptions? passed = ListenOptions.FromSystemd();
    if (passed is null)
    {
        Console.Error.WriteLine("--systemd: no socket was passed (LISTEN_PID/LISTEN_FDS are not set for this process)");
        return 2;
    }
    listen = passed;
}
else
{
    listen = new ListenOptions { Port = port, Host = host, ReusePort = reusePort };
}

using EventLoopGroup? group = loops > 1 ? new EventLoopGroup(loops) : null;
Server? server = null;
EventLoop? mainLoop = null;
Task? drained = null;
bool stopping = false;
var gate = new object();
void Drain()
{
    lock (gate)
    {
        Console.WriteLine($"draining (at most {drainMs} ms)");
        drained = server!.CloseAsync(TimeSpan.FromMilliseconds(drainMs));
    }
}
var startDrain = new Action<PosixSignalContext>(context =>
{
    lock (gate)
    {
        if (server is null)
        {
            return; // not serving yet: the signal ends the process as usual
        }
        // The runtime would end the process now; the drain decides when it ends instead.
        context.Cancel = true;
        if (stopping)
        {
            return;
        }
        stopping = true;
        Console.WriteLine($"{context.Signal}: not ready any more");
        if (shutdownDelayMs == 0)
        {
            Drain();
            return;
        }
        // Timers belong to the loop: set from there (this handler runs on another thread).
        mainLoop!.Post(() => mainLoop.SetTimeout(Drain, shutdownDelayMs));
    }
});
using PosixSignalRegistration sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, startDrain);
using PosixSignalRegistration sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, startDrain);

int exitCode = 0;
EventLoop.Run(() =>
{
    Server s = Http.CreateServer(new ServerOptions { Loops = group }, (req, res) =>
    {
        string path = req.Url ?? "/";
        int query = path.IndexOf('?', StringComparison.Ordinal);
        string route = query < 0 ? path : path[..query];
        switch (route)
        {
            case "/pid":
                res.SetHeader("Content-Type", "text/plain");
                res.End(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
                break;
            case "/slow":
                int ms = query < 0 ? 1000 : int.Parse(path.AsSpan(query + "?ms=".Length), CultureInfo.InvariantCulture);
                Console.WriteLine($"slow request: {ms} ms");
                EventLoop loop = EventLoop.Current!;
                LoopTimer timer = loop.SetTimeout(() =>
                {
                    res.SetHeader("Content-Type", "text/plain");
                    res.End($"slow {ms} ms done");
                }, ms);
                // A timer keeps the process alive: one whose answer has nowhere to go any more (the client left, or
                // the drain's deadline destroyed the connection) is cleared.
                res.On("close", () => loop.ClearTimeout(timer));
                break;
            case "/peer":
                res.SetHeader("Content-Type", "text/plain");
                res.End($"pid {Environment.ProcessId} remote {req.Socket?.RemotePort} xff {req.Headers["x-forwarded-for"]}");
                break;
            case "/healthz":
                bool ready;
                lock (gate)
                {
                    ready = !stopping;
                }
                res.StatusCode = ready ? 200 : 503;
                res.SetHeader("Content-Type", "text/plain");
                res.End(ready ? "ok" : "draining");
                break;
            default:
                res.SetHeader("Content-Type", "text/plain");
                res.End("Hello, World!");
                break;
        }
    });
    s.On<Exception>("error", error =>
    {
        Console.Error.WriteLine("server error: " + error.Message);
        exitCode = 1;
    });
    s.Listen(listen, () =>
    {
        ServerAddress a = s.Address()!;
        Console.WriteLine($"listening on http://{a.Address}:{a.Port}/ pid {Environment.ProcessId}");
    });
    lock (gate)
    {
        server = s;
        mainLoop = EventLoop.Current;
    }
});

// Run returns once the server stopped listening and its loop holds no connection; connections on other loops of
// the group may still be finishing: the drain's task says when the last one is gone.
Task? drain;
lock (gate)
{
    drain = drained;
}
if (drain is not null)
{
    try
    {
        drain.Wait();
        Console.WriteLine("drained");
    }
    catch (AggregateException e)
    {
        Console.Error.WriteLine("drain failed: " + e.InnerException?.Message);
        exitCode = 1;
    }
}
return exitCode;
