namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// The NodeHttp half of a twin: runs a scenario on a fresh <see cref="EventLoop"/> under the loop deadline. The
/// scenario registers its servers and agents with <see cref="Track(Server)"/> and calls <see cref="Done"/> with its
/// result, which closes what it tracked so the loop can end.
/// </summary>
internal sealed class ScenarioTwin
{
    private readonly List<Server> servers = new();
    private readonly List<Agent> agents = new();
    private readonly List<Socket> sockets = new();
    private readonly List<Action> onDone = new();
    private string? result;

    /// <summary>Runs <paramref name="scenario"/> and returns what it passed to <see cref="Done"/>.</summary>
    public static async Task<string> RunAsync(Action<ScenarioTwin> scenario)
    {
        var twin = new ScenarioTwin();
        await LoopRunner.RunAsync(() => scenario(twin));
        return twin.result ?? "NO RESULT";
    }

    public Server Track(Server server)
    {
        servers.Add(server);
        return server;
    }

    public Agent Track(Agent agent)
    {
        agents.Add(agent);
        return agent;
    }

    public Socket Track(Socket socket)
    {
        sockets.Add(socket);
        return socket;
    }

    /// <summary>Runs <paramref name="cleanup"/> when the scenario is done (closing what it opened).</summary>
    public void OnDone(Action cleanup) => onDone.Add(cleanup);

    /// <summary>Starts listening on 127.0.0.1:0 and calls <paramref name="then"/> with the port.</summary>
    public void Listen(Server server, Action<int> then)
    {
        Track(server);
        server.OnConnection(s => Track(s));
        server.Listen(0, "127.0.0.1", () => then(server.Address()!.Port));
    }

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

    /// <summary>The code of a <see cref="NodeHttpException"/>, or the exception's type name.</summary>
    public static string CodeOf(Exception? e) => e switch
    {
        null => "null",
        NodeHttpException n => n.Code,
        _ => e.GetType().Name,
    };
}
