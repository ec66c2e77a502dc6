namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// The NodeHttp half of a twin: the scenario runs inside <see cref="EventLoop.Run(Action)"/> on a new loop and reports
/// its text once. A scenario that only needs to report takes a <c>done</c> callback; one that wants its servers,
/// agents and sockets closed when it reports takes the <see cref="Twin"/> itself, registers them with
/// <see cref="Track(Server)"/> (or <see cref="Serve"/>) and reports with <see cref="Done"/>. The static members are the
/// helpers both halves of a twin are written with.
/// </summary>
internal sealed class Twin
{
    private readonly List<Server> servers = new();
    private readonly List<Agent> agents = new();
    private readonly List<Socket> sockets = new();
    private readonly List<Action> onDone = new();
    private string? result;

    private Twin()
    {
    }

    /// <summary>
    /// Runs <paramref name="scenario"/> on a new loop; it calls <see cref="Done"/> once with its result. The loop must
    /// then run out of work (servers closed, sockets gone), as the Node process would exit, within the deadline.
    /// </summary>
    public static async Task<string> RunAsync(Action<Twin> scenario)
    {
        var twin = new Twin();
        await LoopRunner.RunAsync(() => scenario(twin));
        return twin.result ?? "(no result)";
    }

    /// <summary>The same for a scenario that calls its argument once with its result and closes what it opened itself.</summary>
    public static Task<string> RunAsync(Action<Action<string>> scenario) => RunAsync(t => scenario(t.Done));

    /// <summary>
    /// The twin check: Node's run of <paramref name="name"/> must report <paramref name="expected"/> (else the port is
    /// wrong), and so must NodeHttp's run of <paramref name="scenario"/>.
    /// </summary>
    public static Task CheckAsync(NodeScenarioHost node, string name, string expected, Action<Action<string>> scenario) =>
        CheckAsync(node, name, expected, expected, scenario);

    /// <summary>The twin check for a scenario that takes the <see cref="Twin"/>.</summary>
    public static Task CheckAsync(NodeScenarioHost node, string name, string expected, Action<Twin> scenario) =>
        CheckAsync(node, name, expected, expected, scenario);

    /// <summary>
    /// The twin check where NodeHttp differs from Node on purpose (an entry of docs/differences.md): Node must
    /// report <paramref name="expectedNode"/>, NodeHttp <paramref name="expectedOurs"/>.
    /// </summary>
    public static Task CheckAsync(NodeScenarioHost node, string name, string expectedNode, string expectedOurs, Action<Action<string>> scenario) =>
        CheckAsync(node, name, expectedNode, expectedOurs, t => scenario(t.Done));

    /// <summary>The same for a scenario that takes the <see cref="Twin"/>.</summary>
    public static async Task CheckAsync(NodeScenarioHost node, string name, string expectedNode, string expectedOurs, Action<Twin> scenario)
    {
        Assert.Equal(expectedNode, await node.ResultAsync(name));
        Assert.Equal(expectedOurs, await RunAsync(scenario));
    }

    /// <summary>Closes <paramref name="server"/> (and its connections) when the scenario is done.</summary>
    public Server Track(Server server)
    {
        servers.Add(server);
        return server;
    }

    /// <summary>Destroys <paramref name="agent"/> when the scenario is done.</summary>
    public Agent Track(Agent agent)
    {
        agents.Add(agent);
        return agent;
    }

    /// <summary>Destroys <paramref name="socket"/> when the scenario is done.</summary>
    public Socket Track(Socket socket)
    {
        sockets.Add(socket);
        return socket;
    }

    /// <summary>Runs <paramref name="cleanup"/> when the scenario is done (closing what it opened).</summary>
    public void OnDone(Action cleanup) => onDone.Add(cleanup);

    /// <summary>
    /// <see cref="Listen(Server, Action{int})"/> for a tracked server whose connections are tracked too, so that
    /// <see cref="Done"/> closes them all.
    /// </summary>
    public void Serve(Server server, Action<int> onPort)
    {
        Track(server);
        server.OnConnection(s => Track(s));
        Listen(server, onPort);
    }

