namespace NodeHttp.Tests.NodeSuite;

/// <summary>Scenarios from Node's agent tests, run with Node's own client and with NodeHttp's against the same server.</summary>
public sealed class AgentTwinTests
{
    // A Node server that answers requests and keeps their connections; a connection that says RESET makes it reset
    // all of them (so the client decides when its idle pooled socket fails, whatever the machine's load).
    private const string ResettingServer = """
        const net = require('net');
        const open = [];
        const server = net.createServer(s => {
          s.once('data', d => {
            if (d.toString('latin1').startsWith('RESET')) {
              for (const o of open) o.resetAndDestroy();
              s.end();
              return;
            }
            open.push(s);
            s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
          });
        });
        server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
        """;

    // test-http-agent-error-on-idle: an idle pooled socket that fails is out of agent.freeSockets by the time the
    // user's own 'error' listener runs, and a later request opens a new connection.
    [Fact]
    public async Task An_idle_socket_that_fails_leaves_the_free_list_at_once()
    {
        await using NodePeer server = NodePeer.Start(ResettingServer);
        int port = int.Parse((await server.WaitLineAsync(l => l.StartsWith("PORT ", StringComparison.Ordinal)))[5..], System.Globalization.CultureInfo.InvariantCulture);

        string node = $$"""
            const http = require('http');
            const agent = new http.Agent({ keepAlive: true });
            http.get({ host: '127.0.0.1', port: {{port}}, agent }, res => {
              res.resume();
              res.on('end', () => setImmediate(() => {
                const free = agent.freeSockets[Object.keys(agent.freeSockets)[0]];
                const socket = free[0];
                const before = free.length;
                socket.on('error', e => {
                  console.log('RESULT ' + before + ' ' + e.code + ' ' + Object.keys(agent.freeSockets).length);
                });
                require('net').connect({{port}}, '127.0.0.1', function () { this.write('RESET'); }).on('error', () => {});
              }));
            });
            """;
        await using NodePeer nodeClient = NodePeer.Start(node);
        string expected = (await nodeClient.WaitLineAsync(l => l.StartsWith("RESULT ", StringComparison.Ordinal), 15))["RESULT ".Length..];

        string? actual = null;
        await LoopRunner.RunAsync(() =>
        {
            var agent = new Agent(new AgentOptions { KeepAlive = true });
            NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent }, res =>
            {
                res.Resume();
                res.On("end", () => EventLoop.Current!.Post(() =>
                {
                    IReadOnlyList<Socket> free = agent.FreeSockets.Values.First();
                    Socket socket = free[0];
                    int before = free.Count;
                    socket.On<Exception>("error", e =>
                    {
                        actual = before + " " + ((NodeHttpException)e).Code + " " + agent.FreeSockets.Count;
                        agent.Destroy();
                    });
                    Socket trigger = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () => { });
                    trigger.On<Exception>("error", _ => { });
                    trigger.On<NodeBuffer>("data", _ => { });
                    trigger.Write("RESET");
                }));
            });
        });
        Assert.Equal("1 ECONNRESET 0", expected);
        Assert.Equal(expected, actual);
    }
}
