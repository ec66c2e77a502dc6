using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace NodeHttp.Tests.Packaging;

/// <summary>
/// Publishes <c>examples/HelloServer</c> with NativeAOT, as the README tells a user to, and runs the native binary:
/// the publish is warning-free (the library is trimming- and AOT-safe) and the server answers a real request.
/// </summary>
[Collection("Packaging")]
public sealed class AotPublishTests(ITestOutputHelper output)
{
    [Fact]
    public async Task HelloServer_publishes_with_NativeAOT_without_warnings_and_serves_a_request()
    {
        string temp = DotnetCli.CreateTempDirectory("nodehttp-aot");
        try
        {
            string project = Path.Combine(RepoPaths.Root, "examples", "HelloServer", "HelloServer.csproj");
            string publishDir = Path.Combine(temp, "publish");
            // Its own artifacts folder: the repository's bin/obj (and restore state) are left as the test run built them.
            DotnetResult publish = await DotnetCli.RunAsync(temp, TimeSpan.FromMinutes(10),
                "publish", project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-p:PublishAot=true",
                "-o", publishDir, "--artifacts-path", Path.Combine(temp, "artifacts"), "-nodeReuse:false");
            output.WriteLine(publish.Transcript);
            Assert.True(publish.ExitCode == 0, "the NativeAOT publish failed (it needs clang or gcc, and zlib1g-dev):\n" + publish.Transcript);
            Assert.True(publish.Warnings.Count == 0, "the NativeAOT publish warned:\n" + string.Join('\n', publish.Warnings));

            string binary = Path.Combine(publishDir, "HelloServer");
            Assert.True(File.Exists(binary), binary + " was not written");
            // A native executable, not an IL assembly run by a host.
            Assert.False(File.Exists(Path.Combine(publishDir, "HelloServer.dll")), "the publish output holds IL, not a native build");
            Assert.False(File.Exists(Path.Combine(publishDir, "NodeHttp.dll")), "the publish output holds IL, not a native build");

            var started = Stopwatch.StartNew();
            await using var server = ChildProcess.Start(binary, "0");
            string listening = await server.WaitLineAsync(l => l.StartsWith("listening on http://", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
            var url = new Uri(listening["listening on ".Length..].Trim());

            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using HttpResponseMessage response = await client.GetAsync(url);
            TimeSpan firstResponse = started.Elapsed;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(13, response.Content.Headers.ContentLength);
            Assert.Equal("Hello, World!", await response.Content.ReadAsStringAsync());
            output.WriteLine($"native binary {new FileInfo(binary).Length / 1024} KiB; first response {firstResponse.TotalMilliseconds:0} ms after start (test host's clock, client start-up included)");
        }
        finally
        {
            DotnetCli.DeleteTempDirectory(temp);
        }
    }
}
