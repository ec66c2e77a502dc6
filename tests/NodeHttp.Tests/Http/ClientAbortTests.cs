using System.Collections.Concurrent;

namespace NodeHttp.Tests.Http;

/// <summary>Abort and destroy at each stage of a request; the expected event orders were printed by Node 20's client.</summary>
public class ClientAbortTests
{
    private const string Server = """
        const http = require('http');
        const server = http.createServer((req, res) => {
          if (req.url === '/slow') { res.write('part'); return; }
          setTimeout(() => res.end('x'), 50);
        });
        """;

    [Theory]
    [InlineData("a", "close,abort")]
    [InlineData("b", "socket,finish,abort,error ECONNRESET socket hang up,close")]
    [InlineData("c", "socket,finish,response,data,abort,res aborted,close,res error ECONNRESET aborted,res close")]
    [InlineData("d", "error boom,close")]
    [InlineData("e", "socket,finish,response,data,res end,close,res close")]
    [InlineData("f", "socket,finish,error ECONNRESET socket hang up,close")]
    public async Task AbortAndDestroy_EventOrder_MatchesNode(string stage, string expected)
    {
        var (peer, port) = await NodeHttpPeer.StartServerAsync(Server);
        await using var _ = peer;
        var ev = new ConcurrentQueue<string>();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await LoopRunner.RunAsync(() =>
        {
            ClientRequest req = null!;
            req = NodeHttp.Http.Request(new RequestOptions { Host = "127.0.0.1", Port = port, Path = stage == "c" ? "/slow" : "/" }, res =>
            {
                ev.Enqueue("response");
                res.On<NodeBuffer>("data", _ => ev.Enqueue("data"));
                res.On("aborted", () => ev.Enqueue("res aborted"));
                res.On<Exception>("error", e => ev.Enqueue($"res error {((NodeHttpException)e).Code} {e.Message}"));
                res.On("end", () => ev.Enqueue("res end"));
                res.On("close", () => { ev.Enqueue("res close"); closed.TrySetResult(); });
                if (stage == "c")
                {
                    res.Once<NodeBuffer>("data", _ => req.Abort());
                }
            });
            foreach (string name in new[] { "socket", "finish", "abort" })
            {
                req.On(name, () => ev.Enqueue(name));
            }
            req.On("close", () => { ev.Enqueue("close"); if (stage is not ("c" or "e")) closed.TrySetResult(); });
            req.On<Exception>("error", e => ev.Enqueue(e is NodeHttpException ne && ne.Code != null && e.Message != "boom" ? $"error {ne.Code} {e.Message}" : "error " + e.Message));
            req.End();
            switch (stage)
            {
                case "a":
                    req.Abort();
                    break;
                case "b":
                    req.On("finish", () => req.Abort());
                    break;
                case "d":
                    req.Destroy(new InvalidOperationException("boom"));
                    break;
                case "f":
                    req.On("finish", () => req.Destroy());
                    break;
            }
        });
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(expected, string.Join(",", ev));
    }
}
