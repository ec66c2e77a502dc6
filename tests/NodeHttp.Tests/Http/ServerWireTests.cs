using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.Http;

/// <summary>
/// The same request sent to Node's http server (the oracle, node v20) and to NodeHttp's, with the same handler:
/// the bytes that come back must be identical (Date values aside).
/// </summary>
public class ServerWireTests
{
    private const string Get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    /// <summary>Scenario: request bytes, Node handler, NodeHttp handler, responses to read (-1: until the server closes).</summary>
    private static readonly Dictionary<string, (string Request, string Js, Action<IncomingMessage, ServerResponse> Cs, int Responses)> Scenarios = new()
    {
        ["end-data"] = (Get, "res.end('ok')", (q, s) => s.End("ok"), 1),
        ["end-empty"] = (Get, "res.end()", (q, s) => s.End(), 1),
        ["write-then-end"] = (Get, "res.write('a'); res.end('bc')", (q, s) => { s.Write("a"); s.End("bc"); }, 1),
        ["set-header"] = (Get, "res.setHeader('Content-Type', 'text/plain'); res.setHeader('X-Multi', ['a', 'b']); res.end('hello')",
            (q, s) => { s.SetHeader("Content-Type", "text/plain"); s.SetHeader("X-Multi", new StringValues(["a", "b"])); s.End("hello"); }, 1),
        ["head"] = ("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n", "res.end('ok')", (q, s) => s.End("ok"), -2),
        ["http10"] = ("GET / HTTP/1.0\r\n\r\n", "res.end('ok')", (q, s) => s.End("ok"), -1),
        ["http10-keepalive"] = ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "res.end('ok')", (q, s) => s.End("ok"), -1),
        ["http10-keepalive-cl"] = ("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "res.setHeader('Content-Length', 2); res.end('ok')",
            (q, s) => { s.SetHeader("Content-Length", 2); s.End("ok"); }, 1),
        ["connection-close"] = ("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "res.end('ok')", (q, s) => s.End("ok"), -1),
        ["writehead-object"] = (Get, "res.writeHead(404, {'X-A': 'b'}); res.end('nf')",
            (q, s) => { s.WriteHead(404, [new("X-A", "b")]); s.End("nf"); }, 1),
        ["writehead-merge"] = (Get, "res.setHeader('X-A', '1'); res.setHeader('X-B', '2'); res.writeHead(200, {'x-a': '3', 'X-C': '4'}); res.end()",
            (q, s) => { s.SetHeader("X-A", "1"); s.SetHeader("X-B", "2"); s.WriteHead(200, [new("x-a", "3"), new("X-C", "4")]); s.End(); }, 1),
        ["writehead-reason"] = (Get, "res.writeHead(200, 'Fine'); res.end()", (q, s) => { s.WriteHead(200, "Fine"); s.End(); }, 1),
        ["status-204-write"] = (Get, "res.statusCode = 204; res.write('x'); res.end()", (q, s) => { s.StatusCode = 204; s.Write("x"); s.End(); }, 1),
        ["status-304"] = (Get, "res.statusCode = 304; res.end()", (q, s) => { s.StatusCode = 304; s.End(); }, 1),
        ["unknown-status"] = (Get, "res.statusCode = 599; res.end()", (q, s) => { s.StatusCode = 599; s.End(); }, 1),
        ["set-cookie"] = (Get, "res.setHeader('Set-Cookie', ['a=1', 'b=2']); res.end()",
            (q, s) => { s.SetHeader("Set-Cookie", new StringValues(["a=1", "b=2"])); s.End(); }, 1),
        ["trailers"] = (Get, "res.writeHead(200, {'Trailer': 'X-T'}); res.write('a'); res.addTrailers({'X-T': 'v'}); res.end()",
            (q, s) => { s.WriteHead(200, [new("Trailer", "X-T")]); s.Write("a"); s.AddTrailers([new("X-T", "v")]); s.End(); }, 1),
        ["remove-date"] = (Get, "res.removeHeader('Date'); res.end('x')", (q, s) => { s.RemoveHeader("Date"); s.End("x"); }, 1),
        ["send-date-false"] = (Get, "res.sendDate = false; res.end('x')", (q, s) => { s.SendDate = false; s.End("x"); }, 1),
        ["explicit-te"] = (Get, "res.setHeader('Transfer-Encoding', 'chunked'); res.end('abc')",
            (q, s) => { s.SetHeader("Transfer-Encoding", "chunked"); s.End("abc"); }, 1),
        ["explicit-cl"] = (Get, "res.setHeader('Content-Length', '3'); res.write('a'); res.end('bc')",
            (q, s) => { s.SetHeader("Content-Length", "3"); s.Write("a"); s.End("bc"); }, 1),
        ["user-connection-close"] = (Get, "res.setHeader('Connection', 'close'); res.end('x')",
            (q, s) => { s.SetHeader("Connection", "close"); s.End("x"); }, -1),
        ["flush-headers"] = (Get, "res.flushHeaders(); res.end('late')", (q, s) => { s.FlushHeaders(); s.End("late"); }, 1),
        ["expect-continue"] = ("POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n", "res.end('go')", (q, s) => s.End("go"), 2),
        ["expect-other"] = ("GET / HTTP/1.1\r\nHost: x\r\nExpect: foo\r\n\r\n", "res.end('never')", (q, s) => s.End("never"), 1),
        ["no-host"] = ("GET / HTTP/1.1\r\n\r\n", "res.end('never')", (q, s) => s.End("never"), -1),
        ["no-host-http10"] = ("GET / HTTP/1.0\r\n\r\n", "res.end('ok')", (q, s) => s.End("ok"), -1),
        ["garbage"] = ("HELLO\r\n\r\n", "res.end()", (q, s) => s.End(), -1),
        ["bad-header"] = ("GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n", "res.end()", (q, s) => s.End(), -1),
        ["header-overflow"] = ("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + new string('a', 17000) + "\r\n\r\n", "res.end()", (q, s) => s.End(), -1),
        ["pipelined"] = ("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n",
            "res.end(req.url)", (q, s) => s.End(q.Url!), 3),
        ["pipelined-then-close"] = ("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "res.end(req.url)", (q, s) => s.End(q.Url!), -1),
        ["chunked-upload-echo"] = ("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\nX-Tr: 1\r\n\r\n",
            "let b=''; req.setEncoding('latin1'); req.on('data', d => b += d); req.on('end', () => res.end(b + '|' + JSON.stringify(req.rawTrailers)))",
            (q, s) => { var b = new System.Text.StringBuilder(); q.On<NodeBuffer>("data", d => b.Append(d.ToString("latin1"))); q.On("end", () => s.End(b + "|[\"" + string.Join("\",\"", q.RawTrailers) + "\"]")); }, 1),
        ["headers-echo"] = ("GET /p?q=1 HTTP/1.1\r\nHost: h\r\nX-Dup: a\r\nx-dup: b\r\nCookie: c=1\r\nCookie: d=2\r\nContent-Type: t1\r\nContent-Type: t2\r\n\r\n",
            "res.end(req.method + ' ' + req.url + ' ' + req.httpVersion + ' ' + JSON.stringify(req.headers) + ' ' + JSON.stringify(req.rawHeaders))",
            (q, s) => s.End(q.Method + " " + q.Url + " " + q.HttpVersion + " " + HeadersJson(q.Headers) + " [" + string.Join(",", q.RawHeaders.Select(h => "\"" + h + "\"")) + "]"), 1),
    };

    public static IEnumerable<object[]> ScenarioNames => Scenarios.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task SameBytesAsNode(string scenario)
    {
        var (request, js, cs, responses) = Scenarios[scenario];
        await using var oracle = await NodeHttpOracle.StartAsync(js);
        await using var server = await TestServer.StartAsync(cs);
        string expected = await ExchangeAsync(oracle.Port, request, responses);
        string actual = await ExchangeAsync(server.Port, request, responses);
        Assert.Equal(RawConnection.NormalizeDate(expected), RawConnection.NormalizeDate(actual));
        Assert.Empty(server.Uncaught);
    }

    internal static async Task<string> ExchangeAsync(int port, string request, int responses)
    {
        await using RawConnection c = await RawConnection.ConnectAsync(port);
        await c.SendAsync(request);
        if (responses == -1)
        {
            return await c.ReadToEndAsync();
        }
        if (responses == -2)
        {
            return await c.ReadResponseAsync(head: true);
        }
        var all = new System.Text.StringBuilder();
        for (int i = 0; i < responses; i++)
        {
            all.Append(await c.ReadResponseAsync());
        }
        return all.ToString();
    }

    private static string HeadersJson(HeaderMap headers) =>
        "{" + string.Join(",", headers.Select(kv => "\"" + kv.Key + "\":" + (kv.Key == "set-cookie"
            ? "[" + string.Join(",", kv.Value.Select(v => "\"" + v + "\"")) + "]"
            : "\"" + kv.Value + "\""))) + "}";
}
