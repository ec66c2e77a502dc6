using System.Collections.Concurrent;
using System.Text;

namespace NodeHttp.Tests.Http;

/// <summary>Responses, interim responses, protocol switches and errors, against Node's servers.</summary>
public class ClientResponseTests
{
    private static RequestOptions At(int port, string path = "/", string method = "GET") =>
        new() { Host = "127.0.0.1", Port = port, Path = path, Method = method, Agent = new Agent() };

    private static async Task<string> RawAsync(string reply, Func<int, RequestOptions> options, Action<ClientRequest, ConcurrentQueue<string>>? setup = null, ConcurrentQueue<string>? ev = null)
    {
        var (peer, port) = await NodeHttpPeer.StartServerAsync(NodeHttpPeer.RawServerScript(reply));
        await using var _ = peer;
        ev ??= new ConcurrentQueue<string>();
        var body = new StringBuilder();
        var log = ev;
        await LoopRunner.RunAsync(() =>
        {
            ClientRequest req = NodeHttp.Http.Request(options(port), res =>
            {
                log.Enqueue($"response {res.StatusCode} {res.StatusMessage}");
                res.On<NodeBuffer>("data", d => body.Append(d.ToString()));
                res.On("end", () => log.Enqueue("end trailers=" + string.Join(";", res.RawTrailers)));
                res.On("aborted", () => log.Enqueue("aborted"));
                res.On<Exception>("error", e => log.Enqueue("res error " + e.Message));
            });
            req.On<Exception>("error", e => log.Enqueue("error " + ((NodeHttpException)e).Code));
            setup?.Invoke(req, log);
            if (!req.WritableEnded)
            {
                req.End();
            }
        });
        return body.ToString();
    }

    [Fact]
    public async Task ChunkedResponse_WithTrailers()
    {
        var ev = new ConcurrentQueue<string>();
        string body = await RawAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\nConnection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-T: v1\r\n\r\n", p => At(p), ev: ev);
        Assert.Equal("abcde", body);
        Assert.Equal(["response 200 OK", "end trailers=X-T;v1"], ev.ToArray());
    }

    [Fact]
    public async Task CloseDelimitedBody_ReadToEof()
    {
        var ev = new ConcurrentQueue<string>();
        var (peer, port) = await NodeHttpPeer.StartServerAsync("""
            const net = require('net');
            const server = net.createServer((s) => { s.once('data', () => { s.end('HTTP/1.1 200 OK\r\n\r\nuntil close'); }); });
            """);
        await using var _ = peer;
        var sb = new StringBuilder();
        await LoopRunner.RunAsync(() => NodeHttp.Http.Get(At(port), res =>
        {
            res.On<NodeBuffer>("data", d => sb.Append(d.ToString()));
            res.On("end", () => ev.Enqueue("end " + res.Complete));
        }));
        Assert.Equal("until close", sb.ToString());
        Assert.Equal(["end True"], ev.ToArray());
    }

