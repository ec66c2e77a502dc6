using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace NodeHttp.Tests.Http;

/// <summary>
/// <see cref="ClientRequest.MaxHeadersCount"/> on the headers and trailers of a response, sent as exact bytes by a
/// raw <c>net</c> server. Each expected line is what Node 20's client printed for the same reply and setting, in
/// the same format: at the response's <c>'end'</c>, the count and keys of <c>res.headers</c> (first..last past
/// eight), the lines of <c>res.rawHeaders</c>, the keys of <c>res.headersDistinct</c>, then the same for trailers.
/// Node's client set <c>req.maxHeadersCount</c> right after <c>http.request</c> (or left it unset) and passed
/// <c>maxHeaderSize: 1 &lt;&lt; 20</c> where the heads are large.
/// </summary>
public class ClientMaxHeadersCountTests
{
    private static string Lines(string prefix, int count)
    {
        var sb = new StringBuilder();
        for (int i = 1; i <= count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{prefix}{i}: v{i}\r\n");
        }
        return sb.ToString();
    }

    // X-H1..X-Hn, then Content-Length and Connection: n + 2 header lines.
    private static string Plain(int headers) =>
        "HTTP/1.1 200 OK\r\n" + Lines("X-H", headers) + "Content-Length: 2\r\nConnection: close\r\n\r\nok";

    // Two header lines, a chunk, then X-T1..X-Tm as trailers.
    private static string Chunked(int trailers) =>
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n2\r\nok\r\n0\r\n" + Lines("X-T", trailers) + "\r\n";

    private static string Keys(HeaderMap map)
    {
        var keys = map.Keys.ToList();
        return keys.Count <= 8 ? string.Join(",", keys) : $"{keys[0]}..{keys[^1]}";
    }

    private static string Summary(IncomingMessage res) =>
        $"headers={res.Headers.Count} [{Keys(res.Headers)}] raw={res.RawHeaders.Count / 2} distinct={res.HeadersDistinct.Count} " +
        $"trailers={res.Trailers.Count} [{Keys(res.Trailers)}] rawTrailers={res.RawTrailers.Count / 2}";

    /// <summary>Sends one request with <paramref name="setup"/> applied and returns the response's summary (and 'information' lines).</summary>
    private static async Task<string> SummaryAsync(string reply, Action<ClientRequest> setup, int? maxHeaderSize = null, ConcurrentQueue<string>? info = null)
    {
        var (peer, port) = await NodeHttpPeer.StartServerAsync(NodeHttpPeer.RawServerScript(reply));
        await using var _ = peer;
        string summary = "no response";
        await LoopRunner.RunAsync(() =>
        {
            var options = new RequestOptions { Host = "127.0.0.1", Port = port, Agent = new Agent(), MaxHeaderSize = maxHeaderSize };
            ClientRequest req = NodeHttp.Http.Request(options, res =>
            {
                res.Resume();
                res.On("end", () => summary = Summary(res));
            });
            req.On<InformationEvent>("information", i => info?.Enqueue($"information {i.StatusCode} headers={Keys(i.Headers)} raw={i.RawHeaders.Count / 2}"));
            req.On<Exception>("error", e => summary = "error " + e.Message);
            setup(req);
            req.End();
        }).Bounded();
        return summary;
    }

    private static Action<ClientRequest> Set(int? count) => req => req.MaxHeadersCount = count;

    [Theory]
    // node: plain(5) k=1: headers=1 [x-h1] raw=7 distinct=1 trailers=0 [] rawTrailers=0
    [InlineData(1, "headers=1 [x-h1] raw=7 distinct=1 trailers=0 [] rawTrailers=0")]
    // node: plain(5) k=2: headers=2 [x-h1,x-h2] raw=7 distinct=2 trailers=0 [] rawTrailers=0
    [InlineData(2, "headers=2 [x-h1,x-h2] raw=7 distinct=2 trailers=0 [] rawTrailers=0")]
    // node: plain(5) k=7: headers=7 [x-h1,x-h2,x-h3,x-h4,x-h5,content-length,connection] raw=7 distinct=7 trailers=0 [] rawTrailers=0
    [InlineData(7, "headers=7 [x-h1,x-h2,x-h3,x-h4,x-h5,content-length,connection] raw=7 distinct=7 trailers=0 [] rawTrailers=0")]
    // node: plain(5) k=8: headers=7 [x-h1,x-h2,x-h3,x-h4,x-h5,content-length,connection] raw=7 distinct=7 trailers=0 [] rawTrailers=0
    [InlineData(8, "headers=7 [x-h1,x-h2,x-h3,x-h4,x-h5,content-length,connection] raw=7 distinct=7 trailers=0 [] rawTrailers=0")]
    public async Task Limit_KeepsFirstHeaders_RawHeadersWhole(int count, string expected)
    {
        Assert.Equal(expected, await SummaryAsync(Plain(5), Set(count)));
    }

