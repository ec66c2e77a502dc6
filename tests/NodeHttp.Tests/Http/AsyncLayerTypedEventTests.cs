using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.Http;

/// <summary>The typed event helpers: they listen as <c>On</c> does and chain, and a listener of the wrong shape does not
/// compile.</summary>
public class AsyncLayerTypedEventTests
{
    [Fact]
    public async Task TypedHelpers_ServeAndRequest_OverTheWire()
    {
        var log = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer();
            server
                .OnRequest((req, res) =>
                {
                    var body = new StringBuilder();
                    req.OnData(chunk => body.Append(chunk.ToString()))
                       .OnEnd(() =>
                       {
                           res.OnFinish(() => log.Add("res finish"));
                           res.End($"got {body}");
                       });
                })
                .OnConnection(socket => socket.OnClose(hadError => log.Add($"server socket close {hadError}")))
                .OnListening(() =>
                {
                    ClientRequest creq = NodeHttp.Http.Request(new RequestOptions
                    {
                        Host = "127.0.0.1",
                        Port = server.Address()!.Port,
                        Method = "POST",
                        UseAgent = false,
                    });
                    creq.OnResponse(res =>
                        {
                            var text = new StringBuilder();
                            res.OnData(c => text.Append(c.ToString())).OnEnd(() =>
                            {
                                log.Add($"client {res.StatusCode} {text}");
                                server.Close();
                            });
                        })
                        .OnSocket(s => log.Add("client socket"))
                        .OnError(e => done.TrySetException(e));
                    creq.End("ping");
                })
                .OnClose(() => done.TrySetResult());
            server.Listen(0, "127.0.0.1");
        });
        await done.Task.Bounded();
        Assert.Contains("client socket", log);
        Assert.Contains("res finish", log);
        Assert.Contains("client 200 got ping", log);
        Assert.Contains("server socket close False", log);
    }

    [Theory]
    [InlineData("server.OnRequest((req, res) => res.End());", true)]
    [InlineData("server.OnRequest((IncomingMessage req, Socket socket) => { });", false)]
    [InlineData("server.OnUpgrade((req, socket, head) => socket.Destroy()).OnClientError((e, s) => s.Destroy());", true)]
    [InlineData("server.OnUpgrade((IncomingMessage req, ServerResponse res, NodeBuffer head) => { });", false)]
    [InlineData("Http.Get(\"http://127.0.0.1/\").OnResponse(res => res.OnData(chunk => chunk.ToString()).OnEnd(() => { }));", true)]
    [InlineData("Http.Get(\"http://127.0.0.1/\").OnResponse((ServerResponse res) => { });", false)]
    [InlineData("Http.Get(\"http://127.0.0.1/\").OnResponse(res => res.OnData((string text) => { }));", false)]
    public void AListenerOfTheWrongShape_IsACompileError(string statement, bool compiles)
    {
        string source = $$"""
            using System;
            using NodeHttp;
            static class Probe
            {
                static void Use(Server server)
                {
                    {{statement}}
                }
            }
            """;
        CSharpCompilation compilation = CSharpCompilation.Create(
            "Probe",
            [CSharpSyntaxTree.ParseText(source)],
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Diagnostic[] errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(compiles == (errors.Length == 0), string.Join(Environment.NewLine, errors.Select(e => e.ToString())));
    }

    private static IEnumerable<MetadataReference> References()
    {
        string frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        return Directory.GetFiles(frameworkDir, "*.dll")
            .Where(p => Path.GetFileName(p).StartsWith("System", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll")
            .Append(typeof(Server).Assembly.Location)
            .Append(typeof(StringValues).Assembly.Location)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
    }
}
