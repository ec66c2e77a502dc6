using System.Text.Json;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// One node process running a file of JavaScript scenarios (<c>NodeSuite/scenarios/*.js</c> after
/// <c>prelude.js</c>) one after another, so that a class of twins pays node's start-up once. Each scenario prints
/// <c>RESULT name "text"</c>; a twin awaits its line with <see cref="ResultAsync"/>.
/// </summary>
public abstract class NodeScenarioHost : IAsyncLifetime
{
    private readonly string file;
    private NodePeer? peer;

    /// <summary>Serves the scenarios in <paramref name="file"/> (a name under NodeSuite/scenarios).</summary>
    protected NodeScenarioHost(string file) => this.file = file;

    /// <summary>The folder holding the scenario files.</summary>
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "NodeHttp.Tests", "NodeSuite", "scenarios");

    /// <inheritdoc/>
    public Task InitializeAsync()
    {
        string script = File.ReadAllText(Path.Combine(Folder, "prelude.js")) + "\n"
            + File.ReadAllText(Path.Combine(Folder, file)) + "\nrunAll();\n";
        peer = NodePeer.Start(script);
        return Task.CompletedTask;
    }

    /// <summary>The text Node's run of scenario <paramref name="name"/> reported (bounded: the file's scenarios run in turn).</summary>
    public async Task<string> ResultAsync(string name)
    {
        string prefix = "RESULT " + name + " ";
        string line;
        try
        {
            line = await peer!.WaitLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), 90);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("node gave no result for " + name + "; stderr: " + string.Join("\n", peer!.Stderr));
        }
        return JsonSerializer.Deserialize<string>(line[prefix.Length..])!;
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (peer is not null)
        {
            await peer.DisposeAsync();
        }
    }
}
