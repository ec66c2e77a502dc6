using System.Globalization;
using System.Text.Json;

namespace NodeHttp.Tests;

/// <summary>
/// Node's own <c>http</c>/<c>net</c> servers and clients as test peers: a script that listens on 127.0.0.1:0 (or a
/// Unix socket) and prints <c>listening PORT</c>; the process is killed when the peer is disposed.
/// </summary>
internal static class NodeHttpPeer
{
    /// <summary>
    /// Starts <paramref name="script"/>, which must define <c>server</c> (an http or net server, not listening yet).
    /// The helper listens on 127.0.0.1:0 (or <paramref name="unixPath"/>) and prints the port; waits for it.
    /// </summary>
    public static async Task<(NodePeer Peer, int Port)> StartServerAsync(string script, string? unixPath = null)
    {
        string listen = unixPath is null
            ? "server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));"
            : $"server.listen({JsonSerializer.Serialize(unixPath)}, () => console.log('listening 0'));";
        NodePeer peer = NodePeer.Start(script + "\n" + listen);
        try
        {
            string line = await peer.WaitLineAsync(l => l.StartsWith("listening ", StringComparison.Ordinal));
            return (peer, int.Parse(line.AsSpan("listening ".Length), CultureInfo.InvariantCulture));
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A raw <c>net</c> server script: each connection's received bytes are printed as one JSON line
    /// (<c>bytes "..."</c>) once <paramref name="reply"/> is written; the reply is sent after the first
    /// full request head (and body, when <c>Content-Length</c> or chunked framing says so) arrived.
    /// </summary>
    public static string RawServerScript(string reply) => """
        const net = require('net');
        let conns = 0;
        const server = net.createServer((s) => {
          conns++;
          console.log('conn ' + conns);
          let buf = Buffer.alloc(0);
          let done = false;
          s.on('data', (d) => {
            buf = Buffer.concat([buf, d]);
            const text = buf.toString('latin1');
            const end = text.indexOf('\r\n\r\n');
            if (done || end < 0) return;
            const head = text.slice(0, end);
            const m = /content-length:\s*(\d+)/i.exec(head);
            const body = text.slice(end + 4);
            if (m && body.length < +m[1]) return;
            if (/transfer-encoding:\s*chunked/i.test(head) && !/(^|\r\n)0\r\n([^\r\n]+\r\n)*\r\n$/.test(body)) return;
            done = true;
            console.log('bytes ' + JSON.stringify(text));
            s.write(REPLY);
          });
          s.on('error', () => {});
        });
        """.Replace("REPLY", JsonSerializer.Serialize(reply), StringComparison.Ordinal);

    /// <summary>Decodes a <c>bytes "..."</c> line.</summary>
    public static string DecodeBytesLine(string line) => JsonSerializer.Deserialize<string>(line["bytes ".Length..])!;

    /// <summary>
    /// Runs <paramref name="clientScript"/> under node with <c>PORT</c> set and waits (bounded) for it to exit;
    /// returns its stdout lines. The Node client is the oracle for the bytes and events NodeHttp's client produces.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RunClientAsync(string clientScript, int port)
    {
        await using NodePeer peer = NodePeer.Start("const PORT = " + port.ToString(CultureInfo.InvariantCulture) + ";\n" + clientScript);
        await peer.WaitExitAsync();
        return peer.Lines;
    }
}
