namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Which sockets keep a loop alive, as libuv's active handles keep a Node process: each case runs in a node process
/// of its own (scenarios/ports-f-timing.js) and on a loop of its own here, alone in the Timing collection (a case is
/// "alive" when its loop still runs a second after it was set up).
/// </summary>
[Collection("Timing")]
public sealed class PortsFTimingTwinTests(PortsFTimingTwinTests.Node node) : IClassFixture<PortsFTimingTwinTests.Node>
{
    /// <summary>The Node process that runs scenarios/ports-f-timing.js.</summary>
    public sealed class Node() : NodeScenarioHost("ports-f-timing.js");

    // One liveness case (scenarios/ports-f-timing.js `liveness`): on a loop of its own, an unref'd net server whose accepted
    // sockets `serverSide` handles (by default: unref'd, sent 200000 bytes when `fill`), and a client socket made by
    // `client`. Both call `ready` once set up; "exit" if the loop ran out of work within three seconds of that (the cases
    // run at once, so a busy machine's slow exit is not read as "alive"), else "alive"
    // (then everything is closed so the loop ends).
    private sealed record LivenessCase(Func<int, Action, Socket> Client, bool PauseOnConnect = false, bool Fill = false, Action<Socket, Action>? ServerSide = null);

    private static async Task<string> LivenessAsync(LivenessCase spec)
    {
        EventLoop? loop = null;
        NetServer? server = null;
        var sockets = new List<Socket>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Ready() => ready.TrySetResult();
        Task run = LoopRunner.RunAsync(() =>
        {
            loop = EventLoop.Current;
            server = NodeHttp.Net.CreateServer(new NetServerOptions { PauseOnConnect = spec.PauseOnConnect }, s =>
            {
                sockets.Add(s);
                s.On<Exception>("error", _ => { });
                if (spec.ServerSide is { } serverSide)
                {
                    serverSide(s, Ready);
                    return;
                }
                s.Unref();
                if (spec.Fill)
                {
                    s.Write(NodeBuffer.Alloc(200000, (byte)'x'));
                }
            });
            server.Listen(0, "127.0.0.1", () =>
            {
                server.Unref();
                Socket c = spec.Client(server.Address()!.Port, Ready);
                c.On<Exception>("error", _ => { });
                sockets.Add(c);
            });
        });
        await Task.WhenAny(ready.Task, run).Bounded();
        if (!ready.Task.IsCompleted)
        {
            await run;
            return "no-ready";
        }
        if (await Task.WhenAny(run, Task.Delay(3000)) == run)
        {
            await run;
            return "exit";
        }
        await loop!.InvokeAsync(() =>
        {
            foreach (Socket s in sockets)
            {
                s.Destroy();
            }
            server!.Close();
        }).Bounded();
        await run;
        return "alive";
    }

    private static readonly (string Name, LivenessCase Case)[] Liveness =
    [
        // A connected client socket nobody reads: it reads (flowing is not false), so it keeps the loop.
        ("client-idle", new LivenessCase((port, ready) => NodeHttp.Net.CreateConnection(port, "127.0.0.1", ready))),
        // Paused in 'connect': reading never starts.
        ("client-paused-at-connect", new LivenessCase((port, ready) =>
        {
            Socket c = null!;
            c = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () => { c.Pause(); ready(); });
            return c;
        })),
        // Paused once reading started: it goes on reading into the buffer.
        ("client-paused-later", new LivenessCase((port, ready) =>
        {
            Socket c = null!;
            c = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () => Twin.Immediate(() => { c.Pause(); ready(); }));
            return c;
        })),
        // Paused once reading started, then the buffer filled to its highWaterMark: reading stops.
        ("client-paused-full", new LivenessCase((port, ready) =>
        {
            Socket c = null!;
            c = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () => Twin.Immediate(() => c.Pause()));
            void Check()
            {
                if (c.ReadableLength >= 16384)
                {
                    ready();
                }
                else
                {
                    Twin.After(10, Check);
                }
            }
            Check();
            return c;
        }, Fill: true)),
        // A server socket of PauseOnConnect: never read.
        ("server-paused-on-connect", new LivenessCase(UnrefdClient, PauseOnConnect: true, ServerSide: (_, ready) => ready())),
        // A server socket paused in 'connection', after it started reading.
        ("server-paused-later", new LivenessCase(UnrefdClient, ServerSide: (s, ready) => { s.Pause(); ready(); })),
    ];

    private static Socket UnrefdClient(int port, Action ready)
    {
        Socket c = null!;
        c = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () => c.Unref());
        return c;
    }

    // Node's rule (libuv's active handles): a socket keeps the loop alive while it is connecting, reading or writing;
    // one whose reading never started, or stopped because its buffer is full, and that has nothing to send, does not.
    [Fact]
    public async Task Socket_liveness()
    {
        string expected = "client-idle=alive client-paused-at-connect=exit client-paused-later=alive client-paused-full=exit "
            + "server-paused-on-connect=exit server-paused-later=alive";
        Assert.Equal(expected, await node.ResultAsync("socket-liveness"));
        string[] results = await Task.WhenAll(Liveness.Select(c => LivenessAsync(c.Case)));
        Assert.Equal(expected, string.Join(" ", Liveness.Select((c, i) => c.Name + "=" + results[i])));
    }
}
