using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.Http;

/// <summary>
/// A message's head (and trailers) cut in two at every byte position, each piece reaching NodeHttp in a read of its
/// own: the server's request and the client's response must come out with the headers, raw headers and trailers
/// Node 20 reports for the same bytes sent whole. Node runs each message once (its answer does not depend on
/// the reads: it joins a value's pieces and trims the whole value). The summary compared is
/// <c>[url or statusMessage, rawHeaders, entries of headers, rawTrailers, entries of trailers]</c>.
/// </summary>
public class HeadSplitWireTests
{
    /// <summary>One message, and the options both sides parse it with.</summary>
    public sealed record Case(string Name, string Bytes, bool Insecure = false, int? MaxHeadersCount = null);

    private static readonly Case[] RequestCases =
    [
        new("plain",
            "GET /a%20b?q=1 HTTP/1.1\r\nHost: x\r\nX-Pad:   v  \t \r\nSet-Cookie: a=1\r\nset-cookie: b=2 \r\n" +
            "Cookie: c=3\r\nCOOKIE: d=4\r\nContent-Type: text/a\r\ncontent-type: text/b \r\nX-Dup: 1\r\nx-dup: 2\t\r\n" +
            "X-Empty:\r\nX-Sp: \t \r\nUser-Agent: u  a \r\n\r\n"),
        new("trailers",
            "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n" +
            "X-T1: a  \r\nx-t1: b\r\nX-T2:\t c \t\r\nX-T3:\r\n\r\n"),
        new("obs-fold",
            "GET /f HTTP/1.1\r\nHost: x\r\nX-F: a  \r\n b \r\nX-G: c\r\n\t d\r\n  \r\nX-H: e\r\nX-I:\r\n  f \r\n\r\n",
            Insecure: true),
        new("max-headers",
            "GET /m HTTP/1.1\r\nHost: x\r\n" + Lines("X-H", 33) + "\r\n", MaxHeadersCount: 2),
    ];

    private static readonly Case[] ResponseCases =
    [
        new("plain",
            "HTTP/1.1 200 Fine Thanks \r\nX-Pad:   v  \t \r\nSet-Cookie: a=1\r\nset-cookie: b=2 \r\n" +
            "Content-Type: text/a\r\ncontent-type: text/b \r\nX-Dup: 1\r\nx-dup: 2\t\r\nX-Empty:\r\nX-Sp: \t \r\n" +
            "Content-Length: 2\r\n\r\nok"),
        new("trailers",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-T1: a  \r\nx-t1: b\r\nX-T2:\t c \t\r\n\r\n"),
        new("informational",
            "HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload \r\n\r\nHTTP/1.1 204 No Content\r\nX-A: 1 \r\n\r\n"),
        new("obs-fold",
            "HTTP/1.1 200 OK\r\nX-F: a  \r\n b \r\nX-G: c\r\n\t d\r\n  \r\nX-I:\r\n  f \r\nContent-Length: 0\r\n\r\n",
            Insecure: true),
        new("max-headers",
            "HTTP/1.1 200 OK\r\n" + Lines("X-H", 33) + "Content-Length: 0\r\n\r\n", MaxHeadersCount: 2),
    ];

    public static TheoryData<string> RequestCaseNames => new(RequestCases.Select(c => c.Name));

    public static TheoryData<string> ResponseCaseNames => new(ResponseCases.Select(c => c.Name));

    private static string Lines(string prefix, int count)
    {
        var sb = new StringBuilder();
        for (int i = 1; i <= count; i++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"{prefix}{i}: v{i} \r\n");
        }
        return sb.ToString();
    }

    // The summary in Node: the same shape as Summary below.
    private const string NodeSummary = """
        const summary = (m, start) => [start, m.rawHeaders, Object.entries(m.headers), m.rawTrailers, Object.entries(m.trailers)];
        """;

