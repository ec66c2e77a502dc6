using System.Diagnostics;
using System.Globalization;

namespace NodeHttp.Tests.Https;

/// <summary>examples/HttpsServer and examples/HttpsClient run as their own processes and print what their header comments promise.</summary>
[Collection("Timing")]
public class HttpsExamplesTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task HttpsServer_AnswersCurlTrustingItsCertificate()
    {
        using var app = ExampleProcess.Start("HttpsServer", "0");
        string certificateLine = await app.WaitLineAsync(l => l.StartsWith("certificate ", StringComparison.Ordinal), Deadline);
        string listening = await app.WaitLineAsync(l => l.StartsWith("listening on https://localhost:", StringComparison.Ordinal), Deadline);
        string certPath = certificateLine["certificate ".Length..];
        int port = int.Parse(listening["listening on https://localhost:".Length..].TrimEnd('/'), CultureInfo.InvariantCulture);
        Assert.Contains("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(certPath));

        var (code, stdout, stderr) = await HttpsServerTransportTests.CurlAsync(null, "-s", "--max-time", "10", "--cacert", certPath, $"https://localhost:{port}/hello?x=1");
        Assert.True(code == 0, stderr + string.Join('\n', app.Lines));
        Assert.Equal("hello world\n", stdout);
        string logged = await app.WaitLineAsync(l => l.StartsWith("GET ", StringComparison.Ordinal), Deadline);
        Assert.Matches(@"^GET /hello\?x=1 over TLSv1\.[23]$", logged);
        File.Delete(certPath);
    }

    [Fact]
    public async Task HttpsClient_PrintsTrustedUntrustedAndInsecureOutcomes()
    {
        using var app = ExampleProcess.Start("HttpsClient");
        Assert.Equal(0, await app.WaitExitAsync(Deadline));
        string[] lines = app.Lines.ToArray();
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^trusted: 200 authorized=True TLSv1\.[23] hello over tls$", lines[0]);
        Assert.Equal("untrusted: DEPTH_ZERO_SELF_SIGNED_CERT self-signed certificate", lines[1]);
        Assert.Equal("insecure: 200 authorized=False DEPTH_ZERO_SELF_SIGNED_CERT", lines[2]);
    }

    /// <summary>An example built (once) in the test's configuration and run with <c>dotnet</c>; killed when disposed.</summary>
    private sealed class ExampleProcess : IDisposable
    {
        private static readonly object BuildGate = new();
        private readonly Process process;
        private readonly List<string> lines = new();
        private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private ExampleProcess(string dll, string[] args)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add(dll);
            foreach (string a in args)
            {
                psi.ArgumentList.Add(a);
            }
            process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (lines)
                    {
                        lines.Add(e.Data);
                        Monitor.PulseAll(lines);
                    }
                }
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (lines)
                    {
                        lines.Add("stderr: " + e.Data);
                    }
                }
            };
            process.Exited += (_, _) => exited.TrySetResult(process.ExitCode);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (lines)
                {
                    return lines.ToArray();
                }
            }
        }

        public static ExampleProcess Start(string name, params string[] args) => new(Build(name), args);

        public async Task<string> WaitLineAsync(Func<string, bool> match, TimeSpan deadline)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < deadline)
            {
                string? found = Lines.FirstOrDefault(match);
                if (found is not null)
                {
                    return found;
                }
                if (process.HasExited)
                {
                    break;
                }
                await Task.Delay(20);
            }
            throw new TimeoutException("no matching line; the example printed:\n" + string.Join('\n', Lines));
        }

        public async Task<int> WaitExitAsync(TimeSpan deadline)
        {
            try
            {
                int code = await exited.Task.WaitAsync(deadline);
                process.WaitForExit(); // the last output lines
                return code;
            }
            catch (TimeoutException)
            {
                throw new TimeoutException("the example did not exit; it printed:\n" + string.Join('\n', Lines));
            }
        }

        public void Dispose()
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
        }

        // Builds examples/<name> in this test run's configuration (incremental: quick when nothing changed); the
        // library the tests run against is copied over the example's, so both use the same build.
        private static string Build(string name)
        {
            var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
            string tfm = output.Name;
            string configuration = output.Parent!.Name;
            string project = Path.Combine(RepoPaths.Root, "examples", name);
            string built = Path.Combine(project, "bin", configuration, tfm);
            lock (BuildGate)
            {
                {
                    var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                    foreach (string a in new[] { "build", Path.Combine(project, name + ".csproj"), "-c", configuration, "-v", "q", "-nologo" })
                    {
                        psi.ArgumentList.Add(a);
                    }
                    using Process build = Process.Start(psi)!;
                    Task<string> log = build.StandardOutput.ReadToEndAsync();
                    _ = build.StandardError.ReadToEndAsync();
                    Assert.True(build.WaitForExit(TimeSpan.FromMinutes(5)), $"building examples/{name} took too long");
                    Assert.True(build.ExitCode == 0, $"building examples/{name} failed: " + log.Result);
                }
                string dir = Path.Combine(Path.GetTempPath(), "nodehttp-example-" + name + "-" + Guid.NewGuid().ToString("N")[..12]);
                Directory.CreateDirectory(dir);
                foreach (string file in Directory.GetFiles(built))
                {
                    File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
                }
                File.Copy(Path.Combine(AppContext.BaseDirectory, "NodeHttp.dll"), Path.Combine(dir, "NodeHttp.dll"), overwrite: true);
                return Path.Combine(dir, name + ".dll");
            }
        }
    }
}
