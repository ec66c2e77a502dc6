using System.Text;

namespace NodeHttp.Tests.Http;

/// <summary>
/// A short, deterministic run of the mutations scripts/fuzz-server.js makes (flipped bytes, CRLF games, insane
/// lengths, huge and many headers, bad chunk sizes, NULs, obs-fold, split writes), each sent with FIN: the server
/// throws nothing, closes every connection, and still serves afterwards, in both <see cref="ServerOptions.StrictRequests"/> modes.
/// </summary>
public class FuzzSeedWireTests
{
    private const int Cases = 300;

    private static readonly string[] Seeds =
    [
        "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nT: v\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: ws\r\n\r\n",
        "PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nPOST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /3 HTTP/1.1\r\nHost: a\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET http://a/x HTTP/1.1\r\nHost: a\r\n\r\n",
    ];

    private static readonly string[] Inserts =
    [
        "\r\n", "\r", "\n", " ", "\t", "\0", "\r\n ", "\r\n\t", ":", "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: \r\n",
        "Content-Length: 0\r\n", "Content-Length: 99999999999999999999\r\n", "Content-Length: 5\t\r\n", "Host: b\r\n",
        "Host: a@b\r\n", "Connection: close\r\n", "Upgrade: x\r\n", "ffffffffffffffffff\r\n", "-1\r\n", "0\r\n\r\n",
    ];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task MutatedRequests_NoExceptionNoHang_ServerStillServes(bool strict)
    {
        await using var server = await TestServer.StartAsync(
            (req, res) =>
            {
                req.On<Exception>("error", _ => { });
                req.On("end", () => res.End("ok"));
                req.Resume();
            },
            new ServerOptions { StrictRequests = strict });
        var random = new Random(20261205);
        for (int i = 0; i < Cases; i++)
        {
            byte[] bytes = Encoding.Latin1.GetBytes(Make(random));
            int split = random.Next(bytes.Length + 1);
            await using RawConnection c = await server.ConnectAsync();
            try
            {
                await c.SendAsync(bytes[..split]);
                await c.SendAsync(bytes[split..]);
                c.ShutdownSend();
            }
            catch (IOException)
            {
                // The server may close (after a 400) before the rest is sent.
            }
            try
            {
                // Bounded by RawConnection's deadline: a connection the server leaves open after FIN fails here.
                await c.ReadToEndAsync();
            }
            catch (IOException)
            {
                // A reset is an end too.
            }
            catch (TimeoutException)
            {
                Assert.Fail($"case {i} still open after FIN: {Escape(bytes)}");
            }
        }
        Assert.Empty(server.Uncaught);
        string answer = await ServerWireTests.ExchangeAsync(server.Port, "GET / HTTP/1.1\r\nHost: a\r\n\r\n", 1);
        Assert.EndsWith("\r\n\r\nok", answer, StringComparison.Ordinal);
    }

    private static string Make(Random r)
    {
        string s = Seeds[r.Next(Seeds.Length)];
        int n = 1 + r.Next(3);
        for (int i = 0; i < n; i++)
        {
            int p = r.Next(s.Length + 1);
            s = r.Next(9) switch
            {
                0 => p < s.Length ? s[..p] + (char)r.Next(256) + s[(p + 1)..] : s,
                1 => s[..p] + Inserts[r.Next(Inserts.Length)] + s[p..],
                2 => s[..p] + s[Math.Min(s.Length, p + 1 + r.Next(8))..],
                3 => s.Replace("\r\n", r.Next(2) == 0 ? "\n" : "\r", StringComparison.Ordinal),
                4 => InsertAfterStartLine(s, "X-Big: " + new string('a', r.Next(2) == 0 ? 16384 : 20000) + "\r\n"),
                5 => InsertAfterStartLine(s, string.Concat(Enumerable.Range(0, r.Next(2) == 0 ? 100 : 2100).Select(k => "X" + k + ": v\r\n"))),
                6 => s.Replace("5", r.Next(2) == 0 ? "18446744073709551616" : "-5", StringComparison.Ordinal),
                7 => s[..p],
                _ => s + Seeds[r.Next(Seeds.Length)],
            };
        }
        return s;
    }

    private static string InsertAfterStartLine(string s, string lines)
    {
        int i = s.IndexOf("\r\n", StringComparison.Ordinal);
        return i < 0 ? s : s[..(i + 2)] + lines + s[(i + 2)..];
    }

    private static string Escape(byte[] bytes) =>
        Encoding.Latin1.GetString(bytes[..Math.Min(bytes.Length, 300)]).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
