using NodeHttp.Tests.Packaging;

namespace NodeHttp.Tests.Examples;

/// <summary>
/// Every program in <c>examples/</c> runs as a user would start it (<c>dotnet Example.dll</c>): those that talk to
/// themselves exit 0 with the output their header comment promises; the hello server answers a request.
/// </summary>
public sealed class ExamplesTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static IEnumerable<object[]> SelfContained =>
    [
        ["ClientAgents", new[] { "agent: false: 200 hello from /one-time", "keepAlive agent: 200 hello from /keep-alive/2 (reused socket: True", "free sockets left in the keep-alive agent: 0" }],
        ["ClientConnect", new[] { "got connected!", "Hello, World!" }],
        ["ClientErrorServer", new[] { "clientError: HPE_INVALID_METHOD", "HTTP/1.1 400 Bad Request" }],
        ["ClientJsonGet", new[] { "{\"data\":\"Hello World!\"}" }],
        ["ClientPostUpload", new[] { "STATUS: 200", "BODY: received msg=Hello%20World!", "No more data in response." }],
        ["ClientUpgrade", new[] { "got upgraded!" }],
        ["ConnectProxy", new[] { "HTTP/1.1 200 Connection Established", "hello from the origin" }],
        ["PostUpload", new[] { "server: POST /upload, 18 bytes", "got 18 bytes" }],
        ["TrailersServer", new[] { "Trailer: Content-MD5", "Content-MD5: 7787a003fc65bfeb3078d00fc452afe2" }],
        ["UpgradeEcho", new[] { "HTTP/1.1 101", "echoed: echo me" }],
    ];

    [Theory]
    [MemberData(nameof(SelfContained))]
    public async Task Example_exits_with_the_promised_output(string name, string[] expected)
    {
        await using var process = ChildProcess.Start("dotnet", ExampleDll(name));
        int exitCode = await process.WaitExitAsync(Limit);
        string output = process.Output;
        Assert.True(exitCode == 0, $"{name} exited {exitCode}:\n{output}");
        foreach (string line in expected)
        {
            Assert.Contains(line, output, StringComparison.Ordinal);
        }
        Assert.DoesNotContain("stderr:", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelloServer_answers_a_request()
    {
        await using var process = ChildProcess.Start("dotnet", ExampleDll("HelloServer"), "0");
        string listening = await process.WaitLineAsync(l => l.StartsWith("listening on http://", StringComparison.Ordinal), Limit);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        string body = await client.GetStringAsync(new Uri(listening["listening on ".Length..].Trim()));
        Assert.Equal("Hello, World!", body);
    }

    /// <summary>The example's assembly, built by the same configuration as this test assembly (the test project references every example).</summary>
    private static string ExampleDll(string name)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = tfm.Parent!.Name;
        string dll = Path.Combine(RepoPaths.Root, "examples", name, "bin", configuration, tfm.Name, name + ".dll");
        Assert.True(File.Exists(dll), dll + " was not built");
        return dll;
    }
}
