namespace NodeHttp.Tests.Http;

#pragma warning disable CS0618 // the deprecated API is what is under test

public class ClientLegacyTests
{
    private const string Server = """
        const http = require('http');
        let conns = 0;
        const server = http.createServer((req, res) => {
          res.end(req.method + ' ' + req.url + ' ' + req.headers['x-a'] + ' conn ' + req.socket.connNo);
        });
        server.on('connection', (s) => { s.connNo = ++conns; });
        """;

    [Fact]
    public async Task CreateClient_RequestsShareOneOrigin()
    {
        var (peer, port) = await NodeHttpPeer.StartServerAsync(Server);
        await using var _ = peer;
        var bodies = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            LegacyClient client = NodeHttp.Http.CreateClient(port, "127.0.0.1");
            Assert.Equal(port, client.Port);
            Assert.Equal("127.0.0.1", client.Host);
            void Read(IncomingMessage res, Action? then)
            {
                var chunks = new List<NodeBuffer>();
                res.On<NodeBuffer>("data", c => chunks.Add(c));
                res.On("end", () => { bodies.Add(NodeBuffer.Concat(chunks).ToString()); then?.Invoke(); });
            }
            ClientRequest first = client.Request("POST", "/one", [new("X-A", "1")]);
            first.On<IncomingMessage>("response", res => Read(res, () =>
            {
                ClientRequest second = client.Request("/two", [new("X-A", "2")]);
                second.On<IncomingMessage>("response", res2 => Read(res2, null));
                second.End();
            }));
            first.End("body");
        });
        Assert.Equal(["POST /one 1 conn 1", "GET /two 2 conn 1"], bodies);
    }

    [Fact]
    public async Task CreateClient_RequestErrorsReachTheClient()
    {
        int port;
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        string? code = null;
        await LoopRunner.RunAsync(() =>
        {
            LegacyClient client = NodeHttp.Http.CreateClient(port, "127.0.0.1");
            client.On<Exception>("error", e => code = ((NodeHttpException)e).Code);
            client.Request("GET", "/").End();
        });
        Assert.Equal("ECONNREFUSED", code);
    }
}
