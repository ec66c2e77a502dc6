using System.Text;
using System.Text.Json;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// One node process that runs a class's whole set of JavaScript scenarios, so that node's start-up is paid once per
/// class rather than once per test. The scenarios come from a file under <c>NodeSuite/scenarios</c> (which registers
/// each with <c>scenario(name, done =&gt; ...)</c>) or inline, as a dictionary of function bodies of <c>done</c>;
/// either way they run after <c>scenarios/prelude.js</c>, which provides <c>http</c>, <c>net</c>, <c>listen</c>,
/// <c>PORT_OF</c>, <c>uncaughtHandlers</c> and the raw-connection helpers. Each scenario reports its text as a
/// <c>RESULT ["name","text"]</c> line, read with <see cref="ResultAsync"/>: <c>THREW code message</c> when it threw,
/// <c>TIMEOUT</c> when it never called <c>done</c> within 20 s.
/// </summary>
public abstract class NodeScenarioHost : IAsyncLifetime
{
    // Bounds the wait for one result; a file's scenarios may all run before the one asked for.
    private const double ResultSeconds = 90;

    private readonly string script;
    private NodePeer? peer;

    /// <summary>Serves the scenarios in <paramref name="file"/> (a name under NodeSuite/scenarios).</summary>
    /// <param name="file">The scenario file.</param>
    /// <param name="sequential">Runs the scenarios one after another (the default) instead of all at once.</param>
    protected NodeScenarioHost(string file, bool sequential = true)
    {
        script = Script(File.ReadAllText(Path.Combine(Folder, file)), sequential);
    }

    /// <summary>Serves scenarios given inline.</summary>
    /// <param name="scenarios">Name to JavaScript function body; the body calls <c>done(result)</c> once.</param>
    /// <param name="sequential">Runs the scenarios one after another (timing-sensitive ones) instead of all at once.</param>
    /// <param name="prelude">JavaScript helpers shared by the scenarios, after those of prelude.js.</param>
    protected NodeScenarioHost(IReadOnlyDictionary<string, string> scenarios, bool sequential = false, string prelude = "")
    {
        script = Script(Inline(scenarios, prelude), sequential);
    }

    /// <summary>The folder holding the scenario files.</summary>
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "NodeHttp.Tests", "NodeSuite", "scenarios");

    /// <summary>Lines node printed for exceptions no scenario caught.</summary>
    public IEnumerable<string> Uncaught => peer!.Lines.Where(l => l.StartsWith("UNCAUGHT ", StringComparison.Ordinal));

    /// <inheritdoc/>
    public Task InitializeAsync()
    {
        peer = NodePeer.Start(script);
        return Task.CompletedTask;
    }

    /// <summary>The text Node's run of scenario <paramref name="name"/> reported (waits, bounded, for its line).</summary>
    public async Task<string> ResultAsync(string name)
    {
        // The line starts with the JSON array's first element: RESULT ["name",
        string prefix = "RESULT [" + Js.Str(name) + ",";
        string line;
        try
        {
            line = await peer!.WaitLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal), ResultSeconds);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException("node gave no result for " + name + "; stderr: " + string.Join("\n", peer!.Stderr));
        }
        return JsonSerializer.Deserialize<string[]>(line["RESULT ".Length..])![1];
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (peer is not null)
        {
            await peer.DisposeAsync();
        }
    }

    // prelude.js, the scenarios, and the call that runs them.
    private static string Script(string scenarios, bool sequential) =>
        File.ReadAllText(Path.Combine(Folder, "prelude.js")) + "\n" + scenarios
            + "\nrunAll(" + (sequential ? "true" : "false") + ");\n";

    // Registers each inline body as a scenario of done.
    private static string Inline(IReadOnlyDictionary<string, string> scenarios, string prelude)
    {
        var script = new StringBuilder();
        script.AppendLine(prelude);
        foreach ((string name, string body) in scenarios)
        {
            script.Append("scenario(").Append(JsonSerializer.Serialize(name)).AppendLine(", (done) => {");
            script.AppendLine(body);
            script.AppendLine("});");
        }
        return script.ToString();
    }
}
