using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace NodeHttp.Benchmarks;

/// <summary>
/// <see cref="HttpParser"/> throughput: llhttp's own benchmark request (bench/native.ts, the seanmonstar/httparse
/// sample), a pipelined batch of small requests and a chunked response. One operation parses one input; the
/// ns/message and GB/s columns divide by the messages and bytes in it.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ThroughputConfig))]
public class ParserBenchmarks
{
    /// <summary>llhttp bench/native.ts "seanmonstar/httparse": 703 bytes.</summary>
    public static readonly byte[] BrowserRequest = Encoding.ASCII.GetBytes(
        "GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n" +
        "Host: www.kittyhell.com\r\n" +
        "User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n" +
        "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
        "Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n" +
        "Accept-Encoding: gzip,deflate\r\n" +
        "Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n" +
        "Keep-Alive: 115\r\n" +
        "Connection: keep-alive\r\n" +
        "Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; __utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; __utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral\r\n\r\n");

    /// <summary>Small requests in the count of <see cref="PipelinedCount"/>, as a keep-alive client pipelines them.</summary>
    public const int PipelinedCount = 16;

    public static readonly byte[] PipelinedRequests = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(
        "GET /plaintext HTTP/1.1\r\nHost: localhost:8080\r\nAccept: text/plain\r\nConnection: keep-alive\r\n\r\n", PipelinedCount)));

    /// <summary>A chunked response: 8 chunks of 512 bytes, one with an extension, and a trailer.</summary>
    public static readonly byte[] ChunkedResponse = BuildChunked();

    private readonly HttpParser requestParser = new(HttpParserType.Request);
    private readonly HttpParser responseParser = new(HttpParserType.Response);

    private static byte[] BuildChunked()
    {
        var sb = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 8; i++)
        {
            sb.Append(i == 3 ? "200;name=value\r\n" : "200\r\n").Append('x', 512).Append("\r\n");
        }
        sb.Append("0\r\nX-Checksum: 1234\r\n\r\n");
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    /// <summary>The 703-byte browser request.</summary>
    [Benchmark(Baseline = true)]
    [BenchmarkCategory("messages=1")]
    public int BrowserRequest703()
    {
        var cb = new CountingCallbacks();
        requestParser.Execute(BrowserRequest, ref cb);
        return cb.Messages;
    }

    /// <summary>16 pipelined small requests in one input.</summary>
    [Benchmark(OperationsPerInvoke = 1)]
    [BenchmarkCategory("messages=16")]
    public int Pipelined16()
    {
        var cb = new CountingCallbacks();
        requestParser.Execute(PipelinedRequests, ref cb);
        return cb.Messages;
    }

    /// <summary>A 4 KiB chunked response with trailer.</summary>
    [Benchmark]
    [BenchmarkCategory("messages=1")]
    public int ChunkedResponse4K()
    {
        var cb = new CountingCallbacks();
        responseParser.Execute(ChunkedResponse, ref cb);
        return cb.Messages;
    }

    /// <summary>What an http layer's callbacks do at least: look at every span once.</summary>
    private struct CountingCallbacks : IHttpParserCallbacks
    {
        public int Messages;
        public int Bytes;

        public HpeCode OnMessageBegin() => HpeCode.Ok;
        public HpeCode OnReset() => HpeCode.Ok;
        public HpeCode OnMethod(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnMethodComplete() => HpeCode.Ok;
        public HpeCode OnUrl(ReadOnlySpan<byte> data) { Bytes += data.Length; return HpeCode.Ok; }
        public HpeCode OnUrlComplete() => HpeCode.Ok;
        public HpeCode OnProtocol(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnProtocolComplete() => HpeCode.Ok;
        public HpeCode OnVersion(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnVersionComplete() => HpeCode.Ok;
        public HpeCode OnStatus(ReadOnlySpan<byte> data) { Bytes += data.Length; return HpeCode.Ok; }
        public HpeCode OnStatusComplete() => HpeCode.Ok;
        public HpeCode OnHeaderField(ReadOnlySpan<byte> data) { Bytes += data.Length; return HpeCode.Ok; }
        public HpeCode OnHeaderFieldComplete() => HpeCode.Ok;
        public HpeCode OnHeaderValue(ReadOnlySpan<byte> data) { Bytes += data.Length; return HpeCode.Ok; }
        public HpeCode OnHeaderValueComplete() => HpeCode.Ok;
        public HeadersCompleteAction OnHeadersComplete(HttpParser parser) => HeadersCompleteAction.Continue;
        public HpeCode OnBody(ReadOnlySpan<byte> data) { Bytes += data.Length; return HpeCode.Ok; }
        public HpeCode OnChunkHeader() => HpeCode.Ok;
        public HpeCode OnChunkExtensionName(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnChunkExtensionNameComplete() => HpeCode.Ok;
        public HpeCode OnChunkExtensionValue(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnChunkExtensionValueComplete() => HpeCode.Ok;
        public HpeCode OnChunkComplete() => HpeCode.Ok;
        public HpeCode OnMessageComplete() { Messages++; return HpeCode.Ok; }
    }

    /// <summary>Adds ns/message and GB/s next to BenchmarkDotNet's mean.</summary>
    private sealed class ThroughputConfig : ManualConfig
    {
        public ThroughputConfig()
        {
            AddColumn(new PerInputColumn("ns/message", (name, ns) => ns / Messages(name)));
            AddColumn(new PerInputColumn("GB/s", (name, ns) => InputBytes(name) / ns));
        }

        private static int Messages(string name) => name.StartsWith("Pipelined", StringComparison.Ordinal) ? PipelinedCount : 1;

        private static double InputBytes(string name) => name switch
        {
            _ when name.StartsWith("Browser", StringComparison.Ordinal) => BrowserRequest.Length,
            _ when name.StartsWith("Pipelined", StringComparison.Ordinal) => PipelinedRequests.Length,
            _ => ChunkedResponse.Length,
        };
    }

    private sealed class PerInputColumn(string name, Func<string, double, double> compute) : IColumn
    {
        public string Id => "NodeHttp." + name;
        public string ColumnName => name;
        public bool AlwaysShow => true;
        public ColumnCategory Category => ColumnCategory.Custom;
        public int PriorityInCategory => 0;
        public bool IsNumeric => true;
        public UnitType UnitType => UnitType.Dimensionless;
        public string Legend => name == "GB/s" ? "input bytes per nanosecond" : "mean time divided by messages in the input";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
        {
            var report = summary[benchmarkCase];
            if (report?.ResultStatistics is not { } stats)
            {
                return "NA";
            }
            return compute(benchmarkCase.Descriptor.WorkloadMethod.Name, stats.Mean).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
        }

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);
        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
        public bool IsAvailable(Summary summary) => true;
    }
}
