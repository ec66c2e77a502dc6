namespace NodeHttp.Tests.Http;

/// <summary>
/// Requests RFC 9112 and RFC 9110 say a server rejects but Node 20 accepts: refused with 400 and a closed
/// connection by default; with <see cref="ServerOptions.StrictRequests"/> off (or <see cref="ServerOptions.InsecureHttpParser"/>)
/// answered byte for byte as Node 20 answers them.
/// </summary>
public class RejectRfcViolationsWireTests
{
    private const string BadRequest = "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n";

    // Each: the request, the 'clientError' code and reason when refused.
    private static readonly Dictionary<string, (string Request, string Code, string Reason)> Cases = new()
    {
        ["host-twice"] = ("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "HPE_STRICT", "More than one Host header"),
        ["host-twice-same"] = ("GET / HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n", "HPE_STRICT", "More than one Host header"),
        ["host-twice-http10"] = ("GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", "HPE_STRICT", "More than one Host header"),
        ["host-userinfo"] = ("GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", "HPE_STRICT", "Invalid Host header"),
        ["host-path"] = ("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", "HPE_STRICT", "Invalid Host header"),
        ["host-space"] = ("GET / HTTP/1.1\r\nHost: a b\r\n\r\n", "HPE_STRICT", "Invalid Host header"),
        ["host-bad-port"] = ("GET / HTTP/1.1\r\nHost: a:8x\r\n\r\n", "HPE_STRICT", "Invalid Host header"),
        ["host-long-port"] = ("GET / HTTP/1.1\r\nHost: a:123456\r\n\r\n", "HPE_STRICT", "Invalid Host header"),
        ["host-bad-ip-literal"] = ("GET / HTTP/1.1\r\nHost: [zz]\r\n\r\n", "HPE_STRICT", "Invalid Host header"),
        ["host-bad-percent"] = ("GET / HTTP/1.1\r\nHost: a%4\r\n\r\n", "HPE_STRICT", "Invalid Host header"),
        ["host-empty-http11"] = ("GET / HTTP/1.1\r\nHost:\r\n\r\n", "HPE_STRICT", "Empty Host header"),
        ["absolute-form-other-host"] = ("GET http://b/p HTTP/1.1\r\nHost: a\r\n\r\n", "HPE_STRICT", "Host header does not match the request target"),
        ["absolute-form-other-port"] = ("GET http://a:81/p HTTP/1.1\r\nHost: a\r\n\r\n", "HPE_STRICT", "Host header does not match the request target"),
        ["asterisk-get"] = ("GET * HTTP/1.1\r\nHost: a\r\n\r\n", "HPE_STRICT", "Asterisk-form target is only for OPTIONS"),
        ["asterisk-with-path"] = ("OPTIONS */x HTTP/1.1\r\nHost: a\r\n\r\n", "HPE_STRICT", "Asterisk-form target is only for OPTIONS"),
        ["te-empty"] = ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\nContent-Length: 3\r\n\r\nabc", "HPE_INVALID_TRANSFER_ENCODING", "Empty Transfer-Encoding"),
        ["te-blank"] = ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:  \r\nContent-Length: 3\r\n\r\nabc", "HPE_INVALID_TRANSFER_ENCODING", "Empty Transfer-Encoding"),
        ["spaces-before-target"] = ("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", "HPE_STRICT", "More than one space before the request target"),
        ["spaces-before-version"] = ("GET /  HTTP/1.1\r\nHost: a\r\n\r\n", "HPE_STRICT", "More than one space before the HTTP version"),
    };

    // Accepted in both modes, with what the handler sees.
    private static readonly Dictionary<string, (string Request, string Seen)> Accepted = new()
    {
        ["host-name-port"] = ("GET / HTTP/1.1\r\nHost: example.com:8080\r\n\r\n", "/ example.com:8080"),
        ["host-ipv6"] = ("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n", "/ [::1]:80"),
        ["host-ipv4"] = ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "/ 127.0.0.1"),
        ["host-sub-delims"] = ("GET / HTTP/1.1\r\nHost: a-b_c~d!$&'()*+,;=%41\r\n\r\n", "/ a-b_c~d!$&'()*+,;=%41"),
        ["host-empty-http10"] = ("GET / HTTP/1.0\r\nHost:\r\n\r\n", "/ "),
        ["absolute-form-same-host"] = ("GET http://A/p HTTP/1.1\r\nHost: a\r\n\r\n", "http://A/p a"),
        ["absolute-form-default-port"] = ("GET http://a:80/p HTTP/1.1\r\nHost: a\r\n\r\n", "http://a:80/p a"),
        ["absolute-form-host-default-port"] = ("GET https://a/p HTTP/1.1\r\nHost: a:443\r\n\r\n", "https://a/p a:443"),
        ["asterisk-options"] = ("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n", "* a"),
    };

    public static IEnumerable<object[]> CaseNames => Cases.Keys.Select(k => new object[] { k });

