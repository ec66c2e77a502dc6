using System.Diagnostics;
using System.Text;

namespace NodeHttp.Tests.Interop;

/// <summary>Real peers written by others — Node's own http client and curl — drive NodeHttp's server.</summary>
public class ServerInteropTests
{
    /// <summary>The server every interop test talks to: echo of method, url, body and trailers; upgrade and CONNECT echo.</summary>
    private static Task<TestServer> StartEchoServerAsync() => TestServer.StartAsync(new ServerOptions(), s =>
    {
        s.On<IncomingMessage, ServerResponse>("request", (req, res) =>
        {
            var body = new StringBuilder();
            req.On<NodeBuffer>("data", d => body.Append(d.ToString("latin1")));
            req.On("end", () =>
            {
                if (req.Url == "/trailers")
                {
                    res.WriteHead(200, [new("Trailer", "X-Checksum")]);
                    res.Write("with trailers");
                    res.AddTrailers([new("X-Checksum", "abc123")]);
                    res.End();
                    return;
                }
                string trailers = req.RawTrailers.Count > 0 ? " trailers=" + string.Join(",", req.RawTrailers) : string.Empty;
                res.SetHeader("Content-Type", "text/plain");
                res.End($"{req.Method} {req.Url} {body}{trailers} port={req.Socket!.RemotePort}");
            });
        });
        s.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (req, socket, head) =>
        {
            socket.Write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
            if (head.Length > 0)
            {
                socket.Write(head);
            }
            socket.On<NodeBuffer>("data", d => socket.Write(d));
        });
        s.On<IncomingMessage, Socket, NodeBuffer>("connect", (req, socket, head) =>
        {
            socket.Write("HTTP/1.1 200 Connection Established\r\n\r\n");
            socket.On<NodeBuffer>("data", d => socket.Write(NodeBuffer.From("tunnel:" + d.ToString())));
        });
    });

    private const string NodeClient = """
        const http = require('http');
        const port = +process.argv[2];
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        function get(path) {
          return new Promise((resolve, reject) => {
            http.get({ port, host: '127.0.0.1', path, agent }, res => {
              let b = ''; res.setEncoding('latin1');
              res.on('data', d => b += d);
              res.on('end', () => resolve({ res, body: b }));
            }).on('error', reject);
          });
        }
        (async () => {
          const ports = new Set();
          for (let i = 0; i < 5; i++) {
            const { body } = await get('/ka' + i);
            ports.add(body.split('port=')[1]);
          }
          console.log('keepalive sockets=' + ports.size);

          // Pipelining is not something Node's client does; a raw socket with three requests in one write.
          await new Promise(resolve => {
            const s = require('net').connect(port, '127.0.0.1', () => {
              s.write('GET /p1 HTTP/1.1\r\nHost: x\r\n\r\nGET /p2 HTTP/1.1\r\nHost: x\r\n\r\nGET /p3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
            });
            let all = ''; s.setEncoding('latin1'); s.on('data', d => all += d);
            s.on('end', () => { console.log('pipelined ' + (all.match(/GET \/p\d/g) || []).join(',')); resolve(); });
          });

          // Chunked upload with trailers.
          await new Promise((resolve, reject) => {
            const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/upload', agent,
              headers: { 'Transfer-Encoding': 'chunked', 'Trailer': 'X-Sum' } }, res => {
              let b = ''; res.setEncoding('latin1'); res.on('data', d => b += d);
              res.on('end', () => { console.log('chunked ' + b.split(' port=')[0]); resolve(); });
            });
            req.on('error', reject);
            req.write('part1-'); req.write('part2');
            req.addTrailers({ 'X-Sum': '42' });
            req.end();
          });

          // Trailers sent by the server.
          await new Promise((resolve, reject) => {
            http.get({ port, host: '127.0.0.1', path: '/trailers', agent }, res => {
              let b = ''; res.setEncoding('latin1'); res.on('data', d => b += d);
              res.on('end', () => { console.log('trailers ' + b + ' ' + JSON.stringify(res.trailers)); resolve(); });
            }).on('error', reject);
          });

          // Expect: 100-continue: the body goes only after 'continue'.
          await new Promise((resolve, reject) => {
            const req = http.request({ port, host: '127.0.0.1', method: 'PUT', path: '/cont', agent,
              headers: { 'Expect': '100-continue', 'Content-Length': 4 } }, res => {
              let b = ''; res.setEncoding('latin1'); res.on('data', d => b += d);
              res.on('end', () => { console.log('continue ' + b.split(' port=')[0]); resolve(); });
            });
            req.on('continue', () => { console.log('got 100'); req.end('body'); });
            req.on('error', reject);
          });

          // Upgrade.
          await new Promise((resolve, reject) => {
            const req = http.request({ port, host: '127.0.0.1', path: '/up', headers: { Connection: 'Upgrade', Upgrade: 'echo' } });
            req.on('upgrade', (res, socket, head) => {
              console.log('upgrade ' + res.statusCode + ' ' + res.headers.upgrade);
              socket.setEncoding('latin1');
              socket.once('data', d => { console.log('upgraded echo ' + d); socket.destroy(); resolve(); });
              socket.write('hello-ws');
            });
            req.on('error', reject);
            req.end();
          });

          // CONNECT tunnel.
          await new Promise((resolve, reject) => {
            const req = http.request({ port, host: '127.0.0.1', method: 'CONNECT', path: 'example.com:443' });
            req.on('connect', (res, socket, head) => {
              console.log('connect ' + res.statusCode);
              socket.setEncoding('latin1');
              socket.once('data', d => { console.log('tunnel echo ' + d); socket.destroy(); resolve(); });
              socket.write('ping');
            });
            req.on('error', reject);
            req.end();
          });
          console.log('DONE');
          agent.destroy();
        })().catch(e => { console.log('FAIL ' + e.stack); process.exit(1); });
        """;

    [Fact]
    public async Task NodeClient_KeepAlive_Pipelining_Chunked_Trailers_Continue_Upgrade_Connect()
    {
        await using TestServer server = await StartEchoServerAsync();
        await using NodePeer node = NodePeer.Start(NodeClient, server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await node.WaitLineAsync(l => l == "DONE" || l.StartsWith("FAIL", StringComparison.Ordinal), 20);
        string[] lines = node.Lines.ToArray();
        Assert.DoesNotContain(lines, l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.Equal(new[]
        {
            "keepalive sockets=1",
            "pipelined GET /p1,GET /p2,GET /p3",
            "chunked POST /upload part1-part2 trailers=X-Sum,42",
            "trailers with trailers {\"x-checksum\":\"abc123\"}",
            "got 100",
            "continue PUT /cont body",
            "upgrade 101 echo",
            "upgraded echo hello-ws",
            "connect 200",
            "tunnel echo tunnel:ping",
            "DONE",
        }, lines);
        Assert.Empty(server.Uncaught);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> CurlAsync(params string[] args)
    {
        var psi = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        try
        {
            p.StandardInput.Write("streamed-from-stdin");
            p.StandardInput.Close();
            Task<string> stdout = p.StandardOutput.ReadToEndAsync();
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
            return (p.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Curl_KeepAlive_ReusesConnection()
    {
        await using TestServer server = await StartEchoServerAsync();
        string url = $"http://127.0.0.1:{server.Port}";
        var (code, stdout, stderr) = await CurlAsync("-sv", "--max-time", "10", url + "/a", url + "/b");
        Assert.Equal(0, code);
        Assert.Contains("GET /a", stdout);
        Assert.Contains("GET /b", stdout);
        Assert.Contains("Re-using existing connection", stderr);
    }

    [Fact]
    public async Task Curl_ChunkedUpload_With100Continue()
    {
        await using TestServer server = await StartEchoServerAsync();
        var (code, stdout, stderr) = await CurlAsync("-sv", "--max-time", "10", "-H", "Transfer-Encoding: chunked", "-H", "Expect: 100-continue",
            "--data-binary", "@-", $"http://127.0.0.1:{server.Port}/up");
        Assert.Equal(0, code);
        Assert.StartsWith("POST /up streamed-from-stdin", stdout);
        Assert.Contains("HTTP/1.1 100 Continue", stderr);
    }

    [Fact]
    public async Task Curl_ReceivesTrailers()
    {
        await using TestServer server = await StartEchoServerAsync();
        var (code, stdout, _) = await CurlAsync("-s", "--raw", "--max-time", "10", $"http://127.0.0.1:{server.Port}/trailers");
        Assert.Equal(0, code);
        Assert.Equal("d\r\nwith trailers\r\n0\r\nX-Checksum: abc123\r\n\r\n", stdout);
    }
}
