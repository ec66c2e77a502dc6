using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.Http;

/// <summary>
/// The bytes NodeHttp's client sends, compared with what Node's own client sends for the same calls: both talk to
/// the same raw <c>net</c> server, which prints what it received.
/// </summary>
public class ClientWireTests
{
    private const string Reply = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    public static TheoryData<string> Scenarios => new()
    {
        "get-global", "get-no-agent", "post-end-data", "post-write-end", "put-headers-auth", "delete-write",
        "keepalive-agent", "expect-continue", "head", "bounded-agent", "url-userinfo", "flush-headers", "trailers", "post-length-write",
    };

    private static string NodeCode(string scenario) => scenario switch
    {
        "get-global" => "http.get(`http://127.0.0.1:${PORT}/x?y=1`, r => r.resume());",
        "get-no-agent" => "http.get({ host: '127.0.0.1', port: PORT, path: '/p', agent: false }, r => r.resume());",
        "post-end-data" => "http.request({ host: '127.0.0.1', port: PORT, method: 'POST', path: '/u' }, r => r.resume()).end('hello');",
        "post-write-end" => "{ const q = http.request({ host: '127.0.0.1', port: PORT, method: 'post', path: '/u' }, r => r.resume()); q.write('ab'); q.write('cde'); q.end(); }",
        "put-headers-auth" => "http.request({ host: '127.0.0.1', port: PORT, method: 'PUT', path: '/h', auth: 'us:pw', headers: { 'X-One': '1', 'content-type': 'text/plain' } }, r => r.resume()).end('z');",
        "delete-write" => "{ const q = http.request({ host: '127.0.0.1', port: PORT, method: 'DELETE' }, r => r.resume()); q.write('body'); q.end(); }",
        "keepalive-agent" => "http.get({ host: '127.0.0.1', port: PORT, agent: new http.Agent({ keepAlive: true }) }, r => r.resume());",
        "expect-continue" => "http.request({ host: '127.0.0.1', port: PORT, method: 'POST', headers: { Expect: '100-continue' } }, r => r.resume()).end('q');",
        "head" => "http.request({ host: '127.0.0.1', port: PORT, method: 'HEAD' }, r => r.resume()).end();",
        "bounded-agent" => "http.get({ host: '127.0.0.1', port: PORT, agent: new http.Agent({ maxSockets: 2 }) }, r => r.resume());",
        "url-userinfo" => "http.get(`http://a%20b:c@127.0.0.1:${PORT}/`, r => r.resume());",
        "flush-headers" => "{ const q = http.request({ host: '127.0.0.1', port: PORT, method: 'POST', headers: { 'Content-Length': 3 } }, r => r.resume()); q.flushHeaders(); q.end('abc'); }",
        "trailers" => "{ const q = http.request({ host: '127.0.0.1', port: PORT, method: 'POST', headers: { Trailer: 'X-T' } }, r => r.resume()); q.write('a'); q.addTrailers({ 'X-T': 'v' }); q.end(); }",
        "post-length-write" => "{ const q = http.request({ host: '127.0.0.1', port: PORT, method: 'POST', path: '/upload', headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': 18 } }, r => r.resume()); q.write('msg=Hello%20World!'); q.end(); }",
        _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
    };

