using System.Text;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Node's tests of what a client request sends and what its response delivers (encodings, bodies, framing headers,
/// HEAD, malformed responses): each scenario runs in Node (scenarios/client-message.js) and here.
/// </summary>
public sealed class ClientMessageTwinTests(ClientMessageTwinTests.Node node) : IClassFixture<ClientMessageTwinTests.Node>
{
    /// <summary>The Node process that runs scenarios/client-message.js.</summary>
    public sealed class Node() : NodeScenarioHost("client-message.js");

    private static RequestOptions To(int port, string? method = null, string? path = null) => new()
    {
        Host = "127.0.0.1",
        Port = port,
        UseAgent = false,
        Method = method,
        Path = path,
    };

    // Node's fetchText: a request on a one-use agent whose response is read as UTF-8 text.
    private static ClientRequest FetchText(RequestOptions options, Action<IncomingMessage, string> onBody) =>
        NodeHttp.Http.Request(options, res => Twin.ReadText(res, b => onBody(res, b)));

    private static string Header(HeaderMap headers, string name, string missing = "-") =>
        headers.TryGetValue(name, out var v) ? v.ToString() : missing;

    [Fact]
    public Task Http_client_encoding() => Twin.CheckAsync(node, "client-encoding", "string:café 日本", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End("café 日本"));
        Twin.Listen(server, port => NodeHttp.Http.Get(To(port), res =>
        {
            res.SetEncoding("utf8");
            var text = new StringBuilder();
            // A listener typed for strings: a Buffer chunk would be refused with an error.
            res.On<string>("data", d => text.Append(d));
            res.On("end", () => { server.Close(); done("string:" + text); });
        }));
    });

    [Fact]
    public Task Http_default_encoding() => Twin.CheckAsync(node, "default-encoding", "12:ümläut ✓", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) => Twin.ReadText(q, b => s.End(Encoding.UTF8.GetByteCount(b) + ":" + b)));
        Twin.Listen(server, port =>
        {
            ClientRequest req = FetchText(To(port, "POST"), (_, b) => { server.Close(); done(b); });
            req.Write("ümläut ");
            req.End("✓");
        });
    });

    [Fact]
    public Task Http_hex_write() => Twin.CheckAsync(node, "hex-write", "hello wörld", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => { s.Write("68656c6c6f", "hex"); s.End(" wörld"); });
        Twin.Listen(server, port => FetchText(To(port), (_, b) => { server.Close(); done(b); }).End());
    });

    [Fact]
    public Task Http_chunked() => Twin.CheckAsync(node, "chunked", "chunked same=true length=100000", done =>
    {
        string text = string.Concat(Enumerable.Repeat("ü日本語 ", 20000));
        Server server = NodeHttp.Http.CreateServer((_, s) => { s.WriteHead(200, [new("content-type", "text/plain")]); s.End(text, "utf8"); });
        Twin.Listen(server, port => FetchText(To(port), (res, b) =>
        {
            server.Close();
            done(Header(res.Headers, "transfer-encoding") + " same=" + Twin.B(b == text) + " length=" + b.Length);
        }).End());
    });

    [Fact]
    public Task Http_head_request() => Twin.CheckAsync(node, "head-request", "/implicit:200:-:-:0 /explicit:200:-:-:0 /empty:200:-:-:0 /length:200:4:-:0", done =>
    {
        var handlers = new Dictionary<string, Action<ServerResponse>>
        {
            ["/implicit"] = s => s.End("FAIL"),
            ["/explicit"] = s => { s.WriteHead(200); s.End("FAIL"); },
            ["/empty"] = s => { s.WriteHead(200); s.End(); },
            ["/length"] = s => { s.WriteHead(200, [new("content-length", "4")]); s.End(); },
        };
        Server server = NodeHttp.Http.CreateServer((q, s) => handlers[q.Url!](s));
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            string[] paths = [.. handlers.Keys];
            void Next(int i)
            {
                if (i == paths.Length)
                {
                    server.Close();
                    done(string.Join(" ", log));
                    return;
                }
                FetchText(To(port, "HEAD", paths[i]), (res, b) =>
                {
                    log.Add($"{paths[i]}:{res.StatusCode}:{Header(res.Headers, "content-length")}:{Header(res.Headers, "transfer-encoding")}:{b.Length}");
                    Next(i + 1);
                }).End();
            }
            Next(0);
        });
    });

    [Fact]
    public Task Http_header_read() => Twin.CheckAsync(node, "header-read", "false true one one", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) =>
        {
            s.SetHeader("x-a", "one");
            bool before = s.HeadersSent;
            s.WriteHead(200);
            s.End(Twin.B(before) + " " + Twin.B(s.HeadersSent) + " " + s.GetHeader("x-a"));
        });
        Twin.Listen(server, port => FetchText(To(port), (res, b) => { server.Close(); done(b + " " + Header(res.Headers, "x-a")); }).End());
    });

    [Fact]
    public Task Http_automatic_headers() => Twin.CheckAsync(node, "automatic-headers", "foo,bar,baz,string,keep-alive,0", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) =>
        {
            s.SetHeader("X-Date", "foo");
            s.SetHeader("X-Connection", "bar");
            s.SetHeader("X-Content-Length", "baz");
            s.End();
        });
        Twin.Listen(server, port =>
        {
            var agent = new Agent(new AgentOptions { KeepAlive = true });
            RequestOptions options = To(port);
            options.UseAgent = true;
            options.Agent = agent;
            FetchText(options, (res, _) =>
            {
                agent.Destroy();
                server.Close();
                HeaderMap h = res.Headers;
                done(string.Join(",", Header(h, "x-date"), Header(h, "x-connection"), Header(h, "x-content-length"),
                    h.ContainsKey("date") ? "string" : "undefined", Header(h, "connection"), Header(h, "content-length")));
            }).End();
        });
    });

    [Fact]
    public Task Http_content_length() => Twin.CheckAsync(node, "content-length",
        "/empty req:te=- cl=0 res:connection=keep-alive;content-length=0;keep-alive=timeout=1 | "
        + "/end-with-data req:te=- cl=11 res:connection=keep-alive;content-length=11;keep-alive=timeout=1 | "
        + "/multiple-writes req:te=chunked cl=- res:connection=keep-alive;keep-alive=timeout=1;transfer-encoding=chunked", done =>
    {
        var seen = new Dictionary<string, string>();
        Server server = NodeHttp.Http.CreateServer((q, s) =>
        {
            s.RemoveHeader("Date");
            s.SetHeader("Keep-Alive", "timeout=1");
            seen[q.Url!] = "te=" + Header(q.Headers, "transfer-encoding") + " cl=" + Header(q.Headers, "content-length");
            q.Resume();
            switch (q.Url)
            {
                case "/multiple-writes":
                    s.Write("hello");
                    s.End("world");
                    break;
                case "/end-with-data":
                    s.End("hello world");
                    break;
                default:
                    s.End();
                    break;
            }
        });
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            var shapes = new Dictionary<string, Action<ClientRequest>>
            {
                ["/multiple-writes"] = r => { r.Write("hello "); r.End("world"); },
                ["/end-with-data"] = r => r.End("hello world"),
                ["/empty"] = r => r.End(),
            };
            foreach ((string path, Action<ClientRequest> shape) in shapes)
            {
                var options = new RequestOptions { Host = "127.0.0.1", Port = port, Method = "POST", Path = path };
                ClientRequest req = NodeHttp.Http.Request(options);
                req.RemoveHeader("Date");
                req.On<IncomingMessage>("response", res =>
                {
                    res.Resume();
                    log.Add(path + " req:" + seen[path] + " res:" + string.Join(";", res.Headers.Keys.Order(StringComparer.Ordinal).Select(k => k + "=" + res.Headers[k])));
                    if (log.Count == 3)
                    {
                        server.Close();
                        log.Sort(StringComparer.Ordinal);
                        done(string.Join(" | ", log));
                    }
                });
                shape(req);
            }
        });
    });

    [Fact]
    public Task Http_date_header() => Twin.CheckAsync(node, "date-header", "request-date=undefined response-date=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) => s.End(Header(q.Headers, "date", "undefined")));
        Twin.Listen(server, port => FetchText(To(port), (res, b) =>
        {
            server.Close();
            bool shaped = System.Text.RegularExpressions.Regex.IsMatch(Header(res.Headers, "date"), @"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$");
            done("request-date=" + b + " response-date=" + Twin.B(shaped));
        }).End());
    });

    [Fact]
    public Task Http_contentLength0() => Twin.CheckAsync(node, "contentLength0", "status=200 length=\"0\"", done =>
        RawReply.Start("HTTP/1.1 200 OK\r\nContent-Length: 0 \r\nConnection: close\r\n\r\n", (port, server) =>
        {
            ClientRequest req = NodeHttp.Http.Get(To(port), res =>
            {
                res.Resume();
                res.On("end", () => { server.CloseAll(); done("status=" + res.StatusCode + " length=\"" + Header(res.Headers, "content-length") + "\""); });
            });
            req.On<Exception>("error", e => { server.CloseAll(); done("error " + Twin.Code(e)); });
        }));

    [Theory]
    [InlineData("client-error-rawbytes", "HTTP/1.1 200 OK\r\nContent-Length: 6\r\nTransfer-Encoding: Chunked\r\n\r\n6\r\nfoobar0\r\n",
        "HPE_INVALID_TRANSFER_ENCODING | Parse Error: Transfer-Encoding can't be present with Content-Length | bytesParsed>=true <true | raw=true")]
    [InlineData("client-reject-chunked-with-content-length", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        "HPE_INVALID_CONTENT_LENGTH | Parse Error: Content-Length can't be present with Transfer-Encoding | bytesParsed>=true <true | raw=true")]
    [InlineData("client-reject-cr-no-lf", "HTTP/1.1 200 OK\r\nFoo: Bar\rContent-Length: 1\r\n\r\n",
        "HPE_LF_EXPECTED | Parse Error: Missing expected LF after header value | bytesParsed>=true <true | raw=true")]
    public Task Http_client_parse_errors(string name, string reply, string expected) => Twin.CheckAsync(node, name, expected, done =>
        RawReply.Start(reply, (port, server) =>
        {
            ClientRequest req = NodeHttp.Http.Get(To(port), _ => done("response"));
            req.On<Exception>("error", e =>
            {
                server.CloseAll();
                var n = (NodeHttpException)e;
                string raw = n.RawPacket is { } p ? Twin.B(p.ToString("latin1") == reply) : "none";
                int parsed = n.BytesParsed ?? -1;
                done($"{n.Code} | {n.Message} | bytesParsed>={Twin.B(parsed >= reply.IndexOf("Transfer-Encoding", StringComparison.Ordinal))} <{Twin.B(parsed < reply.Length)} | raw={raw}");
            });
        }));

    [Fact]
    public Task Http_client_upload() => Twin.CheckAsync(node, "client-upload", "got \"1\\n2\\n3\\n\" chunked", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) => Twin.ReadText(q, b =>
            s.End("got \"" + b.Replace("\n", "\\n", StringComparison.Ordinal) + "\" " + Header(q.Headers, "transfer-encoding"))));
        Twin.Listen(server, port =>
        {
            ClientRequest req = FetchText(To(port, "POST"), (_, b) => { server.Close(); done(b); });
            req.Write("1\n");
            req.Write("2\n");
            req.Write("3\n");
            req.End();
        });
    });

    [Fact]
    public Task Http_client_upload_buf() => Twin.CheckAsync(node, "client-upload-buf", "counted 1048576", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) =>
        {
            long n = 0;
            q.On<NodeBuffer>("data", d => n += d.Length);
            q.On("end", () => s.End("counted " + n));
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = FetchText(To(port, "POST"), (_, b) => { server.Close(); done(b); });
            byte[] body = new byte[1024 * 1024];
            Array.Fill(body, (byte)'a');
            req.End((ReadOnlyMemory<byte>)body);
        });
    });

    [Fact]
    public Task Http_buffer_sanity() => Twin.CheckAsync(node, "buffer-sanity", "bytes=3145735 bad=0", done =>
    {
        const int N = (3 * 1024 * 1024) + 7;
        Server server = NodeHttp.Http.CreateServer((q, s) =>
        {
            int i = 0, bad = 0;
            q.On<NodeBuffer>("data", d =>
            {
                foreach (byte b in d.Span)
                {
                    if (b != i % 251)
                    {
                        bad++;
                    }
                    i++;
                }
            });
            q.On("end", () => s.End("bytes=" + i + " bad=" + bad));
        });
        Twin.Listen(server, port =>
        {
            ClientRequest req = FetchText(To(port, "POST"), (_, b) => { server.Close(); done(b); });
            byte[] body = new byte[N];
            for (int i = 0; i < N; i++)
            {
                body[i] = (byte)(i % 251);
            }
            req.End((ReadOnlyMemory<byte>)body);
        });
    });

    [Fact]
    public Task Http_client_race() => Twin.CheckAsync(node, "client-race", "first body|second, longer body", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) => s.End(q.Url == "/1" ? "first body" : "second, longer body"));
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            var first = new RequestOptions { Host = "127.0.0.1", Port = port, Path = "/1" };
            NodeHttp.Http.Get(first, res => Twin.ReadText(res, b =>
            {
                log.Add(b);
                var second = new RequestOptions { Host = "127.0.0.1", Port = port, Path = "/2" };
                NodeHttp.Http.Get(second, res2 => Twin.ReadText(res2, b2 =>
                {
                    log.Add(b2);
                    server.Close();
                    done(string.Join("|", log));
                }));
            }));
        });
    });

    [Fact]
    public Task Http_allow_req_after_204_res() => Twin.CheckAsync(node, "allow-req-after-204-res", "204,200:after", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) =>
        {
            s.WriteHead(q.Url == "/204" ? 204 : 200);
            if (q.Url == "/204")
            {
                s.End();
            }
            else
            {
                s.End("after");
            }
        });
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Path = "/204" }, res =>
            {
                log.Add(res.StatusCode + "");
                res.Resume();
                res.On("end", () => NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Path = "/200" }, res2 => Twin.ReadText(res2, b =>
                {
                    log.Add(res2.StatusCode + ":" + b);
                    server.Close();
                    done(string.Join(",", log));
                })));
            });
        });
    });

    [Fact]
    public Task Http_allow_content_length_304() => Twin.CheckAsync(node, "allow-content-length-304", "304:10,end", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => { s.WriteHead(304, [new("Content-Length", "10")]); s.End(); });
        Twin.Listen(server, port => NodeHttp.Http.Get(To(port), res =>
        {
            var ev = new List<string> { res.StatusCode + ":" + Header(res.Headers, "content-length") };
            res.On<NodeBuffer>("data", _ => ev.Add("data"));
            res.On("aborted", () => ev.Add("aborted"));
            res.On("end", () => { ev.Add("end"); server.Close(); done(string.Join(",", ev)); });
        }));
    });

    [Fact]
    public Task Http_chunked_304() => Twin.CheckAsync(node, "chunked-304", "204 terminator=false close=true te=true | 304 terminator=false close=true te=true", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) => { s.WriteHead(int.Parse(q.Url![1..], System.Globalization.CultureInfo.InvariantCulture), [new("Transfer-Encoding", "chunked")]); s.End(); });
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            void Next(int[] codes)
            {
                if (codes.Length == 0)
                {
                    server.Close();
                    done(string.Join(" | ", log));
                    return;
                }
                var got = new StringBuilder();
                Socket? c = null;
                c = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () => c!.Write("GET /" + codes[0] + " HTTP/1.1\r\nHost: x\r\n\r\n"));
                c.SetEncoding("latin1");
                c.On<string>("data", d => got.Append(d));
                c.On("end", () =>
                {
                    string g = got.ToString();
                    log.Add(codes[0] + " terminator=" + Twin.B(g.Contains("0\r\n\r\n", StringComparison.Ordinal))
                        + " close=" + Twin.B(g.Contains("\r\nConnection: close\r\n", StringComparison.OrdinalIgnoreCase))
                        + " te=" + Twin.B(g.Contains("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)));
                    Next(codes[1..]);
                });
            }
            Next([204, 304]);
        });
    });

    [Fact]
    public Task Http_expect_handling() => Twin.CheckAsync(node, "expect-handling", "417 Expectation Failed body=\"\"", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End("handler"));
        Twin.Listen(server, port =>
        {
            RequestOptions options = To(port);
            options.Headers = [new("Expect", "meoww")];
            FetchText(options, (res, b) => { server.Close(); done(res.StatusCode + " " + res.StatusMessage + " body=\"" + b + "\""); }).End();
        });
    });

    [Fact]
    public Task Http_flush_headers() => Twin.CheckAsync(node, "flush-headers", "foo=bar ended=false", done =>
    {
        ClientRequest? clientReq = null;
        Server server = NodeHttp.Http.CreateServer((q, s) => s.End("foo=" + Header(q.Headers, "foo", "undefined") + " ended=" + Twin.B(clientReq!.WritableEnded)));
        Twin.Listen(server, port =>
        {
            RequestOptions options = To(port);
            options.Headers = [new("foo", "bar")];
            clientReq = FetchText(options, (_, b) => { server.Close(); done(b); });
            clientReq.FlushHeaders();
            server.Once<IncomingMessage, ServerResponse>("request", (_, _) => clientReq.End());
        });
    });

    [Fact]
    public Task Http_flush_response_headers() => Twin.CheckAsync(node, "flush-response-headers", "server-ended-at-response=false foo=bar", done =>
    {
        ServerResponse? response = null;
        Server server = NodeHttp.Http.CreateServer((_, s) =>
        {
            response = s;
            s.WriteHead(200, [new("foo", "bar")]);
            s.FlushHeaders();
            s.FlushHeaders();
        });
        Twin.Listen(server, port => NodeHttp.Http.Get(To(port), res =>
        {
            bool ended = response!.WritableEnded;
            res.Resume();
            res.On("end", () => { server.Close(); done("server-ended-at-response=" + Twin.B(ended) + " foo=" + Header(res.Headers, "foo")); });
            response!.End();
        }));
    });

    [Fact]
    public Task Http_information_headers() => Twin.CheckAsync(node, "information-headers", "information:102:Processing:1.1:{\"foo\":\"Bar\"}:[\"Foo\",\"Bar\"] response:200", done =>
        RawReply.Start("HTTP/1.1 102 Processing\r\nFoo: Bar\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", (port, server) =>
        {
            var ev = new List<string>();
            ClientRequest req = NodeHttp.Http.Get(To(port), res =>
            {
                ev.Add("response:" + res.StatusCode);
                res.Resume();
                res.On("end", () => { server.CloseAll(); done(string.Join(" ", ev)); });
            });
            req.On<InformationEvent>("information", i => ev.Add(
                $"information:{i.StatusCode}:{i.StatusMessage}:{i.HttpVersion}:{{{string.Join(",", i.Headers.Select(h => "\"" + h.Key + "\":\"" + h.Value + "\""))}}}:[{string.Join(",", i.RawHeaders.Select(r => "\"" + r + "\""))}]"));
        }));

    [Fact]
    public Task Http_header_obstext() => Twin.CheckAsync(node, "header-obstext", "200 44fc7373656c646f7266", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) => s.End(Convert.ToHexString(Encoding.Latin1.GetBytes(q.Headers["x-city"].ToString())).ToLowerInvariant()));
        Twin.Listen(server, port =>
        {
            RequestOptions options = To(port);
            options.Headers = [new("X-City", "Düsseldorf")];
            FetchText(options, (res, b) => { server.Close(); done(res.StatusCode + " " + b); }).End();
        });
    });

    [Fact]
    public Task Http_client_request_options() => Twin.CheckAsync(node, "client-request-options", "GET /path?q=1 b", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) => s.End(q.Method + " " + q.Url + " " + Header(q.Headers, "x-a")));
        Twin.Listen(server, port =>
        {
            var options = new RequestOptions { Headers = [new("x-a", "b")], UseAgent = false };
            NodeHttp.Http.Request("http://127.0.0.1:" + port + "/path?q=1", options, res => Twin.ReadText(res, b => { server.Close(); done(b); })).End();
        });
    });

    [Fact]
    public Task Http_client_get_url() => Twin.CheckAsync(node, "client-get-url", "GET /foo?bar", done =>
    {
        Server server = NodeHttp.Http.CreateServer((q, s) => s.End(q.Method + " " + q.Url));
        Twin.Listen(server, port => NodeHttp.Http.Get("http://127.0.0.1:" + port + "/foo?bar", res => Twin.ReadText(res, b =>
        {
            server.Close();
            done(b);
        })));
    });

    [Fact]
    public Task Http_decoded_auth() => Twin.CheckAsync(node, "decoded-auth",
        "Basic dGVzdEB0ZXN0IjoxMjM0NTZe Basic dGVzdEB0ZXN0OjEyMzQ1Ng== Basic bm90Omdvb2Q6Z29k Basic bm90Imdvb2Q6Z15vZA== Basic dGVzdDEyMzQ6Ojo6Om15cGFzcw==", done =>
    {
        (string User, string Pass)[] cases = [("test@test\"", "123456^"), ("test%40test", "123456"), ("not%3Agood", "god"), ("not%22good", "g%5Eod"), ("test1234::::", "mypass")];
        var got = new List<string>();
        Server server = NodeHttp.Http.CreateServer((q, s) => { got.Add(Header(q.Headers, "authorization")); s.End(); });
        Twin.Listen(server, port =>
        {
            void Next(int i)
            {
                if (i == cases.Length)
                {
                    server.Close();
                    done(string.Join(" ", got));
                    return;
                }
                try
                {
                    NodeHttp.Http.Get("http://" + cases[i].User + ":" + cases[i].Pass + "@127.0.0.1:" + port + "/", res =>
                    {
                        res.Resume();
                        res.On("end", () => Next(i + 1));
                    }).On<Exception>("error", e => { got.Add("error:" + Twin.Code(e)); Next(i + 1); });
                }
                catch (Exception e)
                {
                    got.Add("threw:" + Twin.Code(e));
                    Next(i + 1);
                }
            }
            Next(0);
        });
    });

    [Fact]
    public Task Http_client_res_destroyed() => Twin.CheckAsync(node, "client-res-destroyed", "reading=false,closed=true,after-destroy=true,close", done =>
    {
        Server server = NodeHttp.Http.CreateServer((_, s) => s.End("body"));
        Twin.Listen(server, port =>
        {
            var log = new List<string>();
            NodeHttp.Http.Get(To(port), res =>
            {
                log.Add("reading=" + Twin.B(res.Destroyed));
                res.On("close", () =>
                {
                    log.Add("closed=" + Twin.B(res.Destroyed));
                    NodeHttp.Http.Get(To(port), res2 =>
                    {
                        res2.Destroy();
                        log.Add("after-destroy=" + Twin.B(res2.Destroyed));
                        res2.On("close", () => { log.Add("close"); server.Close(); done(string.Join(",", log)); });
                    });
                });
                res.Resume();
            });
        });
    });

    [Fact]
    public Task Http_client_default_headers_exist() => Twin.CheckAsync(node, "client-default-headers-exist",
        "DELETE:connection+host GET:connection+host HEAD:connection+host OPTIONS:connection+host POST:connection+content-length+host PUT:connection+content-length+host TRACE:connection+host", done =>
    {
        var got = new List<string>();
        NetServer server = NodeHttp.Net.CreateServer(s =>
        {
            var head = new StringBuilder();
            s.SetEncoding("latin1");
            s.On<string>("data", d =>
            {
                head.Append(d);
                string h = head.ToString();
                if (!h.Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    return;
                }
                string[] lines = h.Split("\r\n");
                got.Add(lines[0].Split(' ')[0] + ":" + string.Join("+", lines.Skip(1).Where(l => l.Length > 0).Select(l => l.Split(':')[0].ToLowerInvariant()).Order(StringComparer.Ordinal)));
                s.End("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            });
        });
        Twin.Listen(server, port =>
        {
            string[] methods = ["DELETE", "GET", "HEAD", "OPTIONS", "TRACE", "POST", "PUT"];
            int n = 0;
            foreach (string method in methods)
            {
                NodeHttp.Http.Request(new RequestOptions { Host = "127.0.0.1", Port = port, Method = method }, res =>
                {
                    res.Resume();
                    res.On("end", () =>
                    {
                        if (++n == methods.Length)
                        {
                            server.Close();
                            got.Sort(StringComparer.Ordinal);
                            done(string.Join(" ", got));
                        }
                    });
                }).End();
            }
        });
    });

    [Fact]
    public Task Http_host_headers() => Twin.CheckAsync(node, "host-headers", "DELETE=127.0.0.1:PORT GET=127.0.0.1:PORT HEAD=127.0.0.1:PORT POST=127.0.0.1:PORT PUT=127.0.0.1:PORT", done =>
    {
        var got = new List<string>();
        int port0 = 0;
        Server server = NodeHttp.Http.CreateServer((q, s) =>
        {
            got.Add(q.Method + "=" + Header(q.Headers, "host").Replace(port0.ToString(System.Globalization.CultureInfo.InvariantCulture), "PORT", StringComparison.Ordinal));
            s.End();
        });
        Twin.Listen(server, port =>
        {
            port0 = port;
            string[] methods = ["GET", "HEAD", "POST", "PUT", "DELETE"];
            int n = 0;
            foreach (string method in methods)
            {
                NodeHttp.Http.Request(To(port, method), res =>
                {
                    res.Resume();
                    res.On("end", () =>
                    {
                        if (++n == methods.Length)
                        {
                            server.Close();
                            got.Sort(StringComparer.Ordinal);
                            done(string.Join(" ", got));
                        }
                    });
                }).End();
            }
        });
    });

    [Fact]
    public Task Http_byteswritten() => Twin.CheckAsync(node, "byteswritten", "body=1572864 bytesWritten>body=true", done =>
    {
        long written = -1;
        Server server = NodeHttp.Http.CreateServer((_, s) =>
        {
            Socket socket = s.Socket!;
            s.On("finish", () => written = socket.BytesWritten);
            string piece = new('x', 1024);
            for (int i = 0; i < 512; i++)
            {
                s.Write(piece);
            }
            byte[] ys = new byte[1024];
            Array.Fill(ys, (byte)'y');
            for (int i = 0; i < 512; i++)
            {
                s.Write(ys);
            }
            s.Write(new string('é', 256 * 1024));
            s.End();
        });
        Twin.Listen(server, port => NodeHttp.Http.Get(To(port), res =>
        {
            long n = 0;
            res.On<NodeBuffer>("data", d => n += d.Length);
            res.On("end", () => { server.Close(); done("body=" + n + " bytesWritten>body=" + Twin.B(written > n)); });
        }));
    });

    /// <summary>Node's rawReply: a net server answering each connection's first bytes with fixed bytes.</summary>
    private sealed class RawReply
    {
        private readonly List<Socket> sockets = new();
        private NetServer server = null!;

        public static void Start(string reply, Action<int, RawReply> onPort)
        {
            var r = new RawReply();
            r.server = NodeHttp.Net.CreateServer(s =>
            {
                r.sockets.Add(s);
                s.On<Exception>("error", _ => { });
                s.Once<NodeBuffer>("data", _ => s.Write(NodeBuffer.From(reply, "latin1")));
            });
            Twin.Listen(r.server, port => onPort(port, r));
        }

        public void CloseAll()
        {
            foreach (Socket s in sockets)
            {
                s.Destroy();
            }
            server.Close();
        }
    }
}
