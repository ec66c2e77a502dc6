using System.Text;

namespace NodeHttp.Tests.Parser;

/// <summary>
/// Deterministic stream of HTTP/1.x inputs for the differential run: well-formed requests and responses with every
/// framing, pipelined batches, request-smuggling shapes, then byte mutations and truncations of them.
/// </summary>
internal sealed class DifferentialCaseGenerator(int seed)
{
    private readonly Random rng = new(seed);

    private static readonly string[] Methods =
        ["GET", "GET", "GET", "POST", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "CONNECT", "M-SEARCH", "PURGE",
         "QUERY", "SOURCE", "DESCRIBE", "PRI", "GETX", "get", "PROPFIND", "GET_PARAMETER"];

    private static readonly string[] Urls =
        ["/", "/a/b?c=d&e=f#frag", "*", "http://example.com:8080/p?q", "/p%20q", "/x?y?z#a#b", "http://u:p@h/", "/\x7f",
         "/ü", "//", "/a\tb", "host:443", "[::1]:80", "/?", "/#"];

    private static readonly string[] RequestVersions =
        ["HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/0.9", "HTTP/2.0", "HTTP/1.2", "HTTP/3.0", "RTSP/1.0", "ICE/1.0", "HTTP/11", "HTTP/1.1 "];

    private static readonly string[] ResponseVersions = ["HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.5", "RTSP/1.0", "ICE/1.0", "HTTPS/1.1"];

    private static readonly string[] Statuses =
        ["200 OK", "200 OK", "204 No Content", "304 Not Modified", "100 Continue", "101 Switching Protocols", "102 Processing",
         "103 Early Hints", "404 Not Found", "500 Internal Server Error", "200", "200 ", "999 Odd", "20 Short", "2000 Long"];

    private static readonly string[] PlainHeaders =
        ["Host: example.com", "User-Agent: test/1.0", "Accept: */*", "X-Tab:\tvalue\t", "Cookie: a=b; c=d", "X-Empty:",
         "X-Spaces:   padded   ", "Accept-Encoding: gzip, deflate", "X-Obs: caf\u00e9", "X-Colon:: x", "Keep-Alive: 300",
         "Proxy-Connection: keep-alive", "Connection-Duration: 5", "Content-Type: text/plain", "Upgrade-Insecure-Requests: 1"];

    private static readonly string[] BadHeaders =
        ["X-Ctl: a\u0001b", "X-Del: a\u007fb", "Foo : bar", " Leading: space", "Bad@Name: x", "X-Fold: a\r\n b",
         "Connection : close", "Transfer-Encoding : chunked", "X-Nul: a\u0000b", "X-Lf: a\nb"];

    private static readonly string[] ConnectionValues =
        ["close", "keep-alive", "upgrade", "Keep-Alive, Upgrade", "close, foo", "CLOSE", "  keep-alive  ", "foo, close", "keep-alive,close"];

    private static readonly string[] TransferEncodings =
        ["chunked", "chunked", "gzip, chunked", "chunked, gzip", "identity", " chunked ", "CHUNKED", "chunked\t", "gzip", "chunkedx", "x, chunked,"];

    private static readonly string[] ContentLengths = ["0", "5", "1, 2", "-1", " 7 ", "18446744073709551616", "4 4", ""];

    private static readonly byte[] Interesting = [(byte)' ', (byte)'\t', (byte)'\r', (byte)'\n', (byte)':', 0, 0x7f, 0xff, (byte)'a', (byte)',', (byte)';', (byte)'"', (byte)'0', (byte)'\\'];

    public DifferentialCase Next()
    {
        bool request = rng.Next(3) != 0;
        var sb = new List<byte>();
        int messages = rng.Next(10) < 7 ? 1 : rng.Next(2, 4);
        for (int i = 0; i < messages; i++)
        {
            sb.AddRange(request ? Request() : Response());
        }
        byte[] data = [.. sb];
        int r = rng.Next(100);
        if (r < 20)
        {
            data = Mutate(data);
        }
        else if (r < 28 && data.Length > 1)
        {
            data = data[..rng.Next(1, data.Length)];
        }
        LenientFlags lenient = rng.Next(10) switch
        {
            0 => LenientFlags.InsecureHttpParser,
            1 => (LenientFlags)(1 << rng.Next(10)),
            _ => LenientFlags.None,
        };
        int max = rng.Next(10) == 0 ? rng.Next(20, 200) : HttpParser.DefaultMaxHeaderSize;
        return new DifferentialCase(request ? HttpParserType.Request : HttpParserType.Response, lenient, max, Split(data));
    }

    private byte[][] Split(byte[] data)
    {
        int pieces = data.Length < 2 ? 1 : rng.Next(1, 4);
        var cuts = Enumerable.Range(0, pieces - 1).Select(_ => rng.Next(1, data.Length)).Distinct().Order().ToList();
        var list = new List<byte[]>();
        int prev = 0;
        foreach (int c in cuts)
        {
            list.Add(data[prev..c]);
            prev = c;
        }
        list.Add(data[prev..]);
        return [.. list];
    }

    private T Pick<T>(T[] items) => items[rng.Next(items.Length)];