    private static void OurCode(string scenario, int port)
    {
        RequestOptions O(string method = "GET", string path = "/") => new() { Host = "127.0.0.1", Port = port, Method = method, Path = path };
        Action<IncomingMessage> drain = r => r.Resume();
        switch (scenario)
        {
            case "get-global":
                NodeHttp.Http.Get($"http://127.0.0.1:{port}/x?y=1", drain);
                break;
            case "get-no-agent":
            {
                RequestOptions o = O(path: "/p");
                o.UseAgent = false;
                NodeHttp.Http.Get(o, drain);
                break;
            }
            case "post-end-data":
                NodeHttp.Http.Request(O("POST", "/u"), drain).End("hello");
                break;
            case "post-write-end":
            {
                ClientRequest q = NodeHttp.Http.Request(O("post", "/u"), drain);
                q.Write("ab");
                q.Write("cde");
                q.End();
                break;
            }
            case "put-headers-auth":
            {
                RequestOptions o = O("PUT", "/h");
                o.Auth = "us:pw";
                o.Headers = new Dictionary<string, StringValues> { ["X-One"] = "1", ["content-type"] = "text/plain" };
                NodeHttp.Http.Request(o, drain).End("z");
                break;
            }
            case "delete-write":
            {
                ClientRequest q = NodeHttp.Http.Request(O("DELETE"), drain);
                q.Write("body");
                q.End();
                break;
            }
            case "keepalive-agent":
            {
                RequestOptions o = O();
                o.Agent = new Agent(new AgentOptions { KeepAlive = true });
                NodeHttp.Http.Get(o, drain);
                break;
            }
            case "expect-continue":
            {
                RequestOptions o = O("POST");
                o.Headers = new Dictionary<string, StringValues> { ["Expect"] = "100-continue" };
                NodeHttp.Http.Request(o, drain).End("q");
                break;
            }
            case "head":
            {
                // The raw server's reply has a body, which after a HEAD's response (and Connection: close) is
                // HPE_CLOSED_CONNECTION on the request, as in Node; only the request bytes matter here.
                ClientRequest q = NodeHttp.Http.Request(O("HEAD"), drain);
                q.On<Exception>("error", _ => { });
                q.End();
                break;
            }
            case "bounded-agent":
            {
                RequestOptions o = O();
                o.Agent = new Agent(new AgentOptions { MaxSockets = 2 });
                NodeHttp.Http.Get(o, drain);
                break;
            }
            case "url-userinfo":
                NodeHttp.Http.Get($"http://a%20b:c@127.0.0.1:{port}/", drain);
                break;
            case "flush-headers":
            {
                RequestOptions o = O("POST");
                o.Headers = new Dictionary<string, StringValues> { ["Content-Length"] = "3" };
                ClientRequest q = NodeHttp.Http.Request(o, drain);
                q.FlushHeaders();
                q.End("abc");
                break;
            }
            case "post-length-write":
            {
                RequestOptions o = O("POST", "/upload");
                o.Headers = new Dictionary<string, StringValues> { ["Content-Type"] = "application/x-www-form-urlencoded", ["Content-Length"] = "18" };
                ClientRequest q = NodeHttp.Http.Request(o, drain);
                q.Write("msg=Hello%20World!");
                q.End();
                break;
            }
            case "trailers":
            {
                RequestOptions o = O("POST");
                o.Headers = new Dictionary<string, StringValues> { ["Trailer"] = "X-T" };
                ClientRequest q = NodeHttp.Http.Request(o, drain);
                q.Write("a");
                q.AddTrailers(new Dictionary<string, StringValues> { ["X-T"] = "v" });
                q.End();
                break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task RequestBytes_MatchNodeClient(string scenario)
    {
        var (server, port) = await NodeHttpPeer.StartServerAsync(NodeHttpPeer.RawServerScript(Reply));
        await using var _ = server;
        await NodeHttpPeer.RunClientAsync("const http = require('http');\n" + NodeCode(scenario), port);
        string nodeBytes = NodeHttpPeer.DecodeBytesLine(await server.WaitLineAsync(l => l.StartsWith("bytes ", StringComparison.Ordinal)));

        var (server2, port2) = await NodeHttpPeer.StartServerAsync(NodeHttpPeer.RawServerScript(Reply));
        await using var __ = server2;
        await LoopRunner.RunAsync(() => OurCode(scenario, port2));
        string ourBytes = NodeHttpPeer.DecodeBytesLine(await server2.WaitLineAsync(l => l.StartsWith("bytes ", StringComparison.Ordinal)));
        Assert.Equal(nodeBytes.Replace(port.ToString(), "PORT"), ourBytes.Replace(port2.ToString(), "PORT"));
    }
}