    private static JsonArray Summary(IncomingMessage m, string? start)
    {
        static JsonArray Entries(HeaderMap map)
        {
            var a = new JsonArray();
            foreach (KeyValuePair<string, StringValues> kv in map)
            {
                JsonNode? v = kv.Key == "set-cookie" || kv.Value.Count != 1
                    ? new JsonArray(kv.Value.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray())
                    : JsonValue.Create(kv.Value.ToString());
                a.Add(new JsonArray(JsonValue.Create(kv.Key), v));
            }
            return a;
        }

        static JsonArray Strings(IReadOnlyList<string> list) => new(list.Select(s => (JsonNode?)JsonValue.Create(s)).ToArray());

        return new JsonArray(JsonValue.Create(start), Strings(m.RawHeaders), Entries(m.Headers), Strings(m.RawTrailers), Entries(m.Trailers));
    }

    private static string CasesLiteral(Case c) =>
        JsonSerializer.Serialize(new { bytes = c.Bytes, insecure = c.Insecure, max = c.MaxHeadersCount });

    /// <summary>Node's server receives the request whole; its summary at the request's 'end'.</summary>
    private static async Task<JsonNode> NodeRequestSummaryAsync(Case c)
    {
        string script = $$"""
            const http = require('http');
            const net = require('net');
            {{NodeSummary}}
            const c = {{CasesLiteral(c)}};
            const server = http.createServer({ insecureHTTPParser: c.insecure }, (req, res) => {
              req.resume();
              req.on('end', () => { console.log('RESULT ' + JSON.stringify(summary(req, req.url))); res.end(); server.close(); process.exit(0); });
            });
            if (c.max !== null) server.maxHeadersCount = c.max;
            server.listen(0, '127.0.0.1', () => {
              const s = net.connect(server.address().port, '127.0.0.1', () => s.write(Buffer.from(c.bytes, 'latin1')));
              s.on('error', () => {});
            });
            """;
        return await RunNodeAsync(script);
    }

    /// <summary>Node's client receives the response whole from a raw server; its summary at the response's 'end'.</summary>
    private static async Task<JsonNode> NodeResponseSummaryAsync(Case c)
    {
        string script = $$"""
            const http = require('http');
            const net = require('net');
            {{NodeSummary}}
            const c = {{CasesLiteral(c)}};
            const raw = net.createServer(sock => sock.once('data', () => sock.end(Buffer.from(c.bytes, 'latin1'))));
            raw.listen(0, '127.0.0.1', () => {
              const req = http.get({ host: '127.0.0.1', port: raw.address().port, agent: false, insecureHTTPParser: c.insecure }, res => {
                res.resume();
                res.on('end', () => { console.log('RESULT ' + JSON.stringify(summary(res, res.statusMessage))); process.exit(0); });
              });
              if (c.max !== null) req.maxHeadersCount = c.max;
              req.on('error', e => { console.log('RESULT ' + JSON.stringify(['error', e.code])); process.exit(0); });
            });
            """;
        return await RunNodeAsync(script);
    }

