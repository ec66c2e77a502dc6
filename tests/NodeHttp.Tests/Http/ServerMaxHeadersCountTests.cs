using System.Globalization;
using System.Text;

namespace NodeHttp.Tests.Http;

/// <summary>
/// <see cref="Server.MaxHeadersCount"/> on the headers and trailers of a request sent as exact bytes over a raw
/// socket. Each expected line is what a Node 20 http server printed for the same request with
/// <c>server.maxHeadersCount = k</c>, in the same format: at the request's <c>'end'</c>,
/// <c>Object.keys(req.headers).length</c>, <c>req.rawHeaders.length / 2</c> and
/// <c>Object.keys(req.headersDistinct).length</c>, or for trailers <c>Object.keys(req.trailers).length</c> and
/// <c>req.rawTrailers.length / 2</c>.
/// </summary>
public class ServerMaxHeadersCountTests
{
    // Host, Content-Length, then X-H2..X-H(n-1): n header lines.
    private static string Plain(int lines)
    {
        var sb = new StringBuilder("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n");
        for (int i = 2; i < lines; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"X-H{i}: v{i}\r\n");
        }
        return sb.Append("\r\n").ToString();
    }

    // Two header lines, a chunk, then X-T0..X-T(n-1) as trailers.
    private static string Chunked(int trailers)
    {
        var sb = new StringBuilder("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n");
        for (int i = 0; i < trailers; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"X-T{i}: v{i}\r\n");
        }
        return sb.Append("\r\n").ToString();
    }

    private static string HeadersSummary(IncomingMessage q) =>
        $"keys={q.Headers.Count} raw={q.RawHeaders.Count / 2} distinct={q.HeadersDistinct.Count}";

    private static string TrailersSummary(IncomingMessage q) =>
        $"keys={q.Trailers.Count} raw={q.RawTrailers.Count / 2}";

    /// <summary>Sends <paramref name="request"/> to a server with <paramref name="setup"/> applied; returns the request's summary.</summary>
    private static async Task<string> SummaryAsync(string request, Action<Server>? setup, Func<IncomingMessage, string> summary)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((q, s) =>
        {
            q.Resume();
            q.On("end", () =>
            {
                seen.TrySetResult(summary(q));
                s.End();
            });
        }, configure: setup);
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(request);
        string response = await c.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Empty(server.Uncaught);
        return await seen.Task.Bounded();
    }

    private static Action<Server> Set(int count) => s => s.MaxHeadersCount = count;

    [Theory]
    // node: headers k=5 n=10: keys=5 raw=10 distinct=5
    [InlineData(5, 10, "keys=5 raw=10 distinct=5")]
    // node: headers k=5 n=31: keys=5 raw=31 distinct=5
    [InlineData(5, 31, "keys=5 raw=31 distinct=5")]
    // node: headers k=1 n=31: keys=1 raw=31 distinct=1
    [InlineData(1, 31, "keys=1 raw=31 distinct=1")]
    // node: headers k=100 n=70: keys=70 raw=70 distinct=70
    [InlineData(100, 70, "keys=70 raw=70 distinct=70")]
    public async Task Limit_KeepsFirstHeaders_SmallHeadWhole(int count, int lines, string expected)
    {
        Assert.Equal(expected, await SummaryAsync(Plain(lines), Set(count), HeadersSummary));
    }

    [Theory]
    // node: headers k=5 n=32: keys=5 raw=31 distinct=5
    [InlineData(5, 32, "keys=5 raw=31 distinct=5")]
    // node: headers k=1 n=32: keys=1 raw=31 distinct=1
    [InlineData(1, 32, "keys=1 raw=31 distinct=1")]
    // node: headers k=5 n=40: keys=5 raw=31 distinct=5
    [InlineData(5, 40, "keys=5 raw=31 distinct=5")]
    // node: headers k=31 n=40: keys=31 raw=31 distinct=31
    [InlineData(31, 40, "keys=31 raw=31 distinct=31")]
    // node: headers k=32 n=40: keys=32 raw=40 distinct=32
    [InlineData(32, 40, "keys=32 raw=40 distinct=32")]
    // node: headers k=31 n=62: keys=31 raw=31 distinct=31
    [InlineData(31, 62, "keys=31 raw=31 distinct=31")]
    // node: headers k=40 n=70: keys=40 raw=62 distinct=40
    [InlineData(40, 70, "keys=40 raw=62 distinct=40")]
    // node: headers k=40 n=100: keys=40 raw=62 distinct=40
    [InlineData(40, 100, "keys=40 raw=62 distinct=40")]
    // node: headers k=62 n=70: keys=62 raw=62 distinct=62
    [InlineData(62, 70, "keys=62 raw=62 distinct=62")]
    // node: headers k=63 n=100: keys=63 raw=93 distinct=63
    [InlineData(63, 100, "keys=63 raw=93 distinct=63")]
    // node: headers k=0 n=40: keys=40 raw=40 distinct=40
    [InlineData(0, 40, "keys=40 raw=40 distinct=40")]
    public async Task Limit_RawHeadersCutInBatchesOf31(int count, int lines, string expected)
    {
        Assert.Equal(expected, await SummaryAsync(Plain(lines), Set(count), HeadersSummary));
    }

    [Fact]
    public async Task Limit1000_SameAsNodeDefault()
    {
        // node (maxHeadersCount left null), 1100 lines: keys 1000 raw 1023
        Assert.Equal("keys=1000 raw=1023 distinct=1000", await SummaryAsync(Plain(1100), Set(1000), HeadersSummary));
    }

    [Fact]
    public async Task Default_Is2000()
    {
        // Node's default keeps 1000 headers (docs/differences.md); NodeHttp's is 2000.
        Assert.Equal("keys=1100 raw=1100 distinct=1100", await SummaryAsync(Plain(1100), null, HeadersSummary));
    }

    [Theory]
    // node: trailers k=5 n=10: keys=10 raw=10
    [InlineData(5, 10, "keys=10 raw=10")]
    // node: trailers k=5 n=31: keys=31 raw=31
    [InlineData(5, 31, "keys=31 raw=31")]
    // node: trailers k=1 n=31: keys=31 raw=31
    [InlineData(1, 31, "keys=31 raw=31")]
    // node: trailers k=5 n=32: keys=31 raw=31
    [InlineData(5, 32, "keys=31 raw=31")]
    // node: trailers k=1 n=32: keys=31 raw=31
    [InlineData(1, 32, "keys=31 raw=31")]
    // node: trailers k=5 n=40: keys=31 raw=31
    [InlineData(5, 40, "keys=31 raw=31")]
    // node: trailers k=31 n=40: keys=31 raw=31
    [InlineData(31, 40, "keys=31 raw=31")]
    // node: trailers k=32 n=40: keys=40 raw=40
    [InlineData(32, 40, "keys=40 raw=40")]
    // node: trailers k=31 n=62: keys=31 raw=31
    [InlineData(31, 62, "keys=31 raw=31")]
    // node: trailers k=40 n=70: keys=62 raw=62
    [InlineData(40, 70, "keys=62 raw=62")]
    // node: trailers k=40 n=100: keys=62 raw=62
    [InlineData(40, 100, "keys=62 raw=62")]
    // node: trailers k=62 n=70: keys=62 raw=62
    [InlineData(62, 70, "keys=62 raw=62")]
    // node: trailers k=63 n=100: keys=93 raw=93
    [InlineData(63, 100, "keys=93 raw=93")]
    // node: trailers k=0 n=40: keys=40 raw=40
    [InlineData(0, 40, "keys=40 raw=40")]
    // node: trailers k=100 n=70: keys=70 raw=70
    [InlineData(100, 70, "keys=70 raw=70")]
    public async Task Trailers_CutOnlyInBatchesOf31(int count, int lines, string expected)
    {
        Assert.Equal(expected, await SummaryAsync(Chunked(lines), Set(count), TrailersSummary));
    }
}
