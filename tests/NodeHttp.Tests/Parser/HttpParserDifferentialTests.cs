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

        int mismatches = 0, errors = 0, upgrades = 0;
        for (int i = 0; i < cases.Count; i++)
        {
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
            $"differential: {cases.Count} cases (seed {seed}), {errors} parse errors, {upgrades} upgrades, {mismatches} mismatches"));
        Assert.Equal(0, mismatches);
    }
}
