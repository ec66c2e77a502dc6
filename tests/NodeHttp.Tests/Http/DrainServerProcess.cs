using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

using NodeHttp.Tests.Packaging;

namespace NodeHttp.Tests.Http;

/// <summary>
/// examples/DrainServer run as its own process (what a supervisor starts): built once per test run (the first time a
/// test asks for it) beside this test assembly's configuration and copied with the NodeHttp.dll under test, so the process runs the code under test.
/// Disposing kills the process if it still runs.
/// </summary>
internal sealed partial class DrainServerProcess : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static readonly Lazy<string> App = new(Prepare, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly ChildProcess process;

    private DrainServerProcess(string fileName, string[] args)
    {
        process = ChildProcess.Start(fileName, args);
        Pid = process.Pid;
    }

    /// <summary>The process id (the one <c>kill</c> signals).</summary>
    public int Pid { get; }

    /// <summary>The port it listens on, once <see cref="WaitListeningAsync"/> saw it.</summary>
    public int Port { get; private set; }

    /// <summary>Its output so far (stderr lines prefixed <c>stderr: </c>).</summary>
    public string Output => process.Output;

    /// <summary>The DrainServer.dll to run.</summary>
    public static string AppPath => App.Value;

    /// <summary>Starts <c>dotnet DrainServer.dll args</c>.</summary>
    public static DrainServerProcess Start(params string[] args) => StartWith("dotnet", [AppPath, .. args]);

    /// <summary>Starts <paramref name="fileName"/> (a launcher such as systemd-socket-activate, which execs DrainServer in its own process).</summary>
    public static DrainServerProcess StartWith(string fileName, params string[] args) => new(fileName, args);

    /// <summary>Waits (bounded) for the <c>listening on http://…:PORT/ pid N</c> line; returns the port.</summary>
    public async Task<int> WaitListeningAsync()
    {
        string line = await WaitLineAsync(l => ListeningLine().IsMatch(l));
        Match m = ListeningLine().Match(line);
        Port = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.Equal(Pid.ToString(CultureInfo.InvariantCulture), m.Groups[2].Value);
        return Port;
    }

    /// <summary>Waits (bounded) for an output line matching <paramref name="match"/>, including lines already seen.</summary>
    public Task<string> WaitLineAsync(Func<string, bool> match) => process.WaitLineAsync(match, Deadline);

    /// <summary>Sends SIGTERM with <c>kill -TERM</c>, as a supervisor does.</summary>
    public async Task TerminateAsync()
    {
        using Process kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", Pid.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        await kill.WaitForExitAsync().WaitAsync(Deadline);
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits (bounded by <paramref name="timeout"/>) for the process to exit and its output to be read; returns its exit code.</summary>
    public Task<int> WaitExitAsync(TimeSpan timeout) => process.WaitExitAsync(timeout);

    /// <summary>
    /// One request on a new connection, <c>Connection: close</c> unless <paramref name="keepAlive"/>; returns everything
    /// received until the server closed the connection.
    /// </summary>
    public static async Task<string> GetAsync(int port, string path, bool keepAlive = false)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port).WaitAsync(Deadline);
        NetworkStream stream = client.GetStream();
        string connection = keepAlive ? string.Empty : "Connection: close\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: x\r\n{connection}\r\n")).AsTask().WaitAsync(Deadline);
        var all = new MemoryStream();
        await stream.CopyToAsync(all).WaitAsync(Deadline);
        return Encoding.Latin1.GetString(all.ToArray());
    }

    /// <summary>The body of a response <see cref="GetAsync"/> read.</summary>
    public static string BodyOf(string response) => response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..];

    /// <summary>Kills the process if it still runs.</summary>
    public ValueTask DisposeAsync() => process.DisposeAsync();

    private static string Prepare()
    {
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        string tfm = output.Name;
        string configuration = output.Parent!.Name;
        string project = Path.Combine(RepoPaths.Root, "examples", "DrainServer");
        string built = Path.Combine(project, "bin", configuration, tfm);
        // Built every run (incremental, so quick when nothing changed): a build left from an older source would
        // test old code.
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { "build", Path.Combine(project, "DrainServer.csproj"), "-c", configuration, "-v", "q" })
            {
                psi.ArgumentList.Add(a);
            }
            using Process build = Process.Start(psi)!;
            Task<string> log = build.StandardOutput.ReadToEndAsync();
            _ = build.StandardError.ReadToEndAsync();
            Assert.True(build.WaitForExit(TimeSpan.FromMinutes(5)), "building examples/DrainServer took too long");
            Assert.True(build.ExitCode == 0, "building examples/DrainServer failed: " + log.Result);
        }
        string dir = Path.Combine(Path.GetTempPath(), "nodehttp-drain-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        foreach (string file in Directory.GetFiles(built))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }
        File.Copy(Path.Combine(AppContext.BaseDirectory, "NodeHttp.dll"), Path.Combine(dir, "NodeHttp.dll"), overwrite: true);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return Path.Combine(dir, "DrainServer.dll");
    }

    [GeneratedRegex(@"^listening on http://[^ ]+:(\d+)/ pid (\d+)$")]
    private static partial Regex ListeningLine();
}
