using System.Collections.Concurrent;

namespace NodeHttp.Tests.Http;

public class ClientGetTests
{
    private const string HelloServer = """
        const http = require('http');
        let conns = 0;
        const server = http.createServer((req, res) => {
          res.setHeader('X-Method', req.method);
          res.setHeader('X-Conn', String(req.socket.connNo));
          res.end('hello ' + req.url);
        });
        server.on('connection', (s) => { s.connNo = ++conns; });
        """;

    [Fact]
    public async Task Get_AgainstNodeServer_ReadsStatusHeadersBody()
    {
        var (peer, port) = await NodeHttpPeer.StartServerAsync(HelloServer);
        await using var _ = peer;
        var events = new ConcurrentQueue<string>();
        string? body = null;
        IncomingMessage? response = null;
        await LoopRunner.RunAsync(() =>
        {
            var agent = new Agent();
            ClientRequest req = NodeHttp.Http.Get($"http://127.0.0.1:{port}/a?b=1", res =>
            {
                events.Enqueue("response");
                response = res;
                var chunks = new List<NodeBuffer>();
                res.On<NodeBuffer>("data", c => chunks.Add(c));
                res.On("end", () => { events.Enqueue("end"); body = NodeBuffer.Concat(chunks).ToString(); });
                res.On("close", () => events.Enqueue("res close"));
            });
            req.On<Socket>("socket", _ => events.Enqueue("socket"));
            req.On("finish", () => events.Enqueue("finish"));
            req.On("close", () => events.Enqueue("close"));
            req.On<Exception>("error", e => events.Enqueue("error " + e.Message));
        });
        Assert.Equal("hello /a?b=1", body);
        Assert.Equal(200, response!.StatusCode);
        Assert.Equal("OK", response.StatusMessage);
        Assert.Equal("GET", response.Headers["x-method"].ToString());
        Assert.Equal(["socket", "finish", "response", "end", "close", "res close"], events.ToArray());
    }
}
