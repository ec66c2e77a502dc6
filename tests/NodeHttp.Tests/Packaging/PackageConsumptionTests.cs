using System.IO.Compression;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace NodeHttp.Tests.Packaging;

/// <summary>
/// Packs the library as a user gets it and consumes it the way a user does: a fresh console app in an empty folder
/// restores NodeHttp from a local folder feed (everything else from the configured feeds), builds, and serves a real
/// HTTP request.
/// </summary>
[Collection("Packaging")]
public sealed partial class PackageConsumptionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Pack_then_a_fresh_console_app_restores_the_package_and_serves_a_request()
    {
        string temp = DotnetCli.CreateTempDirectory("nodehttp-pack");
        try
        {
            string feed = Path.Combine(temp, "feed");
            string project = Path.Combine(RepoPaths.Root, "src", "NodeHttp", "NodeHttp.csproj");
            // Its own artifacts folder: the repository's bin/obj are left as the test run built them.
            DotnetResult pack = await DotnetCli.RunAsync(temp, CommandTimeout,
                "pack", project, "-c", "Release", "-o", feed, "--artifacts-path", Path.Combine(temp, "artifacts"), "-nodeReuse:false");
            output.WriteLine(pack.Transcript);
            Assert.True(pack.ExitCode == 0, pack.Transcript);
            Assert.True(pack.Warnings.Count == 0, "pack warned:\n" + string.Join('\n', pack.Warnings));

            string nupkg = Assert.Single(Directory.GetFiles(feed, "NodeHttp.*.nupkg"));
            string version = CheckPackage(nupkg);
            CheckSymbolPackage(Path.Combine(feed, $"NodeHttp.{version}.snupkg"));

            string app = Path.Combine(temp, "app");
            string packages = Path.Combine(temp, "packages");
            WriteConsumer(app, feed, version);
            // A private packages folder: the package just packed is the one restored, never an older copy of the
            // same version from the machine's cache.
            DotnetResult restore = await DotnetCli.RunAsync(app, CommandTimeout, "restore", "--packages", packages, "-nodeReuse:false");
            output.WriteLine(restore.Transcript);
            Assert.True(restore.ExitCode == 0, restore.Transcript);
            string metadata = File.ReadAllText(Path.Combine(packages, "nodehttp", version.ToLowerInvariant(), ".nupkg.metadata"));
            Assert.Contains(Path.GetFileName(feed), metadata, StringComparison.Ordinal);

            DotnetResult build = await DotnetCli.RunAsync(app, CommandTimeout, "build", "-c", "Release", "--no-restore", "-nodeReuse:false");
            output.WriteLine(build.Transcript);
            Assert.True(build.ExitCode == 0, build.Transcript);
            Assert.True(build.Warnings.Count == 0, "the consumer's build warned:\n" + string.Join('\n', build.Warnings));

            string dll = Path.Combine(app, "bin", "Release", "net10.0", "PackageConsumer.dll");
            await using var server = ChildProcess.Start("dotnet", dll);
            string listening = await server.WaitLineAsync(l => l.StartsWith("port ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            int port = int.Parse(listening.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture);

            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}/from-the-test");
            request.Headers.ConnectionClose = true;
            using HttpResponseMessage response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("served by NodeHttp " + version + " for /from-the-test", await response.Content.ReadAsStringAsync());

            // The handler closes the server after its one response, so the loop runs out of work and the program ends.
            Assert.Equal(0, await server.WaitExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("closed", server.Output, StringComparison.Ordinal);
        }
        finally
        {
            DotnetCli.DeleteTempDirectory(temp);
        }
    }

    /// <summary>Checks the package's metadata and files; returns its version.</summary>
    private static string CheckPackage(string nupkg)
    {
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (string expected in new[] { "README.md", "LICENSE", "lib/net10.0/NodeHttp.dll", "lib/net10.0/NodeHttp.xml", "NodeHttp.nuspec" })
        {
            Assert.True(names.Contains(expected), expected + " is missing from the package: " + string.Join(", ", names));
        }
        Assert.DoesNotContain(names, n => n.EndsWith(".pdb", StringComparison.Ordinal));

        XDocument nuspec;
        using (Stream s = zip.GetEntry("NodeHttp.nuspec")!.Open())
        {
            nuspec = XDocument.Load(s);
        }
        XNamespace ns = nuspec.Root!.Name.Namespace;
        XElement meta = nuspec.Root.Element(ns + "metadata")!;
        string version = meta.Element(ns + "version")!.Value;
        Assert.Matches(SemVer(), version);
        Assert.Equal("NodeHttp", meta.Element(ns + "id")!.Value);
        Assert.False(string.IsNullOrWhiteSpace(meta.Element(ns + "description")?.Value));
        Assert.False(string.IsNullOrWhiteSpace(meta.Element(ns + "tags")?.Value));
        XElement license = meta.Element(ns + "license")!;
        Assert.Equal("expression", license.Attribute("type")?.Value);
        Assert.Equal("MIT", license.Value);
        Assert.Equal("README.md", meta.Element(ns + "readme")?.Value);
        XElement repository = meta.Element(ns + "repository")!;
        Assert.StartsWith("https://", repository.Attribute("url")?.Value, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{40}$", repository.Attribute("commit")?.Value ?? "");

        // The library stands on the BCL and two small packages (StringValues; ILogger); a new dependency is a decision,
        // not an accident.
        string[] dependencies = meta.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[] { "Microsoft.Extensions.Logging.Abstractions", "Microsoft.Extensions.Primitives" }, dependencies);
        return version;
    }

    private static void CheckSymbolPackage(string snupkg)
    {
        Assert.True(File.Exists(snupkg), snupkg + " was not written");
        using ZipArchive zip = ZipFile.OpenRead(snupkg);
        ZipArchiveEntry pdb = Assert.Single(zip.Entries, e => e.FullName == "lib/net10.0/NodeHttp.pdb");
        using var reader = new StreamReader(pdb.Open());
        // Source Link: the PDB maps its documents to the repository at the commit it was built from.
        Assert.Contains("{\"documents\":{", reader.ReadToEnd(), StringComparison.Ordinal);
    }

    private static void WriteConsumer(string app, string feed, string version)
    {
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="nodehttp-local" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "PackageConsumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="NodeHttp" Version="[{version}]" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), $$"""
            using NodeHttp;

            EventLoop.Run(() =>
            {
                Server? server = null;
                server = Http.CreateServer((req, res) =>
                {
                    res.SetHeader("Content-Type", "text/plain");
                    res.End("served by NodeHttp {{version}} for " + req.Url);
                    server!.Close();
                });
                server.Listen(0, "127.0.0.1", () => Console.WriteLine("port " + server.Address()!.Port));
            });
            Console.WriteLine("closed");
            """);
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();
}
