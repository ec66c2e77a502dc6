using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace NodeHttp.Tests.Packaging;

/// <summary>The outcome of one <c>dotnet</c> command: its exit code and every line it wrote to stdout and stderr.</summary>
internal sealed record DotnetResult(string Command, int ExitCode, IReadOnlyList<string> Lines)
{
    /// <summary>Lines that report an MSBuild, compiler, NuGet, trimming or AOT warning.</summary>
    public IReadOnlyList<string> Warnings => Lines.Where(l => DotnetCli.WarningLine.IsMatch(l)).ToArray();

    /// <summary>The command and its whole output, for an assertion message.</summary>
    public string Transcript => "$ " + Command + " (exit " + ExitCode + ")\n" + string.Join('\n', Lines);
}

/// <summary>
/// Runs the <c>dotnet</c> CLI as a child process under a deadline. The child gets the environment of a developer's
/// shell: the variables the test host's own MSBuild and VSTest set are dropped, and no build node outlives it.
/// </summary>
internal static partial class DotnetCli
{
    /// <summary>An MSBuild-format warning (<c>file(1,2): warning CS1234: …</c>, <c>warning NU5100: …</c>).</summary>
    public static readonly Regex WarningLine = WarningRegex();

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static async Task<DotnetResult> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (string name in psi.Environment.Keys.ToArray())
        {
            if (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)
                || name.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase))
            {
                psi.Environment.Remove(name);
            }
        }
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        string command = "dotnet " + string.Join(' ', args);
        var lines = new List<string>();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Add(lines, e.Data);
        process.ErrorDataReceived += (_, e) => Add(lines, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            throw new TimeoutException($"{command} did not finish within {timeout.TotalSeconds:0} s; its output:\n{Snapshot(lines)}");
        }
        // The parameterless wait returns once the redirected streams are drained too.
        await process.WaitForExitAsync();
        lock (lines)
        {
            return new DotnetResult(command, process.ExitCode, lines.ToArray());
        }
    }

    /// <summary>A fresh, empty folder under the temporary directory, outside any repository.</summary>
    public static string CreateTempDirectory(string prefix)
    {
        string path = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(path);
        // Keeps MSBuild from importing a Directory.Build.props/targets from a folder above.
        File.WriteAllText(Path.Combine(path, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(path, "Directory.Build.targets"), "<Project />\n");
        return path;
    }

    /// <summary>Removes a folder made by <see cref="CreateTempDirectory"/>; a failure to remove it is not the test's.</summary>
    public static void DeleteTempDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void Add(List<string> lines, string? line)
    {
        if (line is not null)
        {
            lock (lines)
            {
                lines.Add(line);
            }
        }
    }

    private static string Snapshot(List<string> lines)
    {
        lock (lines)
        {
            var sb = new StringBuilder();
            foreach (string l in lines)
            {
                sb.Append(l).Append('\n');
            }
            return sb.ToString();
        }
    }

    [GeneratedRegex(@"(^|\s|:)warning(\s+[A-Z]+[0-9]+)?\s*:", RegexOptions.IgnoreCase)]
    private static partial Regex WarningRegex();
}
