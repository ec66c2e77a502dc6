using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.Http;

/// <summary>Server options and listeners compared with Node's http server byte for byte (Date values aside).</summary>
public class ServerOptionsWireTests
{
    private const string Get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    private static readonly Dictionary<string, (string Request, string JsOptions, Func<ServerOptions> CsOptions, string Js, string JsSetup, Action<IncomingMessage, ServerResponse> Cs, Action<Server>? CsSetup, int Responses)> Scenarios = new()
    {
        ["max-requests-per-socket"] = (Get + Get + Get + Get, "{}", () => new ServerOptions { MaxRequestsPerSocket = 2 },
            "res.end('ok')", "server.maxRequestsPerSocket = 2; server.on('dropRequest', () => {})", (q, s) => s.End("ok"), s => s.On<IncomingMessage, Socket>("dropRequest", (_, _) => { }), 4),
        ["require-host-off"] = ("GET / HTTP/1.1\r\n\r\n", "{ requireHostHeader: false }", () => new ServerOptions { RequireHostHeader = false },
            "res.end('ok')", "", (q, s) => s.End("ok"), null, 1),
        ["join-duplicate-headers"] = ("GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: a\r\nUser-Agent: b\r\n\r\n", "{ joinDuplicateHeaders: true }", () => new ServerOptions { JoinDuplicateHeaders = true },
            "res.end(req.headers['user-agent'])", "", (q, s) => s.End(q.Headers["user-agent"].ToString()), null, 1),
        ["keep-first-duplicate"] = ("GET / HTTP/1.1\r\nHost: x\r\nUser-Agent: a\r\nUser-Agent: b\r\n\r\n", "{}", () => new ServerOptions(),
            "res.end(req.headers['user-agent'])", "", (q, s) => s.End(q.Headers["user-agent"].ToString()), null, 1),
        ["unique-headers"] = (Get, "{ uniqueHeaders: ['x-u'] }", () => new ServerOptions { UniqueHeaders = ["x-u"] },
            "res.setHeader('X-U', ['a', 'b']); res.setHeader('X-N', ['c', 'd']); res.end()", "",
            (q, s) => { s.SetHeader("X-U", new StringValues(["a", "b"])); s.SetHeader("X-N", new StringValues(["c", "d"])); s.End(); }, null, 1),
        ["max-header-size"] = ("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 200) + "\r\n\r\n", "{ maxHeaderSize: 100 }", () => new ServerOptions { MaxHeaderSize = 100 },
            "res.end()", "", (q, s) => s.End(), null, -1),
        ["keep-alive-timeout-advertised"] = (Get, "{ keepAliveTimeout: 7000 }", () => new ServerOptions { KeepAliveTimeout = 7000 },
            "res.end('ok')", "", (q, s) => s.End("ok"), null, 1),
        ["keep-alive-timeout-zero"] = (Get, "{ keepAliveTimeout: 0 }", () => new ServerOptions { KeepAliveTimeout = 0 },
            "res.end('ok')", "", (q, s) => s.End("ok"), null, 1),
        ["check-continue-listener"] = ("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi", "{}", () => new ServerOptions(),
            "res.end('never')", "server.on('checkContinue', (req, res) => { res.writeHead(403); res.end('no'); })",
            (q, s) => s.End("never"), s => s.On<IncomingMessage, ServerResponse>("checkContinue", (q, r) => { r.WriteHead(403); r.End("no"); }), 1),
        ["check-expectation-listener"] = ("GET / HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n", "{}", () => new ServerOptions(),
            "res.end('never')", "server.on('checkExpectation', (req, res) => res.end('exp:' + req.headers.expect))",
            (q, s) => s.End("never"), s => s.On<IncomingMessage, ServerResponse>("checkExpectation", (q, r) => r.End("exp:" + q.Headers["expect"])), 1),
        ["client-error-listener"] = ("BAD\r\n\r\n", "{}", () => new ServerOptions(),
            "res.end()", "server.on('clientError', (e, sock) => sock.end('HTTP/1.1 400 Mine\\r\\n\\r\\n' + e.code))",
            (q, s) => s.End(), s => s.On<Exception, Socket>("clientError", (e, sock) => sock.End("HTTP/1.1 400 Mine\r\n\r\n" + ((NodeHttpException)e).Code)), -1),
        ["data-after-close-with-listener"] = (Get + "GET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + Get, "{}", () => new ServerOptions(),
            "res.end(req.url)", "server.on('clientError', () => {})", (q, s) => s.End(q.Url!), s => s.On<Exception, Socket>("clientError", (_, _) => { }), -1),
        ["write-processing-early-hints"] = (Get, "{}", () => new ServerOptions(),
            "res.writeProcessing(); res.writeEarlyHints({ link: '</a.css>; rel=preload', 'x-h': '1' }); res.end('x')", "",
            (q, s) => { s.WriteProcessing(); s.WriteEarlyHints([new("link", "</a.css>; rel=preload"), new("x-h", "1")]); s.End("x"); }, null, 3),
        ["upgrade-without-listener"] = ("GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: foo\r\n\r\n", "{}", () => new ServerOptions(),
            "res.end('plain ' + req.upgrade)", "", (q, s) => s.End("plain " + (q.Upgrade ? "true" : "false")), null, 1),
        ["connect-without-listener"] = ("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n", "{}", () => new ServerOptions(),
            "res.end('never')", "", (q, s) => s.End("never"), null, -1),
    };

    public static IEnumerable<object[]> ScenarioNames => Scenarios.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task SameBytesAsNode(string scenario)
    {
        var sc = Scenarios[scenario];
        await using var oracle = await NodeHttpOracle.StartAsync(sc.Js, sc.JsOptions, sc.JsSetup);
        await using var server = await TestServer.StartAsync(sc.Cs, sc.CsOptions(), sc.CsSetup);
        string expected = await ServerWireTests.ExchangeAsync(oracle.Port, sc.Request, sc.Responses);
        string actual = await ServerWireTests.ExchangeAsync(server.Port, sc.Request, sc.Responses);
        Assert.Equal(RawConnection.NormalizeDate(expected), RawConnection.NormalizeDate(actual));
        Assert.Empty(server.Uncaught);
    }
}