    [Theory]
    [InlineData("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\n")]
    [InlineData("GET", "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")]
    [InlineData("GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\nConnection: close\r\n\r\n")]
    public async Task BodilessResponses(string method, string reply)
    {
        var ev = new ConcurrentQueue<string>();
        string body = await RawAsync(reply, p => At(p, method: method), ev: ev);
        Assert.Equal("", body);
        Assert.Contains(ev, e => e.StartsWith("end", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Informational_ContinueAndInformation_ThenFinalResponse()
    {
        var ev = new ConcurrentQueue<string>();
        string body = await RawAsync("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", p => At(p, method: "POST"), (req, log) =>
        {
            req.On("continue", () => log.Enqueue("continue"));
            req.On<InformationEvent>("information", i => log.Enqueue($"information {i.StatusCode} {i.Headers["link"]}"));
            req.End("x");
        }, ev);
        Assert.Equal("ok", body);
        Assert.Equal(["continue", "information 100 ", "information 103 </s.css>", "response 200 OK", "end trailers="], ev.ToArray());
    }

    [Fact]
    public async Task ParseError_HpeCodeOnRequest()
    {
        var ev = new ConcurrentQueue<string>();
        await RawAsync("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n", p => At(p), ev: ev);
        Assert.Equal(["error HPE_INVALID_CONTENT_LENGTH"], ev.ToArray());
    }

    [Fact]
    public async Task NoResponseListener_BodyDrained_SocketReused()
    {
        var (peer, port) = await NodeHttpPeer.StartServerAsync("const http = require('http'); const server = http.createServer((q, s) => s.end('x'.repeat(100000)));");
        await using var _ = peer;
        var agent = new Agent(new AgentOptions { KeepAlive = true });
        bool reused = false;
        await LoopRunner.RunAsync(() =>
        {
            ClientRequest first = NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent });
            first.On("close", () => NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent }, r =>
            {
                reused = true;
                r.Resume();
            }));
        });
        Assert.True(reused);
        Assert.Single(agent.FreeSockets);
        agent.Destroy();
    }

    [Fact]
    public async Task ConnectionRefused_IsErrorOnRequest()
    {
        int port;
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        }
        var ev = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            ClientRequest req = NodeHttp.Http.Get(At(port));
            req.On<Exception>("error", e => ev.Enqueue("error " + ((NodeHttpException)e).Code));
            req.On("close", () => ev.Enqueue("close"));
        });
        Assert.Equal(["error ECONNREFUSED", "close"], ev.ToArray());
    }

    [Fact]
    public async Task UnknownHost_ENOTFOUND()
    {
        var ev = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            ClientRequest req = NodeHttp.Http.Get("http://no-such-host.invalid/");
            req.On<Exception>("error", e => ev.Enqueue("error " + ((NodeHttpException)e).Code));
        });
        Assert.Equal(["error ENOTFOUND"], ev.ToArray());
    }

    [Fact]
    public void InvalidPathAndMethod_ThrowSynchronously()
    {
        var e1 = Assert.Throws<NodeHttpException>(() => NodeHttp.Http.Request(new RequestOptions { Path = "/a b" }));
        Assert.Equal("ERR_UNESCAPED_CHARACTERS", e1.Code);
        Assert.Equal("Request path contains unescaped characters", e1.Message);
        var e2 = Assert.Throws<NodeHttpException>(() => NodeHttp.Http.Request(new RequestOptions { Method = "B@D" }));
        Assert.Equal("ERR_INVALID_HTTP_TOKEN", e2.Code);
        var e3 = Assert.Throws<NodeHttpException>(() => NodeHttp.Http.Request("https://x/"));
        Assert.Equal("ERR_INVALID_PROTOCOL", e3.Code);
    }

    [Fact]
    public async Task Upgrade_SocketAndHeadHandedOver()
    {
        var (peer, port) = await NodeHttpPeer.StartServerAsync("""
            const http = require('http');
            const server = http.createServer();
            server.on('upgrade', (req, socket, head) => {
              socket.write('HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\nhead!');
              socket.pipe(socket);
            });
            """);
        await using var _ = peer;
        var ev = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            var o = At(port);
            o.Headers = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["Connection"] = "Upgrade", ["Upgrade"] = "websocket" };
            ClientRequest req = NodeHttp.Http.Request(o);
            req.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (res, socket, head) =>
            {
                ev.Enqueue($"upgrade {res.StatusCode} {head}");
                socket.On<NodeBuffer>("data", d => { ev.Enqueue("echo " + d); socket.End(); });
                socket.Write("ping");
            });
            req.On("close", () => ev.Enqueue("close"));
            req.End();
        });
        Assert.Equal(["upgrade 101 head!", "close", "echo ping"], ev.ToArray());
    }

    [Fact]
    public async Task Connect_TunnelThroughNodeProxy()
    {
        // The CONNECT proxy of Node's docs, with an origin server behind it.
        var (peer, port) = await NodeHttpPeer.StartServerAsync("""
            const http = require('http'), net = require('net');
            const origin = net.createServer((s) => s.on('data', (d) => s.end('origin got ' + d)));
            origin.listen(0, '127.0.0.1');
            const server = http.createServer();
            server.on('connect', (req, clientSocket, head) => {
              const serverSocket = net.connect(origin.address().port, '127.0.0.1', () => {
                clientSocket.write('HTTP/1.1 200 Connection Established\r\nProxy-agent: Node.js-Proxy\r\n\r\n');
                serverSocket.write(head);
                serverSocket.pipe(clientSocket);
                clientSocket.pipe(serverSocket);
              });
            });
            """);
        await using var _ = peer;
        var ev = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            var o = At(port, "www.example.com:80", "CONNECT");
            ClientRequest req = NodeHttp.Http.Request(o);
            req.On<IncomingMessage, Socket, NodeBuffer>("connect", (res, socket, head) =>
            {
                ev.Enqueue($"connect {res.StatusCode} {res.StatusMessage} head={head.Length}");
                socket.Write("hello");
                socket.On<NodeBuffer>("data", d => ev.Enqueue(d.ToString()));
            });
            req.End();
        });
        Assert.Equal(["connect 200 Connection Established head=0", "origin got hello"], ev.ToArray());
    }

    [Fact]
    public async Task RequestAsync_And_GetAsync()
    {
        var (peer, port) = await NodeHttpPeer.StartServerAsync("""
            const http = require('http');
            const server = http.createServer((req, res) => { let b = ''; req.on('data', d => b += d); req.on('end', () => res.end(req.method + ' ' + b + ' ' + (req.headers['content-length'] || '-'))); });
            """);
        await using var _ = peer;
        IncomingMessage res = await NodeHttp.Http.RequestAsync(new RequestOptions { Host = "127.0.0.1", Port = port, Method = "POST" }, "data"u8.ToArray()).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("POST data 4", await res.TextAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        IncomingMessage res2 = await NodeHttp.Http.GetAsync($"http://127.0.0.1:{port}/").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("GET  -", await res2.TextAsync().WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ChunkedUpload_WithBackPressure()
    {
        var (peer, port) = await NodeHttpPeer.StartServerAsync("""
            const http = require('http');
            const server = http.createServer((req, res) => {
              let n = 0; req.pause();
              setTimeout(() => { req.on('data', d => n += d.length); req.resume(); }, 200);
              req.on('end', () => res.end(String(n) + ' ' + req.headers['transfer-encoding']));
            });
            """);
        await using var _ = peer;
        string? result = null;
        int falseWrites = 0;
        await LoopRunner.RunAsync(() =>
        {
            ClientRequest req = NodeHttp.Http.Request(At(port, method: "PUT"), res => res.On<NodeBuffer>("data", d => result = d.ToString()));
            byte[] chunk = new byte[64 * 1024];
            int sent = 0;
            void Pump()
            {
                while (sent < 64)
                {
                    sent++;
                    if (!req.Write(chunk))
                    {
                        falseWrites++;
                        req.Once("drain", Pump);
                        return;
                    }
                }
                req.End();
            }
            Pump();
        });
        Assert.Equal($"{64 * 64 * 1024} chunked", result);
        Assert.True(falseWrites > 0);
    }

    [Fact]
    [Trait("Category", "Timing")]
    public async Task SetTimeout_EmitsTimeoutOnly_UserAborts()
    {
        var (peer, port) = await NodeHttpPeer.StartServerAsync("const http = require('http'); const server = http.createServer(() => {});");
        await using var _ = peer;
        var ev = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            ClientRequest req = NodeHttp.Http.Get(At(port));
            req.SetTimeout(100, () => { ev.Enqueue("timeout"); req.Destroy(); });
            req.On<Exception>("error", e => ev.Enqueue("error " + e.Message));
            req.On("close", () => ev.Enqueue("close"));
        });
        Assert.Equal(["timeout", "error socket hang up", "close"], ev.ToArray());
    }
}
