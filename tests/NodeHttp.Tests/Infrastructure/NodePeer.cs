using System.Diagnostics;

namespace NodeHttp.Tests;

/// <summary>
/// Runs a Node.js script (Node's own <c>net</c>/<c>http</c> as a real peer) as a child process. Its stdout lines
/// are collected and can be awaited; disposing kills the process tree, so no test leaves a node behind.
/// </summary>
internal sealed class NodePeer : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Tcs)> waiters = new();
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string scriptPath;

    private NodePeer(string script, string[] args)
    {
        scriptPath = Path.Combine(Path.GetTempPath(), "nodehttp-peer-" + Guid.NewGuid().ToString("N") + ".js");
        File.WriteAllText(scriptPath, script);
        var psi = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(scriptPath);
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }
            lock (lines)
            {
                lines.Add(e.Data);
                for (int i = waiters.Count - 1; i >= 0; i--)
                {
                    if (waiters[i].Match(e.Data))
                    {
                        waiters[i].Tcs.TrySetResult(e.Data);
                        waiters.RemoveAt(i);
                    }
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (lines)
                {
                    Stderr.Add(e.Data);
                }
            }
        };
        process.Exited += (_, _) => exited.TrySetResult(process.ExitCode);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Lines the script wrote to stderr.</summary>
    public List<string> Stderr { get; } = new();

    /// <summary>Starts <c>node</c> on <paramref name="script"/> with <paramref name="args"/>.</summary>
    public static NodePeer Start(string script, params string[] args) => new(script, args);

    /// <summary>Every stdout line so far.</summary>
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

    /// <summary>Waits (bounded) for a stdout line matching <paramref name="match"/>, including lines already seen.</summary>
    public Task<string> WaitLineAsync(Func<string, bool> match, double seconds = 10)
    {
        lock (lines)
        {
            foreach (string l in lines)
            {
                if (match(l))
                {
                    return Task.FromResult(l);
                }
            }
            var tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((match, tcs));
            return tcs.Task.WaitAsync(TimeSpan.FromSeconds(seconds));
        }
    }

    /// <summary>Waits (bounded) for the process to exit; returns its exit code.</summary>
    /// <remarks>'Exited' can come before the last lines were read from the pipes; WaitForExitAsync also waits for
    /// the end of the redirected output, so <see cref="Lines"/> is complete when this returns.</remarks>
    public async Task<int> WaitExitAsync(double seconds = 10)
    {
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(seconds));
        return await exited.Task.WaitAsync(TimeSpan.FromSeconds(seconds));
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (TimeoutException)
        {
        }
        process.Dispose();
        try
        {
            File.Delete(scriptPath);
        }
        catch (IOException)
        {
        }
    }
}
