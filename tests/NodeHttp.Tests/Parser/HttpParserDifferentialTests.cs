using System.Globalization;
using Xunit.Abstractions;

namespace NodeHttp.Tests.Parser;

/// <summary>
/// <see cref="HttpParser"/> against the llhttp inside the <c>node</c> on the machine: the same generated inputs through
/// both, and the outcomes (events, headers, bodies, message boundaries, error code, reason and offset) must agree.
/// NODEHTTP_PARSER_DIFF_CASES and NODEHTTP_PARSER_DIFF_SEED make the run longer or different.
/// </summary>
public sealed class HttpParserDifferentialTests(ITestOutputHelper output)
{
    private const int DefaultCases = 3000;
    private const int DefaultSeed = 20240605;

    [Fact]
    public void AgreesWithNodesParser()
    {
        int count = int.TryParse(Environment.GetEnvironmentVariable("NODEHTTP_PARSER_DIFF_CASES"), out int n) ? n : DefaultCases;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("NODEHTTP_PARSER_DIFF_SEED"), out int s) ? s : DefaultSeed;
        var gen = new DifferentialCaseGenerator(seed);
        var cases = Enumerable.Range(0, count).Select(_ => gen.Next()).ToList();

        var timeout = TimeSpan.FromSeconds(Math.Max(30, count / 200));
        var expected = NodeParserOracle.Run(cases, timeout);

        int mismatches = 0, errors = 0, upgrades = 0, versionDifferences = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            if (ChangedSinceNodesLlhttp(cases[i]))
            {
                versionDifferences++;
                continue;
            }
            var actual = NodeParserOracle.RunManaged(cases[i]);
            if (expected[i].Result.StartsWith("HPE_", StringComparison.Ordinal))
            {
                errors++;
            }
            else if (expected[i].Result.StartsWith("UPGRADE", StringComparison.Ordinal))
            {
                upgrades++;
            }
            if (actual.Result == expected[i].Result && actual.Events.SequenceEqual(expected[i].Events))
            {
                continue;
            }
            if (++mismatches <= 10)
            {
                var c = cases[i];
                output.WriteLine($"case {i}: {c.Type} lenient=0x{(int)c.Lenient:x} max={c.MaxHeaderSize} pieces={string.Join(" | ", c.Pieces.Select(Convert.ToBase64String))}");
                output.WriteLine("  node:    " + expected[i].Result + " :: " + string.Join(" ; ", expected[i].Events));
                output.WriteLine("  managed: " + actual.Result + " :: " + string.Join(" ; ", actual.Events));
            }
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"differential: {cases.Count} cases (seed {seed}), {errors} parse errors, {upgrades} upgrades, {mismatches} mismatches, {versionDifferences} left out (llhttp 9.3.1/9.4.2 change)"));
        Assert.Equal(0, mismatches);
    }

    /// <summary>
    /// Inputs whose treatment changed between Node 20's llhttp (9.3.1) and the 9.4.2 NodeHttp follows: a TAB after a
    /// Content-Length value (llhttp#810) or a Connection token (llhttp#866), and a status line ending in CR CR (llhttp#865).
    /// </summary>
    private static bool ChangedSinceNodesLlhttp(DifferentialCase c)
    {
        byte[] all = [.. c.Pieces.SelectMany(p => p)];
        string text = System.Text.Encoding.Latin1.GetString(all);
        string[] lines = text.Split('\n');
        if (c.Type == HttpParserType.Response && lines.Any(l => (l.StartsWith("HTTP", StringComparison.Ordinal) || l.StartsWith("RTSP", StringComparison.Ordinal)
            || l.StartsWith("ICE", StringComparison.Ordinal)) && l.Contains("\r\r", StringComparison.Ordinal)))
        {
            return true;
        }
        return lines.Any(l =>
            (l.StartsWith("content-length", StringComparison.OrdinalIgnoreCase)
             || l.StartsWith("connection", StringComparison.OrdinalIgnoreCase)
             || l.StartsWith("proxy-connection", StringComparison.OrdinalIgnoreCase))
            && l.Contains('\t', StringComparison.Ordinal));
    }
}