    [Theory]
    // node: plain(40) k=1: headers=1 [x-h1] raw=31 distinct=1 trailers=0 [] rawTrailers=0
    [InlineData(1, "headers=1 [x-h1] raw=31 distinct=1 trailers=0 [] rawTrailers=0")]
    // node: plain(40) k=31: headers=31 [x-h1..x-h31] raw=31 distinct=31 trailers=0 [] rawTrailers=0
    [InlineData(31, "headers=31 [x-h1..x-h31] raw=31 distinct=31 trailers=0 [] rawTrailers=0")]
    // node: plain(40) k=32: headers=32 [x-h1..x-h32] raw=42 distinct=32 trailers=0 [] rawTrailers=0
    [InlineData(32, "headers=32 [x-h1..x-h32] raw=42 distinct=32 trailers=0 [] rawTrailers=0")]
    // node: plain(40) k=62: headers=42 [x-h1..connection] raw=42 distinct=42 trailers=0 [] rawTrailers=0
    [InlineData(62, "headers=42 [x-h1..connection] raw=42 distinct=42 trailers=0 [] rawTrailers=0")]
    // node: plain(40) k=0: headers=42 [x-h1..connection] raw=42 distinct=42 trailers=0 [] rawTrailers=0
    [InlineData(0, "headers=42 [x-h1..connection] raw=42 distinct=42 trailers=0 [] rawTrailers=0")]
    public async Task Limit_RawHeadersCutInBatchesOf31(int count, string expected)
    {
        Assert.Equal(expected, await SummaryAsync(Plain(40), Set(count)));
    }

    [Fact]
    public async Task Unset_NodeParserDefaultOf1000Headers()
    {
        // node: plain(1500) unset: headers=1000 [x-h1..x-h1000] raw=1023 distinct=1000 trailers=0 [] rawTrailers=0
        Assert.Equal(
            "headers=1000 [x-h1..x-h1000] raw=1023 distinct=1000 trailers=0 [] rawTrailers=0",
            await SummaryAsync(Plain(1500), Set(null), maxHeaderSize: 1 << 20));
    }

    [Theory]
    // node: plain(1500) k=0: headers=1502 [x-h1..connection] raw=1502 distinct=1502 trailers=0 [] rawTrailers=0
    [InlineData(0)]
    // node: plain(1500) k=-1: headers=1502 [x-h1..connection] raw=1502 distinct=1502 trailers=0 [] rawTrailers=0
    [InlineData(-1)]
    public async Task ZeroOrNegative_NoLimit(int count)
    {
        Assert.Equal(
            "headers=1502 [x-h1..connection] raw=1502 distinct=1502 trailers=0 [] rawTrailers=0",
            await SummaryAsync(Plain(1500), Set(count), maxHeaderSize: 1 << 20));
    }

