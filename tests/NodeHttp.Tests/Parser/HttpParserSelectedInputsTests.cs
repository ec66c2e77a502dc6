using System.Text;
using Xunit.Abstractions;

namespace NodeHttp.Tests.Parser;

/// <summary>Hand-picked inputs (smuggling shapes, lenient corners) through both Node's parser and <see cref="HttpParser"/>.</summary>
public sealed class HttpParserSelectedInputsTests(ITestOutputHelper output)
{
    private static readonly (HttpParserType Type, LenientFlags Lenient, string Input)[] Inputs =
    [
        (HttpParserType.Request, LenientFlags.InsecureHttpParser, "GET / HTTP/1.1\r\nX-Nul: a\0b\r\nHost: x\nAccept: y\r\n\r\n"),
        (HttpParserType.Request, LenientFlags.InsecureHttpParser, "GET / HTTP/1.1\r\nX-Nul: a\0b\r\nHost: x\r\n\r\nGET / HTTP/1.1\nHost: y\n\n"),
        (HttpParserType.Request, LenientFlags.None, "POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        (HttpParserType.Request, LenientFlags.None, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
        (HttpParserType.Request, LenientFlags.None, "POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"),
        (HttpParserType.Request, LenientFlags.None, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"),
        (HttpParserType.Request, LenientFlags.None, "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"),
        (HttpParserType.Response, LenientFlags.None, "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc"),
        (HttpParserType.Request, LenientFlags.None, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n"),
        (HttpParserType.Request, LenientFlags.None, "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"),
        (HttpParserType.Request, LenientFlags.InsecureHttpParser, "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n"),
        (HttpParserType.Request, LenientFlags.None, "GET / HTTP/1.1\rHost: x\r\n\r\n"),
        (HttpParserType.Request, LenientFlags.None, "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"),
        (HttpParserType.Request, LenientFlags.None, "GET / HTTP/1.0\r\n\r\nGET /2 HTTP/1.1\r\n\r\n"),
        (HttpParserType.Request, LenientFlags.None, "CONNECT example.com:443 HTTP/1.1\r\n\r\ntunnel bytes"),
        (HttpParserType.Request, LenientFlags.None, "GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nframes"),
        (HttpParserType.Response, LenientFlags.None, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nframes"),
        (HttpParserType.Response, LenientFlags.None, "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"),
        (HttpParserType.Response, LenientFlags.None, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b;c=\"d\\\"e\"\r\nhello\r\n0\r\nTrailer: x\r\n\r\n"),
        (HttpParserType.Request, LenientFlags.None, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
        (HttpParserType.Request, LenientFlags.None, "GET / HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"H{i}: v{i}\r\n")) + "\r\n"),
    ];

    [Fact]
    public void AgreeWithNodesParser()
    {
        var cases = Inputs.Select(i => new DifferentialCase(i.Type, i.Lenient, HttpParser.DefaultMaxHeaderSize, [Encoding.Latin1.GetBytes(i.Input)])).ToList();
        var expected = NodeParserOracle.Run(cases, TimeSpan.FromSeconds(30));
        int bad = 0;
        for (int i = 0; i < cases.Count; i++)
        {
            var actual = NodeParserOracle.RunManaged(cases[i]);
            if (actual.Result != expected[i].Result || !actual.Events.SequenceEqual(expected[i].Events))
            {
                bad++;
                output.WriteLine($"input {i}:");
                output.WriteLine("  node:    " + expected[i].Result + " :: " + string.Join(" ; ", expected[i].Events));
                output.WriteLine("  managed: " + actual.Result + " :: " + string.Join(" ; ", actual.Events));
            }
        }
        Assert.Equal(0, bad);
    }
}
