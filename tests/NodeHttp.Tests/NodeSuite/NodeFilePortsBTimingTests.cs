using System.Text;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's tests bound by timers — a keep-alive timeout against a stray line end, the server's
/// timeout against a slow reader of a large response: each scenario runs in Node (scenarios/ports-b-timing.js) and
/// here, alone in the Timing collection.
/// </summary>
[Collection("Timing")]
public sealed class NodeFilePortsBTimingTests(NodeFilePortsBTimingTests.Node node) : IClassFixture<NodeFilePortsBTimingTests.Node>
{
    /// <summary>The Node process that runs scenarios/ports-b-timing.js.</summary>
    public sealed class Node() : NodeScenarioHost("ports-b-timing.js");

    private static readonly System.Text.Json.JsonSerializerOptions JsOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Json(string text) => System.Text.Json.JsonSerializer.Serialize(text, JsOptions);

    [Fact]
    public Task Http_keep_alive_empty_line() => Twin.CheckAsync(node, "keep-alive-empty-line",
        Json("HTTP/1.1 404 Not Found\r\nDate: X\r\nConnection: keep-alive\r\nKeep-Alive: timeout=0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n") + " within3s=true", done =>
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        Server server = NodeHttp.Http.CreateServer(new ServerOptions { ConnectionsCheckingInterval = 100, HeadersTimeout = 100, KeepAliveTimeout = 300 }, (_, res) =>
        {
            res.WriteHead(404);
            res.End();
        });
        Twin.Listen(server, port =>
        {
            Socket client = null!;
            client = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () =>
            {
                client.Write("GET / HTTP/1.1\r\nHost: localhost:3000\r\nContent-Length: 0\r\n\r\n");
                Twin.After(100, () => client.Write("\r\n"));
            });
            var got = new StringBuilder();
            client.SetEncoding("latin1");
            client.On<string>("data", d => got.Append(d));
            client.On("end", () => client.End());
            client.On("close", () =>
            {
                string reply = System.Text.RegularExpressions.Regex.Replace(got.ToString(), "\r\nDate: [^\r]*", "\r\nDate: X");
                server.Close(_ => done(Json(reply) + " within3s=" + Twin.B(started.ElapsedMilliseconds < 3000)));
            });
        });
    });

    // Node's file checks that the server's timeout does not fire while a large write is still making progress; the
    // port reads 3 MB in pauses shorter than the timeout, whose sum is longer, and counts the server's timeouts.
    [Fact]
    public Task Http_keep_alive_large_write() => Twin.CheckAsync(node, "keep-alive-large-write", "received=3000000 timeouts=0 paused=true", done =>
    {
        const int size = 3000000;
        int timeouts = 0;
        Server server = NodeHttp.Http.CreateServer((req, res) =>
        {
            req.Socket!.On("timeout", () => timeouts++);
            res.WriteHead(200, [new("Content-Type", "application/octet-stream"), new("Content-Length", size.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            res.Write(Enumerable.Repeat((byte)0x44, size).ToArray());
            res.End();
        });
        server.SetTimeout(1000);
        Twin.Listen(server, port => NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, UseAgent = false }, res =>
        {
            long received = 0;
            long sincePause = 0;
            int pauses = 0;
            res.On<NodeBuffer>("data", d =>
            {
                received += d.Length;
                sincePause += d.Length;
                if (sincePause >= 500000 && received < size)
                {
                    sincePause = 0;
                    pauses++;
                    res.Pause();
                    Twin.After(400, () => res.Resume());
                }
            });
            res.On("end", () => server.Close(_ => done("received=" + received + " timeouts=" + timeouts + " paused=" + Twin.B(pauses >= 4))));
            res.On<Exception>("error", e => done("error:" + Twin.Code(e) + " received=" + received));
        }));
    });
}