    [Theory]
    // node: chunked(5) k=1: headers=1 [transfer-encoding] raw=2 distinct=1 trailers=5 [x-t1,x-t2,x-t3,x-t4,x-t5] rawTrailers=5
    [InlineData(5, 1, "headers=1 [transfer-encoding] raw=2 distinct=1 trailers=5 [x-t1,x-t2,x-t3,x-t4,x-t5] rawTrailers=5")]
    // node: chunked(5) k=null: headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=5 [x-t1,x-t2,x-t3,x-t4,x-t5] rawTrailers=5
    [InlineData(5, null, "headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=5 [x-t1,x-t2,x-t3,x-t4,x-t5] rawTrailers=5")]
    // node: chunked(40) k=1: headers=1 [transfer-encoding] raw=2 distinct=1 trailers=31 [x-t1..x-t31] rawTrailers=31
    [InlineData(40, 1, "headers=1 [transfer-encoding] raw=2 distinct=1 trailers=31 [x-t1..x-t31] rawTrailers=31")]
    // node: chunked(40) k=31: headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=31 [x-t1..x-t31] rawTrailers=31
    [InlineData(40, 31, "headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=31 [x-t1..x-t31] rawTrailers=31")]
    // node: chunked(40) k=32: headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=40 [x-t1..x-t40] rawTrailers=40
    [InlineData(40, 32, "headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=40 [x-t1..x-t40] rawTrailers=40")]
    // node: chunked(40) k=null: headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=40 [x-t1..x-t40] rawTrailers=40
    [InlineData(40, null, "headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=40 [x-t1..x-t40] rawTrailers=40")]
    // node: chunked(40) k=0: headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=40 [x-t1..x-t40] rawTrailers=40
    [InlineData(40, 0, "headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=40 [x-t1..x-t40] rawTrailers=40")]
    // node: chunked(1500) k=null: headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=1023 [x-t1..x-t1023] rawTrailers=1023
    [InlineData(1500, null, "headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=1023 [x-t1..x-t1023] rawTrailers=1023")]
    // node: chunked(1500) k=0: headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=1500 [x-t1..x-t1500] rawTrailers=1500
    [InlineData(1500, 0, "headers=2 [transfer-encoding,connection] raw=2 distinct=2 trailers=1500 [x-t1..x-t1500] rawTrailers=1500")]
    public async Task Trailers_CutOnlyInBatchesOf31(int trailers, int? count, string expected)
    {
        Assert.Equal(expected, await SummaryAsync(Chunked(trailers), Set(count), maxHeaderSize: 1 << 20));
    }

    [Fact]
    public async Task SetInSocketEvent_NotUsed()
    {
        // node: plain(5) k=1 in socket: headers=7 [x-h1,x-h2,x-h3,x-h4,x-h5,content-length,connection] raw=7 distinct=7 trailers=0 [] rawTrailers=0
        Assert.Equal(
            "headers=7 [x-h1,x-h2,x-h3,x-h4,x-h5,content-length,connection] raw=7 distinct=7 trailers=0 [] rawTrailers=0",
            await SummaryAsync(Plain(5), req => req.On<Socket>("socket", _ => req.MaxHeadersCount = 1)));
    }

    [Theory]
    // node: plain(5) k=1073741824: headers=7 [x-h1,x-h2,x-h3,x-h4,x-h5,content-length,connection] raw=7 distinct=7 trailers=0 [] rawTrailers=0
    [InlineData(1 << 30, "headers=7 [x-h1,x-h2,x-h3,x-h4,x-h5,content-length,connection] raw=7 distinct=7 trailers=0 [] rawTrailers=0")]
    // node: plain(5) k=-2147483647: headers=1 [x-h1] raw=7 distinct=1 trailers=0 [] rawTrailers=0
    [InlineData(int.MinValue + 1, "headers=1 [x-h1] raw=7 distinct=1 trailers=0 [] rawTrailers=0")]
    // node: plain(5) k=-2147483648: headers=7 [x-h1,x-h2,x-h3,x-h4,x-h5,content-length,connection] raw=7 distinct=7 trailers=0 [] rawTrailers=0
    [InlineData(int.MinValue, "headers=7 [x-h1,x-h2,x-h3,x-h4,x-h5,content-length,connection] raw=7 distinct=7 trailers=0 [] rawTrailers=0")]
    public async Task Limit_DoubledWithJavaScriptsWrappingShift(int count, string expected)
    {
        Assert.Equal(expected, await SummaryAsync(Plain(5), Set(count)));
    }

    [Fact]
    public async Task InformationalResponse_LimitedToo()
    {
        // node: info k=1 information 103 headers=link raw=3
        // node: info k=1: headers=1 [x-h1] raw=5 distinct=1 trailers=0 [] rawTrailers=0
        var info = new ConcurrentQueue<string>();
        string summary = await SummaryAsync("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\nX-A: 1\r\nX-B: 2\r\n\r\n" + Plain(3), Set(1), info: info);
        Assert.Equal(["information 103 headers=link raw=3"], info.ToArray());
        Assert.Equal("headers=1 [x-h1] raw=5 distinct=1 trailers=0 [] rawTrailers=0", summary);
    }
}
