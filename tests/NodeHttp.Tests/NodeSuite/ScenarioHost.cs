using System.Globalization;
using System.Text;
using System.Text.Json;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// One node process that runs a class's whole set of JavaScript scenarios (each a function of <c>done</c>, with
/// <c>http</c>, <c>net</c>, <c>PORT_OF(server)</c> and the <c>uncaughtHandlers</c> set in scope) and prints each result as a
/// <c>RESULT ["name","value"]</c> line, so that node's start-up is paid once per class rather than once per test.
/// A scenario that throws reports <c>THREW code</c>; one that never calls <c>done</c> reports <c>TIMEOUT</c>.
/// </summary>
public abstract class ScenarioHost : IAsyncLifetime
{
    private readonly NodePeer peer;

    /// <param name="scenarios">Name to JavaScript function body; the body calls <c>done(result)</c> once.</param>
    /// <param name="sequential">Runs the scenarios one after another (timing-sensitive ones) instead of at once.</param>
    /// <param name="prelude">JavaScript helpers shared by the scenarios.</param>
    protected ScenarioHost(IReadOnlyDictionary<string, string> scenarios, bool sequential = false, string prelude = "")
    {
        var script = new StringBuilder();
        script.AppendLine("""
            const http = require('http');
            const net = require('net');
            const scenarios = {};
            const PORT_OF = (server) => server.address().port;
            const uncaughtHandlers = new Set();
            process.on('uncaughtException', (e) => {
              if (uncaughtHandlers.size) for (const h of [...uncaughtHandlers]) h(e);
              else console.log('UNCAUGHT ' + JSON.stringify(String(e && e.stack)));
            });
            """);
        script.AppendLine(prelude);
        foreach ((string name, string body) in scenarios)
        {
            script.Append("scenarios[").Append(JsonSerializer.Serialize(name)).AppendLine("] = (done) => {");
            script.AppendLine(body);
            script.AppendLine("};");
        }
        script.Append("const SEQUENTIAL = ").Append(sequential ? "true" : "false").AppendLine(";");
        script.AppendLine("""
            function runOne(name) {
              return new Promise((resolve) => {
                let finished = false;
                const report = (value) => {
                  if (finished) return;
                  finished = true;
                  clearTimeout(timer);
                  console.log('RESULT ' + JSON.stringify([name, String(value)]));
                  resolve();
                };
                const timer = setTimeout(() => report('TIMEOUT'), 20000);
                try { scenarios[name](report); } catch (e) { report('THREW ' + (e.code || e.message)); }
              });
            }
            (async () => {
              if (SEQUENTIAL) { for (const n of Object.keys(scenarios)) await runOne(n); }
              else await Promise.all(Object.keys(scenarios).map(runOne));
              console.log('ALL DONE');
            })();
            """);
        peer = NodePeer.Start(script.ToString());
    }

    /// <summary>Node's result for the scenario <paramref name="name"/> (waits, bounded, for its line).</summary>
    public async Task<string> ResultAsync(string name)
    {
        string prefix = "RESULT " + JsonSerializer.Serialize(new[] { name })[..^1] + ",";
        string line = await peer.WaitLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), 60);
        string[] pair = JsonSerializer.Deserialize<string[]>(line["RESULT ".Length..])!;
        return pair[1];
    }

    /// <summary>Lines node printed for exceptions no scenario caught.</summary>
    public IEnumerable<string> Uncaught => peer.Lines.Where(l => l.StartsWith("UNCAUGHT ", StringComparison.Ordinal));

    /// <inheritdoc/>
    public Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc/>
    public async Task DisposeAsync() => await peer.DisposeAsync();

    internal static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}

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
