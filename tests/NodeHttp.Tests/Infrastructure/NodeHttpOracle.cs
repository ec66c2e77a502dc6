namespace NodeHttp.Tests;

/// <summary>
/// Node's own <c>http</c> server running a given request handler (JavaScript) on 127.0.0.1:0: the oracle that
/// NodeHttp's bytes on the wire are compared with. Disposing kills the node process.
/// </summary>
internal sealed class NodeHttpOracle : IAsyncDisposable
{
    private readonly NodePeer peer;

    private NodeHttpOracle(NodePeer peer, int port)
    {
        this.peer = peer;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Starts node with <c>http.createServer(options, (req, res) =&gt; { handler })</c>; <paramref name="setup"/> runs with <c>server</c> in scope.</summary>
    public static async Task<NodeHttpOracle> StartAsync(string handler, string options = "{}", string setup = "")
    {
        string script = $$"""
            const http = require('http');
            const server = http.createServer({{options}}, (req, res) => { {{handler}} });
            {{setup}}
            server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));
            """;
        NodePeer peer = NodePeer.Start(script);
        try
        {
            string line = await peer.WaitLineAsync(l => l.StartsWith("PORT ", StringComparison.Ordinal));
            return new NodeHttpOracle(peer, int.Parse(line[5..], System.Globalization.CultureInfo.InvariantCulture));
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    public Task<RawConnection> ConnectAsync() => RawConnection.ConnectAsync(Port);

    public ValueTask DisposeAsync() => peer.DisposeAsync();
}
