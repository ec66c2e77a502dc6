using System.Text;
using Microsoft.Extensions.Primitives;
using NodeHttp.Tests.Http;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's own server and NodeHttp's, each with the same handlers (chosen by the request's path) and a second pair
/// whose <c>'clientError'</c> listener answers with the error's fields; one node process serves the whole class.
/// </summary>
public sealed class ServerExchangeTwinFixture : IAsyncLifetime
{
    // The handlers, by path; anything else echoes the method and the url.
    private const string JsHandler = """
        const path = req.url.split('?')[0];
        const codes = [];
        const attempt = (f) => { try { f(); codes.push('ok'); } catch (e) { codes.push(e.code); } };
        switch (path) {
          case '/status-message': res.statusMessage = 'Custom Message'; res.end(); break;
          case '/set-cookie-1': res.writeHead(200, ['set-cookie', 'A', 'content-type', 'text/plain']); res.end('one'); break;
          case '/set-cookie-2': res.writeHead(200, ['set-cookie', 'A', 'set-cookie', 'B', 'content-type', 'text/plain']); res.end('two'); break;
          case '/write-empty-string':
            res.writeHead(200, { 'Content-Type': 'text/plain' });
            res.write('1\n'); res.write(''); res.write('2\n', 'utf8'); res.write(''); res.end('3\n');
            break;
          case '/zero-length-buffer': res.writeHead(200, { 'Content-Length': '0' }); res.end(Buffer.alloc(0)); break;
          case '/writehead-this': res.writeHead(200, { 'a-header': 'a-header-value' }).end('abc'); break;
          case '/remove-headers':
            res.removeHeader('connection'); res.removeHeader('transfer-encoding'); res.removeHeader('content-length');
            res.removeHeader('date'); res.setHeader('date', 'coffee o clock');
            res.end('beep boop\n');
            break;
          case '/non-utf8': res.writeHead(200, ['content-disposition', Buffer.from('bår').toString('latin1'), 'x-two', [Buffer.from('å1').toString('latin1'), 'b']]); res.end('x'); break;
          case '/set-trailers': res.writeHead(200, { 'Content-Type': 'text/plain' }); res.addTrailers({ 'x-foo': 'bar' }); res.end('stuff\n'); break;
          case '/wget': res.writeHead(200, { 'content-type': 'text/plain' }); res.write('hello '); res.write('world\n'); res.end(); break;
          case '/headers': res.end(JSON.stringify(req.headers)); break;
          case '/silent': req.on('data', () => res.end('data')); req.on('end', () => res.end('end')); break;
          case '/raw':
            req.resume();
            req.on('end', () => res.end(JSON.stringify([req.rawHeaders, req.headers, req.rawTrailers, req.trailers])));
            break;
          case '/write-head':
            res.setHeader('test', '1');
            attempt(() => res.setHeader('foo bar', 'x'));
            attempt(() => res.setHeader('x', 'a\r\nb'));
            attempt(() => res.setHeader('Ünknown', 'x'));
            res.writeHead(200, { test2: '2', test: '2' });
            attempt(() => res.setHeader('late', 'y'));
            attempt(() => res.writeHead(201));
            res.end(codes.join(','));
            break;
          case '/write-head-2': res.setHeader('test', '1'); res.setHeader('keep', 'k'); res.writeHead(200, ['test', '2', 'test2', '2']); res.end(); break;
          case '/write-head-after-set-header': res.setHeader('set-val', 'abc'); res.writeHead(200, ['array-val', '1', 'array-val', '2']); res.end(); break;
          case '/write-head-repeat': res.writeHead(200, ['array-val', '1', 'array-val', '2']); res.end(); break;
          case '/splitting':
            attempt(() => res.writeHead(200, { 'x-a': 'a\r\nSet-Cookie: b' }));
            attempt(() => res.writeHead(200, { 'x-a': 'a\u010d\u010aSet-Cookie: b' }));
            attempt(() => res.setHeader('x-b', 'a\nb'));
            res.end(codes.join(','));
            break;
          case '/reason-invalid':
            attempt(() => res.writeHead(200, 'OK\r\nFoo: bar'));
            attempt(() => res.writeHead(200, 'OK\u010d\u010aFoo: bar'));
            attempt(() => { res.statusMessage = 'OK\r\nFoo: bar'; res.writeHead(200); });
            res.statusMessage = 'OK';
            res.end(codes.join(','));
            break;
          case '/statuscode':
            for (const c of [99, 1000, 0, -1]) attempt(() => res.writeHead(c));
            res.statusCode = 200;
            res.end(codes.join(','));
            break;
          case '/de-chunked-trailer':
            res.setHeader('Trailer', 'baz');
            attempt(() => res.writeHead(200, { 'Content-Length': '2' }));
            res.removeHeader('Trailer');
            res.setHeader('x-codes', codes.join(','));
            res.end('ok');
            break;
          case '/chain': res.setHeader('a', '1').setHeader('b', '2').setHeader('c', '3'); res.end(JSON.stringify(res.getHeaders())); break;
          case '/enc-latin1': case '/enc-binary': case '/enc-ascii':
            res.write('\u00e9\u00ff', path.slice(5)); res.end();
            break;
          case '/delayed': setTimeout(() => { res.writeHead(200, { 'Content-Type': 'text/plain' }); res.write(req.method + ' ' + req.url); res.end(); }, 1); break;
          case '/after-sent':
            res.write('a');
            attempt(() => res.setHeader('x', 'y'));
            attempt(() => res.removeHeader('x'));
            res.end(codes.join(','));
            break;
          default:
            if (path.startsWith('/status/')) { res.writeHead(+path.slice(8)); res.end(String(res.statusCode)); break; }
            res.end(req.method + ' ' + req.url);
        }
        """;

    // The reporting pair's 'clientError' listener.
    private const string JsReporting = """
        const reporting = http.createServer((req, res) => res.end('ok'));
        reporting.on('clientError', (e, socket) => {
          const body = e.code + ' ' + e.bytesParsed + ' ' + JSON.stringify(e.rawPacket ? e.rawPacket.toString('latin1') : null);
          socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: ' + body.length + '\r\nConnection: close\r\n\r\n' + body);
        });
        reporting.listen(0, '127.0.0.1', () => console.log('REPORTING ' + reporting.address().port));
        """;

    private NodePeer? node;
    private TestServer? ours;
    private TestServer? ourReporting;

    public int NodePort { get; private set; }

    public int NodeReportingPort { get; private set; }

    public int OurPort => ours!.Port;

    public int OurReportingPort => ourReporting!.Port;

    internal TestServer Ours => ours!;

    public async Task InitializeAsync()
    {
        node = NodePeer.Start("const http = require('http');\nconst server = http.createServer((req, res) => {\n" + JsHandler + "\n});\n" +
            "server.listen(0, '127.0.0.1', () => console.log('PORT ' + server.address().port));\n" + JsReporting);
        NodePort = await PortLineAsync("PORT ");
        NodeReportingPort = await PortLineAsync("REPORTING ");
        ours = await TestServer.StartAsync(Handle);
        ourReporting = await TestServer.StartAsync(new ServerOptions(), s =>
        {
            s.OnRequest((q, r) => r.End("ok"));
            s.OnClientError((e, socket) =>
            {
                var n = (NodeHttpException)e;
                string body = n.Code + " " + (n.BytesParsed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "undefined") + " " + Js.Str(n.RawPacket?.ToString("latin1"));
                socket.End("HTTP/1.1 400 Bad Request\r\nContent-Length: " + body.Length + "\r\nConnection: close\r\n\r\n" + body);
            });
        });
    }

    private async Task<int> PortLineAsync(string prefix)
    {
        string line = await node!.WaitLineAsync(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return int.Parse(line[prefix.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        if (ours is not null)
        {
            await ours.DisposeAsync();
        }
        if (ourReporting is not null)
        {
            await ourReporting.DisposeAsync();
        }
        if (node is not null)
        {
            await node.DisposeAsync();
        }
    }

    private static void Handle(IncomingMessage req, ServerResponse res)
    {
        string path = req.Url!.Split('?')[0];
        var codes = new List<string>();
        void Attempt(Action f)
        {
            try
            {
                f();
                codes.Add("ok");
            }
            catch (NodeHttpException e)
            {
                codes.Add(e.Code);
            }
        }
        switch (path)
        {
            case "/status-message":
                res.StatusMessage = "Custom Message";
                res.End();
                break;
            case "/set-cookie-1":
                res.WriteHead(200, [new("set-cookie", "A"), new("content-type", "text/plain")]);
                res.End("one");
                break;
            case "/set-cookie-2":
                res.WriteHead(200, [new("set-cookie", "A"), new("set-cookie", "B"), new("content-type", "text/plain")]);
                res.End("two");
                break;
            case "/write-empty-string":
                res.WriteHead(200, [new("Content-Type", "text/plain")]);
                res.Write("1\n");
                res.Write("");
                res.Write("2\n", "utf8");
                res.Write("");
                res.End("3\n");
                break;
            case "/zero-length-buffer":
                res.WriteHead(200, [new("Content-Length", "0")]);
                res.End(NodeBuffer.Alloc(0));
                break;
            case "/writehead-this":
                res.WriteHead(200, [new("a-header", "a-header-value")]).End("abc");
                break;
            case "/remove-headers":
                res.RemoveHeader("connection");
                res.RemoveHeader("transfer-encoding");
                res.RemoveHeader("content-length");
                res.RemoveHeader("date");
                res.SetHeader("date", "coffee o clock");
                res.End("beep boop\n");
                break;
            case "/non-utf8":
                res.WriteHead(200, [
                    new("content-disposition", Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("bår"))),
                    new("x-two", new StringValues([Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("å1")), "b"])),
                ]);
                res.End("x");
                break;
            case "/set-trailers":
                res.WriteHead(200, [new("Content-Type", "text/plain")]);
                res.AddTrailers([new("x-foo", "bar")]);
                res.End("stuff\n");
                break;
            case "/wget":
                res.WriteHead(200, [new("content-type", "text/plain")]);
                res.Write("hello ");
                res.Write("world\n");
                res.End();
                break;
            case "/headers":
                res.End(Js.Headers(req.Headers));
                break;
            case "/silent":
                req.On("data", () => res.End("data"));
                req.On("end", () => res.End("end"));
                break;
            case "/raw":
                req.Resume();
                req.On("end", () => res.End("[" + Js.Arr(req.RawHeaders) + "," + Js.Headers(req.Headers) + "," + Js.Arr(req.RawTrailers) + "," + Js.Headers(req.Trailers) + "]"));
                break;
            case "/write-head":
                res.SetHeader("test", "1");
                Attempt(() => res.SetHeader("foo bar", "x"));
                Attempt(() => res.SetHeader("x", "a\r\nb"));
                Attempt(() => res.SetHeader("Ünknown", "x"));
                res.WriteHead(200, [new("test2", "2"), new("test", "2")]);
                Attempt(() => res.SetHeader("late", "y"));
                Attempt(() => res.WriteHead(201));
                res.End(string.Join(",", codes));
                break;
            case "/write-head-2":
                res.SetHeader("test", "1");
                res.SetHeader("keep", "k");
                res.WriteHead(200, [new("test", "2"), new("test2", "2")]);
                res.End();
                break;
            case "/write-head-after-set-header":
                res.SetHeader("set-val", "abc");
                res.WriteHead(200, [new("array-val", "1"), new("array-val", "2")]);
                res.End();
                break;
            case "/write-head-repeat":
                res.WriteHead(200, [new("array-val", "1"), new("array-val", "2")]);
                res.End();
                break;
            case "/splitting":
                Attempt(() => res.WriteHead(200, [new("x-a", "a\r\nSet-Cookie: b")]));
                Attempt(() => res.WriteHead(200, [new("x-a", "a\u010d\u010aSet-Cookie: b")]));
                Attempt(() => res.SetHeader("x-b", "a\nb"));
                res.End(string.Join(",", codes));
                break;
            case "/reason-invalid":
                Attempt(() => res.WriteHead(200, "OK\r\nFoo: bar"));
                Attempt(() => res.WriteHead(200, "OK\u010d\u010aFoo: bar"));
                Attempt(() =>
                {
                    res.StatusMessage = "OK\r\nFoo: bar";
                    res.WriteHead(200);
                });
                res.StatusMessage = "OK";
                res.End(string.Join(",", codes));
                break;
            case "/statuscode":
                foreach (int c in new[] { 99, 1000, 0, -1 })
                {
                    Attempt(() => res.WriteHead(c));
                }
                res.StatusCode = 200;
                res.End(string.Join(",", codes));
                break;
            case "/de-chunked-trailer":
                res.SetHeader("Trailer", "baz");
                Attempt(() => res.WriteHead(200, [new("Content-Length", "2")]));
                res.RemoveHeader("Trailer");
                res.SetHeader("x-codes", string.Join(",", codes));
                res.End("ok");
                break;
            case "/chain":
                res.SetHeader("a", "1").SetHeader("b", "2").SetHeader("c", "3");
                res.End(Js.Outgoing(res.GetHeaders()));
                break;
            case "/enc-latin1":
            case "/enc-binary":
            case "/enc-ascii":
                res.Write("\u00e9\u00ff", path[5..]);
                res.End();
                break;
            case "/delayed":
                EventLoop.Current!.SetTimeout(() =>
                {
                    res.WriteHead(200, [new("Content-Type", "text/plain")]);
                    res.Write(req.Method + " " + req.Url);
                    res.End();
                }, 1);
                break;
            case "/after-sent":
                res.Write("a");
                Attempt(() => res.SetHeader("x", "y"));
                Attempt(() => res.RemoveHeader("x"));
                res.End(string.Join(",", codes));
                break;
            default:
                if (path.StartsWith("/status/", StringComparison.Ordinal))
                {
                    res.WriteHead(int.Parse(path[8..], System.Globalization.CultureInfo.InvariantCulture));
                    res.End(res.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    break;
                }
                res.End(req.Method + " " + req.Url);
                break;
        }
    }
}

/// <summary>
/// Scenarios of Node's <c>test-http-*.js</c> files that come down to the bytes a server writes for given request
/// bytes: the same bytes sent to Node's server and to NodeHttp's, the answers compared with the Date normalised.
/// </summary>
public sealed class ServerExchangeTwinTests(ServerExchangeTwinFixture fixture) : IClassFixture<ServerExchangeTwinFixture>
{
    private const string Close = "Host: x\r\nConnection: close\r\n\r\n";

    /// <summary>Sends <paramref name="request"/> to both servers; reads <paramref name="responses"/> responses, or to the end (-1).</summary>
    private async Task<string> SameAsync(string request, int responses = -1, bool reporting = false, bool halfClose = false)
    {
        string expected = await ExchangeAsync(reporting ? fixture.NodeReportingPort : fixture.NodePort, request, responses, halfClose);
        string actual = await ExchangeAsync(reporting ? fixture.OurReportingPort : fixture.OurPort, request, responses, halfClose);
        expected = RawConnection.NormalizeDate(expected);
        Assert.Equal(expected, RawConnection.NormalizeDate(actual));
        Assert.Empty(fixture.Ours.Uncaught);
        return expected;
    }

    private static async Task<string> ExchangeAsync(int port, string request, int responses, bool halfClose)
    {
        if (!halfClose)
        {
            return await ServerWireTests.ExchangeAsync(port, request, responses);
        }
        await using RawConnection c = await RawConnection.ConnectAsync(port);
        await c.SendAsync(request);
        c.ShutdownSend();
        return await c.ReadToEndAsync();
    }

    [Fact]
    public async Task Test_http_status_message()
    {
        string r = await SameAsync("GET /status-message HTTP/1.1\r\n" + Close);
        Assert.StartsWith("HTTP/1.1 200 Custom Message\r\n", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_status_code()
    {
        foreach (int code in new[] { 200, 202, 302, 404, 500, 599, 999 })
        {
            string r = await SameAsync($"GET /status/{code} HTTP/1.1\r\n" + Close);
            Assert.StartsWith($"HTTP/1.1 {code} ", r, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Test_http_response_statuscode()
    {
        string r = await SameAsync("GET /statuscode HTTP/1.1\r\n" + Close);
        Assert.EndsWith("ERR_HTTP_INVALID_STATUS_CODE,ERR_HTTP_INVALID_STATUS_CODE,ERR_HTTP_INVALID_STATUS_CODE,ERR_HTTP_INVALID_STATUS_CODE", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_status_reason_invalid_chars()
    {
        string r = await SameAsync("GET /reason-invalid HTTP/1.1\r\n" + Close);
        Assert.EndsWith("ERR_INVALID_CHAR,ERR_INVALID_CHAR,ERR_INVALID_CHAR", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_response_splitting()
    {
        string r = await SameAsync("GET /splitting HTTP/1.1\r\n" + Close);
        Assert.DoesNotContain("Set-Cookie", r.Split("\r\n\r\n")[0], StringComparison.Ordinal);
        // A request line that tries to carry a header through the url is refused by the parser.
        await SameAsync("GET /x\r\nSet-Cookie: a HTTP/1.1\r\n" + Close);
    }

    [Fact]
    public async Task Test_http_set_cookies()
    {
        Assert.Contains("set-cookie: A\r\n", await SameAsync("GET /set-cookie-1 HTTP/1.1\r\n" + Close), StringComparison.Ordinal);
        Assert.Contains("set-cookie: A\r\nset-cookie: B\r\n", await SameAsync("GET /set-cookie-2 HTTP/1.1\r\n" + Close), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_write_empty_string()
    {
        string r = await SameAsync("GET /write-empty-string HTTP/1.1\r\n" + Close);
        Assert.EndsWith("2\r\n1\n\r\n2\r\n2\n\r\n2\r\n3\n\r\n0\r\n\r\n", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_zerolengthbuffer()
    {
        string r = await SameAsync("GET /zero-length-buffer HTTP/1.1\r\n" + Close);
        Assert.Contains("Content-Length: 0\r\n", r, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_response_writehead_returns_this()
    {
        string r = await SameAsync("GET /writehead-this HTTP/1.1\r\n" + Close);
        Assert.Contains("a-header: a-header-value\r\n", r, StringComparison.Ordinal);
        Assert.EndsWith("\r\n3\r\nabc\r\n0\r\n\r\n", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_remove_header_stays_removed()
    {
        // Keep-alive asked for, but no framing header is left: the body ends with the connection.
        string request = "GET /remove-headers HTTP/1.1\r\nHost: x\r\n\r\n";
        Assert.Equal("HTTP/1.1 200 OK\r\ndate: coffee o clock\r\n\r\nbeep boop\n", await ServerWireTests.ExchangeAsync(fixture.OurPort, request, -1));
        Assert.Equal("HTTP/1.1 200 OK\r\ndate: coffee o clock\r\n\r\nbeep boop\n", await ServerWireTests.ExchangeAsync(fixture.NodePort, request, -1));
    }

    [Fact]
    public async Task Test_http_server_non_utf8_header()
    {
        string r = await SameAsync("GET /non-utf8 HTTP/1.1\r\n" + Close);
        Assert.Contains("content-disposition: " + Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("bår")) + "\r\n", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_set_trailers()
    {
        string r10 = await SameAsync("GET /set-trailers HTTP/1.0\r\n\r\n");
        Assert.DoesNotContain("x-foo", r10, StringComparison.Ordinal);
        string r11 = await SameAsync("GET /set-trailers HTTP/1.1\r\n" + Close);
        Assert.EndsWith("0\r\nx-foo: bar\r\n\r\n", r11, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_wget()
    {
        string r = await SameAsync("GET /wget HTTP/1.0\r\nHost: localhost\r\nAccept: */*\r\nConnection: Keep-Alive\r\n\r\n");
        Assert.EndsWith("\r\n\r\nhello world\n", r, StringComparison.Ordinal);
        Assert.DoesNotContain("Transfer-Encoding", r, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Test_http_outgoing_first_chunk_singlebyte_encoding()
    {
        foreach (string enc in new[] { "latin1", "binary", "ascii" })
        {
            string r = await SameAsync($"GET /enc-{enc} HTTP/1.0\r\n\r\n");
            Assert.EndsWith("\r\n\r\n\u00e9\u00ff", r, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Test_http_write_head()
    {
        string r = await SameAsync("GET /write-head HTTP/1.1\r\n" + Close);
        Assert.Contains("test: 2\r\n", r, StringComparison.Ordinal);
        Assert.Contains("ERR_INVALID_HTTP_TOKEN,ERR_INVALID_CHAR,ERR_INVALID_HTTP_TOKEN,ERR_HTTP_HEADERS_SENT,ERR_HTTP_HEADERS_SENT\r\n", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_write_head_2()
    {
        string r = await SameAsync("GET /write-head-2 HTTP/1.1\r\n" + Close);
        Assert.Contains("test: 2\r\n", r, StringComparison.Ordinal);
        Assert.Contains("keep: k\r\n", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_write_head_after_set_header()
    {
        // Node 20: after a setHeader, a name repeated in writeHead's list keeps its last value only; Node 22 and later,
        // and NodeHttp, send every value (docs/differences.md).
        string request = "GET /write-head-after-set-header HTTP/1.1\r\n" + Close;
        Assert.Contains("set-val: abc\r\narray-val: 2\r\nDate", await ServerWireTests.ExchangeAsync(fixture.NodePort, request, -1), StringComparison.Ordinal);
        Assert.Contains("set-val: abc\r\narray-val: 1\r\narray-val: 2\r\nDate", await ServerWireTests.ExchangeAsync(fixture.OurPort, request, -1), StringComparison.Ordinal);
        string both = await SameAsync("GET /write-head-repeat HTTP/1.1\r\n" + Close);
        Assert.Contains("array-val: 1\r\narray-val: 2\r\n", both, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_server_de_chunked_trailer()
    {
        string r = await SameAsync("GET /de-chunked-trailer HTTP/1.1\r\n" + Close);
        Assert.Contains("ERR_HTTP_TRAILER_INVALID", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_set_header_chain()
    {
        string r = await SameAsync("GET /chain HTTP/1.1\r\n" + Close);
        Assert.EndsWith("{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_response_add_header_after_sent_and_remove_header_after_sent()
    {
        string r = await SameAsync("GET /after-sent HTTP/1.1\r\n" + Close);
        Assert.Contains("ERR_HTTP_HEADERS_SENT,ERR_HTTP_HEADERS_SENT", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_request_methods()
    {
        foreach (string m in new[] { "DELETE", "PATCH", "PURGE", "OPTIONS", "PROPFIND", "MKCOL", "LINK", "UNLINK", "SEARCH" })
        {
            string r = await SameAsync($"{m} /x HTTP/1.1\r\n" + Close);
            Assert.EndsWith(m + " /x", r, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Test_http_server_method_query()
    {
        string r = await SameAsync("QUERY /q HTTP/1.1\r\n" + Close);
        Assert.EndsWith("QUERY /q", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_malformed_request()
    {
        string r = await SameAsync("GET /foo?bar=%99 HTTP/1.1\r\n" + Close);
        Assert.EndsWith("GET /foo?bar=%99", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_server_keep_alive_defaults()
    {
        string r = await SameAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhiGET / HTTP/1.1\r\n" + Close, 2);
        Assert.Contains("Connection: keep-alive\r\nKeep-Alive: timeout=5\r\n", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_server_keep_alive_max_requests_null()
    {
        string one = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        string r = await SameAsync(one + one + one + one, 4);
        Assert.DoesNotContain("max=", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_server()
    {
        // Three pipelined requests answered after a timer each, in order.
        string r = await SameAsync(
            "GET /delayed?hello=world&foo=b==ar HTTP/1.1\r\nHost: x\r\n\r\n" +
            "POST /delayed?quit HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nquit" +
            "GET /delayed HTTP/1.1\r\n" + Close);
        Assert.Contains("GET /delayed?hello=world&foo=b==ar", r, StringComparison.Ordinal);
        Assert.Contains("POST /delayed?quit", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_server_multiheaders()
    {
        string r = await SameAsync(
            "GET /headers HTTP/1.1\r\nHost: x\r\nAccept: abc\r\nAccept: def\r\nAccept: ghijklmnopqrst\r\n" +
            "WWW-Authenticate: foo\r\nWWW-Authenticate: bar\r\nProxy-Authenticate: foo\r\nProxy-Authenticate: bar\r\n" +
            "X-Forwarded-For: abc\r\nX-Forwarded-For: def\r\nX-Forwarded-For: ghi\r\nCookie: a=1\r\nCookie: b=2\r\n" +
            "Sec-Websocket-Extensions: foo\r\nSec-Websocket-Extensions: bar\r\nSet-Cookie: p\r\nSet-Cookie: q\r\nConnection: close\r\n\r\n");
        Assert.Contains("\"accept\":\"abc, def, ghijklmnopqrst\"", r, StringComparison.Ordinal);
        Assert.Contains("\"host\":\"x\"", r, StringComparison.Ordinal);

        // Node keeps the first of two Host lines; NodeHttp refuses them (docs/differences.md, "Stricter than Node").
        string twoHosts = "GET /headers HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n";
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", await ServerWireTests.ExchangeAsync(fixture.NodePort, twoHosts, -1), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", await ServerWireTests.ExchangeAsync(fixture.OurPort, twoHosts, -1), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_server_multiheaders2()
    {
        string[] single =
        [
            "Content-Type", "User-Agent", "Referer", "Authorization", "Proxy-Authorization",
            "If-Modified-Since", "If-Unmodified-Since", "From", "Location", "Max-Forwards", "Retry-After", "ETag",
            "Last-Modified", "Server", "Age", "Expires",
        ];
        var head = new StringBuilder("POST /headers HTTP/1.1\r\n");
        foreach (string h in single)
        {
            head.Append(h).Append(": foo\r\n").Append(h).Append(": bar\r\n");
        }
        head.Append("Host: x\r\nX-Multi: a\r\nX-Multi: b\r\nVia: 1\r\nVia: 2\r\nConnection: close\r\n\r\n");
        string r = await SameAsync(head.ToString());
        Assert.Contains("\"x-multi\":\"a, b\"", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_raw_headers()
    {
        string r = await SameAsync(
            "POST /raw HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nX-BaR: yoyoyo\r\nconnection: close\r\n\r\n" +
            "2\r\nhi\r\n0\r\nx-bAr: yOyOyO\r\nX-Foo: 1\r\n\r\n");
        Assert.Contains("[\"Host\",\"x\",\"Transfer-Encoding\",\"chunked\",\"X-BaR\",\"yoyoyo\"", r, StringComparison.Ordinal);
        Assert.Contains("[\"x-bAr\",\"yOyOyO\",\"X-Foo\",\"1\"]", r, StringComparison.Ordinal);
    }

    // The requests a server must refuse with 400 and close, never calling its handler.
    public static TheoryData<string, string> Refused => new()
    {
        { "test-http-missing-header-separator-cr", "GET / HTTP/1.1\r\nHost: x\r\nDummy: x\nContent-Length: 23\r\n\r\nGET / HTTP/1.1\r\nDummy: GET /admin HTTP/1.1\r\nHost: x\r\n\r\n" },
        { "test-http-missing-header-separator-cr chunked", "GET / HTTP/1.1\r\nHost: x\r\nx:x\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n" },
        { "test-http-missing-header-separator-lf", "GET / HTTP/1.1\r\nHost: x\r\nDummy: x\rContent-Length: 23\r\n\r\nGET / HTTP/1.1\r\nDummy: GET /admin HTTP/1.1\r\nHost: x\r\n\r\n" },
        { "test-http-missing-header-separator-lf chunked", "GET / HTTP/1.1\r\nHost: x\r\nx:\rTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: x\r\n\r\n" },
        { "test-http-request-smuggling-content-length", "GET / HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\nhello" },
        { "test-http-transfer-encoding-repeated-chunked", "POST /silent HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunkedchunked\r\n\r\n1\r\nA\r\n0\r\n" },
        { "test-http-transfer-encoding-smuggling", "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked-false\r\nConnection: upgrade\r\n\r\n1\r\nA\r\n0\r\n\r\nGET /flag HTTP/1.1\r\nHost: x\r\n\r\n" },
        { "test-http-server-destroy-socket-on-client-error", "FOO /\r\n\r\n" },
        { "test-http-request-host-header", "GET / HTTP/1.1\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Requests_refused_with_400(string nodeFile, string request)
    {
        _ = nodeFile;
        string r = await SameAsync(request);
        Assert.StartsWith("HTTP/1.1 400 Bad Request\r\n", r, StringComparison.Ordinal);
        Assert.Contains("Connection: close\r\n", r, StringComparison.Ordinal);
    }

    // The parse errors a 'clientError' listener receives, with bytesParsed and rawPacket.
    public static TheoryData<string, string, string> ClientErrors => new()
    {
        { "test-http-server-client-error", "Oopsie-doopsie\r\n", "HPE_INVALID_METHOD" },
        { "test-http-server-reject-chunked-with-content-length", "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nA\r\n0\r\n\r\n", "HPE_INVALID_TRANSFER_ENCODING" },
        { "test-http-server-reject-cr-no-lf", "GET / HTTP/1.1\r\nHost: x\r\nDummy: Header\rContent-Length: 1\r\n\r\n", "HPE_LF_EXPECTED" },
    };

    [Theory]
    [MemberData(nameof(ClientErrors))]
    public async Task Client_errors_reach_the_listener_with_their_fields(string nodeFile, string request, string code)
    {
        _ = nodeFile;
        string r = await SameAsync(request, reporting: true);
        Assert.Contains("\r\n\r\n" + code + " ", r, StringComparison.Ordinal);
    }

    // The second half of test-http-transfer-encoding-smuggling: a folded "chunked-false" continuation is served once.
    [Fact]
    public async Task Test_http_transfer_encoding_smuggling_folded_value()
    {
        string r = await SameAsync("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n , chunked-false\r\nConnection: upgrade\r\n\r\n1\r\nA\r\n0\r\n\r\nGET /flag HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.DoesNotContain("/flag", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_parser_finish_error()
    {
        string r = await SameAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab", reporting: true, halfClose: true);
        Assert.Contains("HPE_INVALID_EOF_STATE", r, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_http_parser_freed_during_execute()
    {
        string r = await SameAsync("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n", halfClose: true);
        Assert.EndsWith("GET /b", r, StringComparison.Ordinal);
    }
}
