using Xunit.Abstractions;

namespace NodeHttp.Tests.Conformance;

/// <summary>llhttp's own test vectors (../shared/conformance/llhttp) run through <see cref="HttpParser"/>, whole and split at every size.</summary>
public sealed class LlhttpConformanceTests(ITestOutputHelper output)
{
    /// <summary>Vectors known to pass; a drop below it is a regression.</summary>
    private const int KnownPassing = 272;

    public static TheoryData<string> VectorIds()
    {
        var data = new TheoryData<string>();
        foreach (var v in LlhttpVectors.All)
        {
            data.Add(v.Id);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(VectorIds))]
    public void Vector(string id)
    {
        var v = LlhttpVectors.Get(id);
        string? failure = LlhttpVectorRunner.Run(v);
        Assert.True(failure is null, $"{id}\n{failure}");
    }

    [Fact]
    public void AllVectorsPassCount()
    {
        int pass = 0;
        var failed = new List<string>();
        foreach (var v in LlhttpVectors.All)
        {
            if (LlhttpVectorRunner.Run(v) is null)
            {
                pass++;
            }
            else
            {
                failed.Add(v.Id);
            }
        }
        output.WriteLine($"llhttp vectors: {pass} passed, {failed.Count} failed, {LlhttpVectors.All.Count} total");
        foreach (string id in failed)
        {
            output.WriteLine("failed: " + id);
        }
        Assert.Equal(272, LlhttpVectors.All.Count);
        Assert.True(pass >= KnownPassing, $"{pass} vectors pass, expected at least {KnownPassing}; failing: {string.Join(", ", failed)}");
    }
}