    public static IEnumerable<object[]> AcceptedNames => Accepted.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Strict_Refused400AndClosed(string name)
    {
        var (request, _, _) = Cases[name];
        int handled = 0;
        await using var server = await TestServer.StartAsync((req, res) => { handled++; res.End("handled"); });
        string answer = await ServerWireTests.ExchangeAsync(server.Port, request, -1);
        Assert.Equal(BadRequest, answer);
        Assert.Equal(0, await server.RunAsync(() => handled));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Strict_ClientErrorSaysWhy(string name)
    {
        var (request, code, reason) = Cases[name];
        var seen = new TaskCompletionSource<NodeHttpException>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(
            (req, res) => res.End(),
            new ServerOptions(),
            s => s.On<Exception, Socket>("clientError", (e, sock) =>
            {
                seen.TrySetResult((NodeHttpException)e);
                sock.Destroy();
            }));
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(request);
        NodeHttpException error = await seen.Task.WaitAsync(TestServer.Deadline);
        Assert.Equal(code, error.Code);
        Assert.Equal(reason, error.Reason);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Lenient_SameBytesAsNode(string name) => await SameBytesAsNodeAsync(Cases[name].Request, new ServerOptions { StrictRequests = false });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task InsecureHttpParser_SameBytesAsNode(string name)
    {
        string request = Cases[name].Request;
        const string Handler = "res.end(req.url + ' ' + req.headers.host)";
        await using var oracle = await NodeHttpOracle.StartAsync(Handler, "{ insecureHTTPParser: true }");
        await using var server = await TestServer.StartAsync((q, s) => s.End(q.Url + " " + q.Headers["host"]), new ServerOptions { InsecureHttpParser = true });
        string expected = await ServerWireTests.ExchangeAsync(oracle.Port, request, 1);
        string actual = await ServerWireTests.ExchangeAsync(server.Port, request, 1);
        Assert.Equal(RawConnection.NormalizeDate(expected), RawConnection.NormalizeDate(actual));
    }

    [Theory]
    [MemberData(nameof(AcceptedNames))]
    public async Task Strict_Accepted(string name)
    {
        var (request, seen) = Accepted[name];
        await using var server = await TestServer.StartAsync((q, s) => s.End(q.Url + " " + q.Headers["host"]));
        string answer = await ServerWireTests.ExchangeAsync(server.Port, request, 1);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n" + seen, answer, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AcceptedNames))]
    public async Task Lenient_Accepted_SameBytesAsNode(string name) => await SameBytesAsNodeAsync(Accepted[name].Request, new ServerOptions { StrictRequests = false });

    [Fact]
    public async Task TabAfterContentLength_RefusedInBothModes_AsNode20()
    {
        const string Request = "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\t\r\n\r\n";
        foreach (bool strict in new[] { true, false })
        {
            var seen = new TaskCompletionSource<NodeHttpException>(TaskCreationOptions.RunContinuationsAsynchronously);
            await using var server = await TestServer.StartAsync(
                (req, res) => res.End(),
                new ServerOptions { StrictRequests = strict },
                s => s.On<Exception, Socket>("clientError", (e, sock) =>
                {
                    seen.TrySetResult((NodeHttpException)e);
                    sock.End("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
                }));
            string answer = await ServerWireTests.ExchangeAsync(server.Port, Request, -1);
            Assert.Equal(BadRequest, answer);
            NodeHttpException error = await seen.Task.WaitAsync(TestServer.Deadline);
            Assert.Equal("HPE_INVALID_CONTENT_LENGTH", error.Code);
            Assert.Equal("Invalid character in Content-Length", error.Reason);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Http2Preface_Refused400_AsNode(bool strict)
    {
        const string Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        await using var oracle = await NodeHttpOracle.StartAsync("res.end('never')");
        await using var server = await TestServer.StartAsync((q, s) => s.End("never"), new ServerOptions { StrictRequests = strict });
        string expected = await ServerWireTests.ExchangeAsync(oracle.Port, Preface, -1);
        string actual = await ServerWireTests.ExchangeAsync(server.Port, Preface, -1);
        Assert.Equal(BadRequest, expected);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(true, BadRequest)]
    [InlineData(false, "")]
    public async Task UpgradeNobodyTakes_BodyCutByFin(bool strict, string answer)
    {
        const string Request = "POST / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: foo\r\nContent-Length: 10\r\n\r\nabc";
        await using var server = await TestServer.StartAsync((q, s) => q.On("end", () => s.End("never")), new ServerOptions { StrictRequests = strict });
        Assert.Equal(answer, await SendWithFinAsync(server.Port, Request));
        if (!strict)
        {
            await using var oracle = await NodeHttpOracle.StartAsync("req.on('end', () => res.end('never'))");
            Assert.Equal(answer, await SendWithFinAsync(oracle.Port, Request));
        }
    }

    private static async Task<string> SendWithFinAsync(int port, string request)
    {
        await using RawConnection c = await RawConnection.ConnectAsync(port);
        await c.SendAsync(request);
        c.ShutdownSend();
        return await c.ReadToEndAsync();
    }

    private static async Task SameBytesAsNodeAsync(string request, ServerOptions options)
    {
        const string Handler = "res.end(req.url + ' ' + req.headers.host)";
        await using var oracle = await NodeHttpOracle.StartAsync(Handler);
        await using var server = await TestServer.StartAsync((q, s) => s.End(q.Url + " " + q.Headers["host"]), options);
        string expected = await ServerWireTests.ExchangeAsync(oracle.Port, request, 1);
        string actual = await ServerWireTests.ExchangeAsync(server.Port, request, 1);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", expected, StringComparison.Ordinal);
        Assert.Equal(RawConnection.NormalizeDate(expected), RawConnection.NormalizeDate(actual));
    }
}
