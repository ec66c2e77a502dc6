using System.Net.Sockets;
using NodeHttp.Tests.Http;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's server and NodeHttp's with short request and headers timeouts (one pair with only <c>requestTimeout</c>,
/// one with only <c>headersTimeout</c>), both checked every 100 ms; one node process for the class.
/// </summary>
public sealed class ServerTimeoutTwinFixture : IAsyncLifetime
{
    public const int Timeout = 1000;

    private const string JsServers = """
        const http = require('http');
        const handler = (req, res) => { let b = ''; req.on('data', (c) => b += c); req.on('end', () => res.end('body:' + b)); };
        const onUpgrade = (req, socket) => {
          socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n');
          socket.on('data', (d) => socket.write(d));
        };
        const byRequest = http.createServer({ requestTimeout: 1000, headersTimeout: 0, connectionsCheckingInterval: 100 }, handler);
        byRequest.on('upgrade', onUpgrade);
        byRequest.listen(0, '127.0.0.1', () => console.log('REQUEST ' + byRequest.address().port));
        const byHeaders = http.createServer({ requestTimeout: 0, headersTimeout: 1000, connectionsCheckingInterval: 100 }, handler);
        byHeaders.listen(0, '127.0.0.1', () => console.log('HEADERS ' + byHeaders.address().port));
        """;

    private NodePeer? node;

    public int NodeRequestPort { get; private set; }

    public int NodeHeadersPort { get; private set; }

    internal TestServer? OursByRequest { get; private set; }

    internal TestServer? OursByHeaders { get; private set; }

    public async Task InitializeAsync()
    {
        node = NodePeer.Start(JsServers);
        NodeRequestPort = await PortAsync("REQUEST ");
        NodeHeadersPort = await PortAsync("HEADERS ");
        OursByRequest = await TestServer.StartAsync(
            new ServerOptions { RequestTimeout = Timeout, HeadersTimeout = 0, ConnectionsCheckingInterval = 100 },
            s =>
            {
                s.OnRequest(Handle);
                s.OnUpgrade((req, socket, head) =>
                {
                    socket.Write("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n");
                    socket.On<NodeBuffer>("data", d => socket.Write(d));
                });
            });
        OursByHeaders = await TestServer.StartAsync(
            new ServerOptions { RequestTimeout = 0, HeadersTimeout = Timeout, ConnectionsCheckingInterval = 100 },
            s => s.OnRequest(Handle));
    }

    private static void Handle(IncomingMessage req, ServerResponse res)
    {
        var body = new System.Text.StringBuilder();
        req.SetEncoding("utf8");
        req.On<string>("data", c => body.Append(c));
        req.On("end", () => res.End("body:" + body));
    }

    private async Task<int> PortAsync(string prefix)
    {
        string line = await node!.WaitLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return int.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        if (OursByRequest is not null)
        {
            await OursByRequest.DisposeAsync();
        }
        if (OursByHeaders is not null)
        {
            await OursByHeaders.DisposeAsync();
        }
        if (node is not null)
        {
            await node.DisposeAsync();
        }
    }
}

/// <summary>
/// Node's <c>test-http-server-request-timeout-*</c> and <c>headers-timeout-*</c> scenarios: the same bytes, with the
/// same pause, sent to both servers at once; the answers (408 or not) compared.
/// </summary>
[Collection("Timing")]
public sealed class ServerTimeoutTwinTests(ServerTimeoutTwinFixture fixture) : IClassFixture<ServerTimeoutTwinFixture>
{
    private const string Timeout408 = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";

    /// <summary>Sends <paramref name="first"/>, waits past the timeout, sends <paramref name="second"/>, reads to the end.</summary>
    private async Task<string> SameAsync(bool byHeaders, string first, string second, int pauseMs = 2 * ServerTimeoutTwinFixture.Timeout)
    {
        int nodePort = byHeaders ? fixture.NodeHeadersPort : fixture.NodeRequestPort;
        int ourPort = byHeaders ? fixture.OursByHeaders!.Port : fixture.OursByRequest!.Port;
        string[] both = await Task.WhenAll(ExchangeAsync(nodePort, first, second, pauseMs), ExchangeAsync(ourPort, first, second, pauseMs));
        Assert.Equal(RawConnection.NormalizeDate(both[0]), RawConnection.NormalizeDate(both[1]));
        return RawConnection.NormalizeDate(both[0]);
    }

    private static async Task<string> ExchangeAsync(int port, string first, string second, int pauseMs)
    {
        await using RawConnection c = await RawConnection.ConnectAsync(port);
        if (first.Length > 0)
        {
            await c.SendAsync(first);
        }
        await Task.Delay(pauseMs);
        try
        {
            if (second.Length > 0)
            {
                await c.SendAsync(second);
            }
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
        }
        return await c.ReadToEndAsync();
    }

    [Fact]
    public async Task Test_http_server_request_timeout_delayed_body()
    {
        string r = await SameAsync(false, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\nConnection: close\r\n\r\n", "12345678901234567890");
        Assert.Equal(Timeout408, r);
    }

    [Fact]
    public async Task Test_http_server_request_timeout_delayed_headers()
    {
        string r = await SameAsync(false, "", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Assert.Equal(Timeout408, r);
    }

    [Fact]
    public async Task Test_http_server_request_timeout_interrupted_headers()
    {
        string r = await SameAsync(false, "POST / HTTP/1.1\r\nHost: x\r\nContent-Le", "ngth: 0\r\nConnection: close\r\n\r\n");
        Assert.Equal(Timeout408, r);
    }

    [Fact]
    public async Task Test_http_server_request_timeout_keepalive()
    {
        string r = await SameAsync(false, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost", ": x\r\nConnection: close\r\n\r\n");
        Assert.EndsWith("body:" + Timeout408, r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_server_request_timeout_pipelining()
    {
        string r = await SameAsync(false, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\na", "bc");
        Assert.EndsWith("body:abc" + Timeout408, r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_server_request_timeout_upgrade()
    {
        // The tunnel outlives requestTimeout: bytes sent after it are still echoed.
        string[] both = await Task.WhenAll(TunnelAsync(fixture.NodeRequestPort), TunnelAsync(fixture.OursByRequest!.Port));
        Assert.Equal("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\nping", both[0]);
        Assert.Equal(both[0], both[1]);
    }

    private static async Task<string> TunnelAsync(int port)
    {
        await using RawConnection c = await RawConnection.ConnectAsync(port);
        await c.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: test\r\n\r\n");
        string head = await c.ReadUntilAsync("\r\n\r\n");
        await Task.Delay(2 * ServerTimeoutTwinFixture.Timeout);
        await c.SendAsync("ping");
        return head + await c.ReadUntilAsync("ping");
    }

    [Fact]
    public async Task Test_http_server_headers_timeout_delayed_headers()
    {
        string r = await SameAsync(true, "", "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        Assert.Equal(Timeout408, r);
    }

    [Fact]
    public async Task Test_http_server_headers_timeout_keepalive()
    {
        string r = await SameAsync(true, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost", ": x\r\nConnection: close\r\n\r\n");
        Assert.EndsWith("body:" + Timeout408, r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_server_headers_timeout_pipelining()
    {
        string r = await SameAsync(true, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHo", "st: x\r\nConnection: close\r\n\r\n");
        Assert.EndsWith("body:" + Timeout408, r, StringComparison.Ordinal);
    }
}
