using Microsoft.Extensions.Primitives;
using NodeHttp.Tests.Http;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Scenarios from Node's <c>test-http-*.js</c> files about what a response writes, run twice: once on Node's own
/// server (the oracle), once on NodeHttp's, and the bytes compared (dates normalised).
/// </summary>
public sealed class ServerResponseTwinTests
{
    private const string Get = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    private static async Task AssertSameBytesAsync(string js, Action<IncomingMessage, ServerResponse> cs, string jsOptions = "{}", ServerOptions? options = null)
    {
        await using var oracle = await NodeHttpOracle.StartAsync(js, jsOptions);
        await using var server = await TestServer.StartAsync(cs, options);
        string expected = await ServerWireTests.ExchangeAsync(oracle.Port, Get, -1);
        string actual = await ServerWireTests.ExchangeAsync(server.Port, Get, -1);
        Assert.Equal(RawConnection.NormalizeDate(expected), RawConnection.NormalizeDate(actual));
        Assert.Empty(server.Uncaught);
    }

    // test-http-trailers / test-http-multiple-headers: an array value is one trailer line per value, except for a
    // uniqueHeaders name, whose values share one line joined with "; ".
    [Fact]
    public Task AddTrailers_sends_one_line_per_value_and_joins_unique_headers() => AssertSameBytesAsync(
        "res.write('a'); res.addTrailers([['x-a', ['1', '2']], ['x-u', ['p', 'q']], ['x-one', ['z']], ['x-s', 's']]); res.end('b')",
        (q, s) =>
        {
            s.Write("a");
            s.AddTrailers([
                new("x-a", new StringValues(["1", "2"])),
                new("x-u", new StringValues(["p", "q"])),
                new("x-one", new StringValues(["z"])),
                new("x-s", "s"),
            ]);
            s.End("b");
        },
        "{ uniqueHeaders: ['x-u'] }",
        new ServerOptions { UniqueHeaders = ["x-u"] });

    // test-http-early-hints and test-http-early-hints-invalid-argument: no link or an empty list writes nothing;
    // a link not of the form "</a.css>; rel=preload" throws ERR_INVALID_ARG_VALUE; valid links are joined.
    [Fact]
    public Task WriteEarlyHints_validates_links_and_skips_empty_ones() => AssertSameBytesAsync(
        """
        const codes = [];
        for (const h of [{}, { link: [] }, { link: 'bad' }, { link: ['</a>; rel=preload', 'x'] }, { link: '</a>; rel="preload" ;as=style' }]) {
          try { res.writeEarlyHints(h); codes.push('ok'); } catch (e) { codes.push(e.code); }
        }
        res.writeEarlyHints({ link: ['</s.css>; rel=preload; as=style', '</j.js>; rel=preload'], 'x-extra': 'e' });
        res.end(codes.join(','));
        """,
        (q, s) =>
        {
            var codes = new List<string>();
            KeyValuePair<string, StringValues>[][] attempts =
            [
                [],
                [new("link", StringValues.Empty)],
                [new("link", "bad")],
                [new("link", new StringValues(["</a>; rel=preload", "x"]))],
                [new("link", "</a>; rel=\"preload\" ;as=style")],
            ];
            foreach (KeyValuePair<string, StringValues>[] hints in attempts)
            {
                try
                {
                    s.WriteEarlyHints(hints);
                    codes.Add("ok");
                }
                catch (NodeHttpException e)
                {
                    codes.Add(e.Code);
                }
            }
            s.WriteEarlyHints([new("link", new StringValues(["</s.css>; rel=preload; as=style", "</j.js>; rel=preload"])), new("x-extra", "e")]);
            s.End(string.Join(",", codes));
        });

    // test-http-socket-encoding-error: the server's socket belongs to the parser; setEncoding throws.
    [Fact]
    public Task SetEncoding_on_the_server_socket_throws_ERR_HTTP_SOCKET_ENCODING() => AssertSameBytesAsync(
        "try { req.socket.setEncoding('utf8'); res.end('set'); } catch (e) { res.end(e.code + ': ' + e.message); }",
        (q, s) =>
        {
            try
            {
                q.Socket!.SetEncoding("utf8");
                s.End("set");
            }
            catch (NodeHttpException e)
            {
                s.End(e.Code + ": " + e.Message);
            }
        });
}
