namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's http tests that needed a fix or a small API before they could be ported: each scenario runs in Node
/// (scenarios/ports-d.js) and here.
/// </summary>
public sealed class PortsDTwinTests(PortsDTwinTests.Node node) : IClassFixture<PortsDTwinTests.Node>
{
    /// <summary>The Node process that runs scenarios/ports-d.js.</summary>
    public sealed class Node() : NodeScenarioHost("ports-d.js");

    private static RequestOptions To(int port, string? method = null, string? path = null) =>
        new() { Host = "127.0.0.1", Port = port, UseAgent = false, Method = method, Path = path };

    private static string ShowError(Exception? e) => e is null ? "ok" : Twin.Code(e);

    // stream.finished on a server response settles at its 'close', also when attached after it; on a client request
    // likewise (the request closes once its response is done).
    [Fact]
    public Task Http_outgoing_finished() => Twin.CheckAsync(node, "outgoing-finished",
        "server: close,finished ok closed=true,late ok; client: finish,finished ok closed=true,close,late ok", done =>
    {
        var serverEvents = new List<string>();
        var clientEvents = new List<string>();
        int pending = 2;
        void Settle()
        {
            if (--pending == 0)
            {
                done("server: " + string.Join(",", serverEvents) + "; client: " + string.Join(",", clientEvents));
            }
        }
        Server server = null!;
        server = NodeHttp.Http.CreateServer((_, res) =>
        {
            bool closed = false;
            res.On("close", () =>
            {
                closed = true;
                serverEvents.Add("close");
                NodeStream.Finished(res, e => { serverEvents.Add("late " + ShowError(e)); server.Close(); Settle(); });
            });
            res.End();
            NodeStream.Finished(res, e => serverEvents.Add("finished " + ShowError(e) + " closed=" + Twin.B(closed)));
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = NodeHttp.Http.Request(To(port, "GET"), res => res.Resume());
            NodeStream.Finished(req, e => clientEvents.Add("finished " + ShowError(e) + " closed=" + Twin.B(req.Closed)));
            req.On("finish", () => clientEvents.Add("finish"));
            req.On("close", () =>
            {
                clientEvents.Add("close");
                NodeStream.Finished(req, e => { clientEvents.Add("late " + ShowError(e)); Settle(); });
            });
            req.End();
        });
    });
}