    private static async Task<JsonNode> RunNodeAsync(string script)
    {
        await using NodePeer peer = NodePeer.Start(script);
        string line = await peer.WaitLineAsync(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        return JsonNode.Parse(line["RESULT ".Length..])!;
    }

    private static Case Find(Case[] cases, string name) => cases.Single(c => c.Name == name);

    [Theory]
    [MemberData(nameof(RequestCaseNames))]
    public async Task ServerRequestCutAtEveryByte_MatchesNode(string name)
    {
        Case c = Find(RequestCases, name);
        JsonNode expected = await NodeRequestSummaryAsync(c);

        Socket? serverSide = null;
        await using var server = await TestServer.StartAsync(
            (req, res) =>
            {
                req.Resume();
                req.On("end", () => res.End(Summary(req, req.Url).ToJsonString()));
            },
            new ServerOptions { InsecureHttpParser = c.Insecure },
            s =>
            {
                if (c.MaxHeadersCount is int max)
                {
                    s.MaxHeadersCount = max;
                }
                s.On<Socket>("connection", sock => serverSide = sock);
            });
        await using RawConnection conn = await server.ConnectAsync();
        byte[] bytes = Encoding.Latin1.GetBytes(c.Bytes);
        long sent = 0;
        // Cut 0 sends the request whole; cut k sends bytes [0, k) and, once the server has read them, the rest.
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            if (cut > 0)
            {
                await conn.SendAsync(bytes[..cut]);
                await WaitForBytesRead(server.Loop, () => serverSide, sent + cut);
                await conn.SendAsync(bytes[cut..]);
            }
            else
            {
                await conn.SendAsync(bytes);
            }
            sent += bytes.Length;
            string response = await conn.ReadResponseAsync();
            Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
            JsonNode actual = JsonNode.Parse(response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..])!;
            Assert.True(JsonNode.DeepEquals(expected, actual), $"cut at {cut}: node {expected.ToJsonString()}\nnodehttp {actual.ToJsonString()}");
        }
    }

    [Theory]
    [MemberData(nameof(ResponseCaseNames))]
    public async Task ClientResponseCutAtEveryByte_MatchesNode(string name)
    {
        Case c = Find(ResponseCases, name);
        JsonNode expected = await NodeResponseSummaryAsync(c);

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        using var loop = new EventLoop();
        Agent agent = await loop.InvokeAsync(() => new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 1 }));
        Socket? clientSide = null;
        System.Net.Sockets.Socket? peer = null;
        byte[] bytes = Encoding.Latin1.GetBytes(c.Bytes);
        long sent = 0;
        try
        {
            for (int cut = 0; cut < bytes.Length; cut++)
            {
                var done = new TaskCompletionSource<JsonNode>(TaskCreationOptions.RunContinuationsAsynchronously);
                await loop.InvokeAsync(() =>
                {
                    var options = new RequestOptions { Host = "127.0.0.1", Port = port, Agent = agent, InsecureHttpParser = c.Insecure };
                    ClientRequest req = NodeHttp.Http.Request(options, res =>
                    {
                        res.Resume();
                        res.On("end", () => done.TrySetResult(Summary(res, res.StatusMessage)));
                    });
                    if (c.MaxHeadersCount is int max)
                    {
                        req.MaxHeadersCount = max;
                    }
                    req.On<Socket>("socket", s => clientSide = s);
                    req.On<Exception>("error", e => done.TrySetException(e));
                    req.End();
                }).WaitAsync(RawConnection.Deadline);
                if (peer is null)
                {
                    peer = await listener.AcceptSocketAsync().WaitAsync(RawConnection.Deadline);
                    peer.NoDelay = true;
                }
                await ReadRequestHead(peer);
                if (cut > 0)
                {
                    await peer.SendAsync(bytes.AsMemory(0, cut)).AsTask().WaitAsync(RawConnection.Deadline);
                    await WaitForBytesRead(loop, () => clientSide, sent + cut);
                    await peer.SendAsync(bytes.AsMemory(cut)).AsTask().WaitAsync(RawConnection.Deadline);
                }
                else
                {
                    await peer.SendAsync(bytes).WaitAsync(RawConnection.Deadline);
                }
                sent += bytes.Length;
                JsonNode actual = await done.Task.WaitAsync(RawConnection.Deadline);
                Assert.True(JsonNode.DeepEquals(expected, actual), $"cut at {cut}: node {expected.ToJsonString()}\nnodehttp {actual.ToJsonString()}");
            }
        }
        finally
        {
            peer?.Dispose();
            await loop.InvokeAsync(() => agent.Destroy()).WaitAsync(RawConnection.Deadline);
        }
    }

    // Until the NodeHttp side of the connection has read `count` bytes in all (so the next piece comes in a later read).
    private static async Task WaitForBytesRead(EventLoop loop, Func<Socket?> socket, long count)
    {
        var deadline = DateTime.UtcNow + RawConnection.Deadline;
        while (await loop.InvokeAsync(() => socket()?.BytesRead ?? 0).WaitAsync(RawConnection.Deadline) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the first piece ({count} bytes in all) was not read");
            await Task.Delay(1);
        }
    }

    // A GET's head from the client: up to the empty line.
    private static async Task ReadRequestHead(System.Net.Sockets.Socket peer)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 4 || head[^4] != '\r' || head[^3] != '\n' || head[^2] != '\r' || head[^1] != '\n')
        {
            int n = await peer.ReceiveAsync(one).WaitAsync(RawConnection.Deadline);
            Assert.True(n > 0, "the client closed the connection");
            head.Add(one[0]);
        }
    }
}