    private string Eol() => rng.Next(40) switch
    {
        0 when rng.Next(4) == 0 => "\n",
        1 when rng.Next(4) == 0 => "\r\r\n",
        2 when rng.Next(4) == 0 => "\r",
        _ => "\r\n",
    };

    private byte[] Request()
    {
        string method = Pick(Methods);
        if (rng.Next(3) != 0)
        {
            method = Methods[rng.Next(5)];
        }
        string url = method == "CONNECT" && rng.Next(2) == 0 ? "example.com:443" : rng.Next(3) != 0 ? Urls[rng.Next(6)] : Pick(Urls);
        string version = rng.Next(4) != 0 ? RequestVersions[rng.Next(4)] : Pick(RequestVersions);
        var head = new StringBuilder($"{method} {url} {version}{Eol()}");
        return Finish(head, isRequest: true, status: 0);
    }

    private byte[] Response()
    {
        string status = Pick(Statuses);
        string version = rng.Next(4) != 0 ? ResponseVersions[rng.Next(3)] : Pick(ResponseVersions);
        var head = new StringBuilder($"{version} {status}{(rng.Next(40) == 0 ? "\n" : "\r\n")}");
        int code = int.TryParse(status.Split(' ')[0], out int c) ? c : 0;
        return Finish(head, isRequest: false, status: code);
    }

    private byte[] Finish(StringBuilder head, bool isRequest, int status)
    {
        int headerCount = rng.Next(0, rng.Next(10) == 0 ? 40 : 6);
        for (int i = 0; i < headerCount; i++)
        {
            head.Append(rng.Next(12) == 0 ? Pick(BadHeaders) : Pick(PlainHeaders)).Append(Eol());
        }
        if (rng.Next(4) == 0)
        {
            head.Append("Connection: ").Append(Pick(ConnectionValues)).Append(Eol());
        }
        if (rng.Next(8) == 0)
        {
            head.Append("Upgrade: websocket").Append(Eol());
        }
        int framing = rng.Next(6);
        int bodyLength = rng.Next(0, 40);
        var body = new StringBuilder();
        switch (framing)
        {
            case 0:
            case 1:
                head.Append("Content-Length: ").Append(bodyLength.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(Eol());
                body.Append(RandomText(bodyLength));
                break;
            case 2:
                head.Append("Transfer-Encoding: ").Append(Pick(TransferEncodings)).Append(Eol());
                body.Append(Chunked());
                break;
            case 3:
                // Smuggling shapes: both framings, duplicates, odd values.
                switch (rng.Next(5))
                {
                    case 0:
                        head.Append("Content-Length: 5").Append(Eol()).Append("Transfer-Encoding: chunked").Append(Eol());
                        break;
                    case 1:
                        head.Append("Transfer-Encoding: chunked").Append(Eol()).Append("Content-Length: 5").Append(Eol());
                        break;
                    case 2:
                        head.Append("Content-Length: 5").Append(Eol()).Append("Content-Length: ").Append(Pick(ContentLengths)).Append(Eol());
                        break;
                    case 3:
                        head.Append("Transfer-Encoding: chunked").Append(Eol()).Append("Transfer-Encoding: ").Append(Pick(TransferEncodings)).Append(Eol());
                        break;
                    default:
                        head.Append("Content-Length: ").Append(Pick(ContentLengths)).Append(Eol());
                        break;
                }
                body.Append(rng.Next(2) == 0 ? Chunked() : RandomText(5));
                break;
            default:
                if (!isRequest && rng.Next(2) == 0)
                {
                    body.Append(RandomText(bodyLength));
                }
                break;
        }
        head.Append(Eol()).Append(body);
        return Encoding.UTF8.GetBytes(head.ToString());
    }

    private string Chunked()
    {
        var sb = new StringBuilder();
        int chunks = rng.Next(0, 4);
        for (int i = 0; i < chunks; i++)
        {
            int n = rng.Next(1, 20);
            sb.Append(n.ToString(rng.Next(2) == 0 ? "x" : "X", System.Globalization.CultureInfo.InvariantCulture));
            sb.Append(rng.Next(6) switch
            {
                0 => ";a=b",
                1 => ";name",
                2 => ";q=\"x \\\" y\"",
                3 => " ",
                _ => "",
            });
            sb.Append(Eol()).Append(RandomText(n)).Append(Eol());
        }
        sb.Append('0').Append(Eol());
        if (rng.Next(3) == 0)
        {
            sb.Append("Trailer-One: t1").Append(Eol());
        }
        sb.Append(Eol());
        return sb.ToString();
    }

    private string RandomText(int n)
    {
        var chars = new char[n];
        for (int i = 0; i < n; i++)
        {
            chars[i] = (char)rng.Next(0x20, 0x7f);
        }
        return new string(chars);
    }

    private byte[] Mutate(byte[] data)
    {
        var list = data.ToList();
        int edits = rng.Next(1, 4);
        for (int e = 0; e < edits && list.Count > 0; e++)
        {
            int at = rng.Next(list.Count);
            byte b = rng.Next(4) == 0 ? (byte)rng.Next(256) : Interesting[rng.Next(Interesting.Length)];
            switch (rng.Next(3))
            {
                case 0:
                    list[at] = b;
                    break;
                case 1:
                    list.Insert(at, b);
                    break;
                default:
                    list.RemoveAt(at);
                    break;
            }
        }
        return [.. list];
    }
}
