using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace NodeHttp.Tests.Http;

/// <summary>
/// A server that runs out of file descriptors keeps running, as a Node server does (libuv accepts and closes what it
/// cannot keep): the hello server of examples/ runs as its own process under <c>ulimit -n</c> (this process keeps
/// its limit, other tests run in it), more clients connect at once than it has descriptors, and afterwards it
/// still answers. Node emits no <c>'error'</c> in that situation, so the example's error listener prints nothing.
/// </summary>
[Collection("Timing")]
public partial class ServerFdExhaustionTests
{
    private const int FdLimit = 128;
    private const int Clients = 400;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private static readonly byte[] Get = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n");

    [Theory]
    [InlineData("epoll")]
    [InlineData("dotnet")]
    public async Task HelloServer_UnderLowFdLimit_SurvivesMoreClientsThanDescriptors_ThenServes(string io)
    {
        string app = PrepareHelloServer();
        using var server = new ChildServer(app, io);
        int port = await server.WaitListeningAsync();

        var clients = new List<TcpClient>();
        string[] outcomes;
        using (var cts = new CancellationTokenSource(Deadline))
        {
            outcomes = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => ProbeAsync(port, clients, cts.Token)));
        }
        int served = outcomes.Count(o => o == "served");
        int closed = outcomes.Count(o => o == "closed");
        int waiting = outcomes.Count(o => o == "waiting");
        string figures = $"served {served}, closed {closed}, waiting {waiting}; server output:\n{server.Output}";
        Assert.False(server.HasExited, "the server process ended: " + figures);
        Assert.Equal(0, waiting);
        Assert.True(served > 0, "no connection was served: " + figures);
        Assert.True(closed > 0, "the descriptor limit was never reached: " + figures);

        foreach (TcpClient c in clients)
        {
            c.Dispose();
        }

        // The server notices those closes on its own time; until it has, a new connection may still find no room.
        string response = string.Empty;
        for (int attempt = 0; attempt < 50 && !response.StartsWith("HTTP/1.1 200 OK", StringComparison.Ordinal); attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(100);
            }
            response = await FreshRequestAsync(port);
        }
        Assert.StartsWith("HTTP/1.1 200 OK", response);
        Assert.EndsWith("\r\n\r\nHello, World!", response);
        Assert.False(server.HasExited);
        Assert.DoesNotContain("server error", server.Output, StringComparison.Ordinal);
    }

    /// <summary>One keep-alive request on a connection that stays open: "served", "closed" (no answer), or "waiting".</summary>
    private static async Task<string> ProbeAsync(int port, List<TcpClient> clients, CancellationToken token)
    {
        var client = new TcpClient();
        lock (clients)
        {
            clients.Add(client);
        }
        var got = new StringBuilder();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, token);
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync(Get, token);
            var buffer = new byte[1024];
            while (true)
            {
                int n = await stream.ReadAsync(buffer, token);
                if (n == 0)
                {
                    break;
                }
                got.Append(Encoding.Latin1.GetString(buffer, 0, n));
                if (got.ToString().Contains("Hello, World!", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return "waiting";
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // reset: the connection was closed with the request unread
        }
        return got.ToString().StartsWith("HTTP/1.1 200 OK", StringComparison.Ordinal) ? "served" : "closed";
    }

    private static async Task<string> FreshRequestAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Deadline);
            NetworkStream stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).AsTask().WaitAsync(Deadline);
            var all = new MemoryStream();
            await stream.CopyToAsync(all).WaitAsync(Deadline);
            return Encoding.Latin1.GetString(all.ToArray());
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return "failed: " + e.Message;
        }
    }

    /// <summary>
    /// The hello example as built beside this test assembly's configuration (built now if it is not), copied with
    /// the NodeHttp.dll this test assembly runs against, so the process runs the code under test.
    /// </summary>
    private static string PrepareHelloServer()
    {
        var output = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory));
        string tfm = output.Name;
        string configuration = output.Parent!.Name;
        string project = Path.Combine(RepoPaths.Root, "examples", "HelloServer");
        string built = Path.Combine(project, "bin", configuration, tfm);
        if (!File.Exists(Path.Combine(built, "HelloServer.dll")))
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { "build", Path.Combine(project, "HelloServer.csproj"), "-c", configuration, "-v", "q" })
            {
                psi.ArgumentList.Add(a);
            }
            using Process build = Process.Start(psi)!;
            Task<string> log = build.StandardOutput.ReadToEndAsync();
            _ = build.StandardError.ReadToEndAsync();
            Assert.True(build.WaitForExit(TimeSpan.FromMinutes(5)), "building examples/HelloServer took too long");
            Assert.True(build.ExitCode == 0, "building examples/HelloServer failed: " + log.Result);
        }
        string dir = Path.Combine(Path.GetTempPath(), "nodehttp-fd-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        foreach (string file in Directory.GetFiles(built))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }
        File.Copy(Path.Combine(AppContext.BaseDirectory, "NodeHttp.dll"), Path.Combine(dir, "NodeHttp.dll"), overwrite: true);
        return Path.Combine(dir, "HelloServer.dll");
    }

    /// <summary>The server process under <c>ulimit -n</c>; killed and its folder removed when disposed.</summary>
    private sealed partial class ChildServer : IDisposable
    {
        private readonly Process process;
        private readonly StringBuilder output = new();
        private readonly TaskCompletionSource<int> listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly string app;

        public ChildServer(string app, string io)
        {
            this.app = app;
            var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add($"ulimit -n {FdLimit} && exec dotnet \"$0\" 0");
            psi.ArgumentList.Add(app);
            psi.Environment["NODEHTTP_IO"] = io;
            process = new Process { StartInfo = psi, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException("the server exited before listening:\n" + Output));
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }

        public bool HasExited => process.HasExited;

        public string Output
        {
            get
            {
                lock (output)
                {
                    return output.ToString();
                }
            }
        }

        public Task<int> WaitListeningAsync() => listening.Task.WaitAsync(Deadline);

        private void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (output)
            {
                output.AppendLine(line);
            }
            if (ListeningLine().Match(line) is { Success: true } m)
            {
                listening.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        [GeneratedRegex(@"listening on http://127\.0\.0\.1:(\d+)/")]
        private static partial Regex ListeningLine();

        public void Dispose()
        {
            try
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
            catch (InvalidOperationException)
            {
            }
            process.Dispose();
            try
            {
                Directory.Delete(Path.GetDirectoryName(app)!, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
