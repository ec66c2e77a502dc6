using System.Diagnostics;

namespace NodeHttp.Tests.Packaging;

/// <summary>
/// A program the packaging tests built, run as a child process: its output lines can be awaited, and disposing kills
/// it, so no test leaves a server behind.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> lines = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Tcs)> waiters = new();
    private readonly TaskCompletionSource<int> exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChildProcess(string fileName, string[] args)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data is null ? null : "stderr: " + e.Data);
        process.Exited += (_, _) => exited.TrySetResult(process.ExitCode);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts <paramref name="fileName"/> with <paramref name="args"/>.</summary>
    public static ChildProcess Start(string fileName, params string[] args) => new(fileName, args);

    /// <summary>The process id (the one <c>kill</c> signals).</summary>
    public int Pid => process.Id;

    /// <summary>Every line so far, stderr lines prefixed with <c>stderr: </c>.</summary>
    public string Output
    {
        get
        {
            lock (lines)
            {
                return string.Join('\n', lines);
            }
        }
    }

    /// <summary>Waits (bounded) for an output line matching <paramref name="match"/>, including lines already seen.</summary>
    public async Task<string> WaitLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        Task<string> line;
        lock (lines)
        {
            string? seen = lines.FirstOrDefault(match);
            if (seen is not null)
            {
                return seen;
            }
            var tcs = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((match, tcs));
            line = tcs.Task;
        }
        Task first = await Task.WhenAny(line, exited.Task).WaitAsync(timeout);
        if (first != line)
        {
            // Output still in the pipe is read after the exit is seen: WaitForExitAsync also waits for the pipes' end.
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        if (!line.IsCompleted)
        {
            throw new InvalidOperationException("the process exited (" + exited.Task.Result + ") before the expected line; its output:\n" + Output);
        }
        return await line;
    }

    /// <summary>Waits (bounded) for the process to exit and its output to be read to the end; returns its exit code.</summary>
    public async Task<int> WaitExitAsync(TimeSpan timeout)
    {
        // Exited can come before the last lines were read from the pipes; WaitForExitAsync also waits for their end.
        await process.WaitForExitAsync().WaitAsync(timeout);
        return process.ExitCode;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (TimeoutException)
        {
        }
        process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (lines)
        {
            lines.Add(line);
            for (int i = waiters.Count - 1; i >= 0; i--)
            {
                if (waiters[i].Match(line))
                {
                    waiters[i].Tcs.TrySetResult(line);
                    waiters.RemoveAt(i);
                }
            }
        }
    }
}
