namespace NodeHttp.Tests.Http;

public class ClientLocalAddressTests
{
    private const string EchoPeerServer = """
        const http = require('http');
        const server = http.createServer((req, res) => {
          res.end(req.socket.remoteAddress + ' ' + req.socket.remotePort);
        });
        """;

    [Fact]
    public async Task LocalAddressAndPort_BindTheConnection()
    {
        var (peer, port) = await NodeHttpPeer.StartServerAsync(EchoPeerServer);
        await using var _ = peer;
        string? body = null;
        int localPort = 0;
        await LoopRunner.RunAsync(() =>
        {
            var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Parse("127.0.0.2"), 0);
            l.Start();
            localPort = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            var options = new RequestOptions
            {
                Host = "127.0.0.1",
                Port = port,
                LocalAddress = "127.0.0.2",
                LocalPort = localPort,
                UseAgent = false,
            };
            NodeHttp.Http.Request(options, res =>
            {
                var chunks = new List<NodeBuffer>();
                res.On<NodeBuffer>("data", c => chunks.Add(c));
                res.On("end", () => body = NodeBuffer.Concat(chunks).ToString());
            }).End();
        });
        Assert.Equal($"127.0.0.2 {localPort}", body);
    }
}