    /// <summary>Reports <paramref name="value"/> (the first report counts) and closes what the scenario tracked.</summary>
    public void Done(string value)
    {
        if (result is not null)
        {
            return;
        }
        result = value;
        foreach (Action a in onDone)
        {
            a();
        }
        foreach (Agent a in agents)
        {
            a.Destroy();
        }
        foreach (Socket s in sockets)
        {
            s.Destroy();
        }
        foreach (Server s in servers)
        {
            s.CloseAllConnections();
            if (s.Listening)
            {
                s.Close();
            }
        }
    }

    /// <summary>A boolean as JavaScript prints it.</summary>
    public static string B(bool value) => value ? "true" : "false";

    /// <summary>Node's <c>server.listen(0, '127.0.0.1', cb)</c> with the port handed to <paramref name="onPort"/>.</summary>
    public static void Listen(Server server, Action<int> onPort) =>
        server.Listen(0, "127.0.0.1", () => onPort(server.Address()!.Port));

    /// <summary>The same for a net server.</summary>
    public static void Listen(NetServer server, Action<int> onPort) =>
        server.Listen(0, "127.0.0.1", () => onPort(server.Address()!.Port));

    /// <summary>Node's <c>setTimeout</c> on the current loop.</summary>
    public static void After(double ms, Action work) => EventLoop.Current!.SetTimeout(work, ms);

    /// <summary>Node's <c>setImmediate</c> on the current loop.</summary>
    public static void Immediate(Action work) => EventLoop.Current!.SetImmediate(work);

    /// <summary>The error's Node code, its type name when it has none, or "null" for no error.</summary>
    public static string Code(Exception? e) => e switch
    {
        null => "null",
        NodeHttpException n => n.Code,
        _ => e.GetType().Name,
    };

    /// <summary>The body of <paramref name="res"/> as UTF-8 text, handed to <paramref name="onEnd"/> at 'end'.</summary>
    public static void ReadText(IncomingMessage res, Action<string> onEnd)
    {
        var text = new System.Text.StringBuilder();
        res.SetEncoding("utf8");
        res.On<string>("data", d => text.Append(d));
        res.On("end", () => onEnd(text.ToString()));
    }

    /// <summary>
    /// Node's rawExchange (scenarios/prelude.js): sends <paramref name="pieces"/> (latin1) on a new connection 20 ms
    /// apart and hands the reply to <paramref name="onReply"/>, Date values replaced, followed by [closed] when the
    /// server ended the connection or [open] when it was still open <paramref name="quietMs"/> after the last byte.
    /// </summary>
    public static void RawExchange(int port, IReadOnlyList<string> pieces, Action<string> onReply, int quietMs = 300)
    {
        var got = new System.Text.StringBuilder();
        LoopTimer? timer = null;
        bool finished = false;
        Socket c = null!;
        void Finish(string how)
        {
            if (finished)
            {
                return;
            }
            finished = true;
            if (timer is not null)
            {
                EventLoop.Current!.ClearTimeout(timer);
            }
            c.Destroy();
            onReply(System.Text.RegularExpressions.Regex.Replace(got.ToString(), "\r\nDate: [^\r]*", "\r\nDate: X", System.Text.RegularExpressions.RegexOptions.IgnoreCase) + how);
        }
        void Arm()
        {
            if (timer is not null)
            {
                EventLoop.Current!.ClearTimeout(timer);
            }
            timer = EventLoop.Current!.SetTimeout(() => Finish("[open]"), quietMs);
        }
        void Send(int i)
        {
            if (i == pieces.Count)
            {
                Arm();
                return;
            }
            c.Write(pieces[i], "latin1");
            After(20, () => Send(i + 1));
        }
        c = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () => Send(0));
        c.SetEncoding("latin1");
        c.On<string>("data", d => { got.Append(d); Arm(); });
        c.On("end", () => Finish("[closed]"));
        c.On<Exception>("error", e => Finish("[" + Code(e) + "]"));
    }
}
