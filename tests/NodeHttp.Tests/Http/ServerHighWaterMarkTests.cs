namespace NodeHttp.Tests.Http;

/// <summary>
/// <see cref="ServerOptions.HighWaterMark"/>: as Node's <c>http.createServer({ highWaterMark })</c>, the value is both
/// sides' highWaterMark of every accepted socket, so each request reads and each response writes under it. The
/// expected values are what Node 20 reports for the same servers.
/// </summary>
public class ServerHighWaterMarkTests
{
    private static async Task<string> MarksAsync(ServerOptions options)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            seen.TrySetResult(string.Join("/", req.ReadableHighWaterMark, res.WritableHighWaterMark,
                req.Socket!.ReadableHighWaterMark, req.Socket!.WritableHighWaterMark));
            res.End();
        }, options);
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", await c.ReadResponseAsync(), StringComparison.Ordinal);
        Assert.Empty(server.Uncaught);
        return await seen.Task.Bounded();
    }

    [Fact]
    public async Task Option_IsTheSocketsRequestsAndResponsesHighWaterMark()
    {
        Assert.Equal("1000/1000/1000/1000", await MarksAsync(new ServerOptions { HighWaterMark = 1000 }));
        Assert.Equal("65536/65536/65536/65536", await MarksAsync(new ServerOptions { HighWaterMark = 65536 }));
    }

    [Fact]
    public async Task Default_IsNodes16KiB()
    {
        Assert.Equal(16384, new ServerOptions().HighWaterMark);
        Assert.Equal(16384, new NetServerOptions().HighWaterMark);
        Assert.Equal("16384/16384/16384/16384", await MarksAsync(new ServerOptions()));
    }

    [Fact]
    public async Task Negative_Throws_OutOfRange()
    {
        await LoopRunner.RunAsync(() =>
        {
            var http = Assert.Throws<NodeHttpException>(() => NodeHttp.Http.CreateServer(new ServerOptions { HighWaterMark = -1 }));
            Assert.Equal("ERR_OUT_OF_RANGE", http.Code);
            var net = Assert.Throws<NodeHttpException>(() => NodeHttp.Net.CreateServer(new NetServerOptions { HighWaterMark = -5 }));
            Assert.Equal("ERR_OUT_OF_RANGE", net.Code);
            Assert.Contains("Received -5", net.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task NetServer_AcceptedSocketsTakeIt()
    {
        string? seen = null;
        await LoopRunner.RunAsync(() =>
        {
            NetServer server = null!;
            server = NodeHttp.Net.CreateServer(new NetServerOptions { HighWaterMark = 3000 }, s =>
            {
                seen = s.ReadableHighWaterMark + "/" + s.WritableHighWaterMark;
                s.Destroy();
                server.Close();
            });
            server.Listen(0, "127.0.0.1", () =>
            {
                Socket c = NodeHttp.Net.CreateConnection(server.Address()!.Port, "127.0.0.1");
                c.On<Exception>("error", _ => { });
                c.On("close", () => seen += " client=" + c.ReadableHighWaterMark);
                c.Resume();
            });
        });
        // The connecting side keeps the default.
        Assert.Equal("3000/3000 client=16384", seen);
    }

    // As Node's https server (checked with node 20): the option reaches the TCP sockets under the TLS sockets, not the
    // TLS sockets the requests are read from, which keep the default.
    [Fact]
    public async Task Https_TheTlsSocketKeepsTheDefault()
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        HttpsServerOptions options = NodeHttp.Tests.Https.HttpsTestServer.LocalhostOptions();
        options.HighWaterMark = 32768;
        await using var server = await NodeHttp.Tests.Https.HttpsTestServer.StartAsync(options, (req, res) =>
        {
            seen.TrySetResult(string.Join("/", req.ReadableHighWaterMark, res.WritableHighWaterMark,
                req.Socket!.ReadableHighWaterMark, req.Socket!.WritableHighWaterMark));
            res.End();
        });
        var got = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await server.Loop.InvokeAsync(() =>
        {
            ClientRequest req = NodeHttp.Https.Get(new RequestOptions { Host = "localhost", Port = server.Port, Ca = TestCertificates.Ca.CertPem, UseAgent = false }, res =>
            {
                res.Resume();
                res.On("end", () => got.TrySetResult(res.StatusCode ?? 0));
            });
            req.On<Exception>("error", e => got.TrySetException(e));
        }).Bounded();
        Assert.Equal(200, await got.Task.Bounded());
        Assert.Equal("16384/16384/16384/16384", await seen.Task.Bounded());
    }

    // A write past the response's highWaterMark answers false and 'drain' follows, for the response at the head of
    // the connection (Node: socket.write's answer) and for one queued behind it (Node: outputSize < highWaterMark).
    [Theory]
    [InlineData(1000, "first=false drain second=false")]
    [InlineData(null, "first=true second=true")]
    public async Task Write_PastTheMark_AnswersFalse_ThenDrains(int? highWaterMark, string expected)
    {
        var options = new ServerOptions();
        if (highWaterMark is int mark)
        {
            options.HighWaterMark = mark;
        }
        string first = "", second = "";
        ServerResponse? firstRes = null;
        bool drainAwaited = false, secondSeen = false;
        // The first response ends once the second request was handled (so that one is queued behind it) and its own
        // 'drain' came, if it waited for one.
        void MaybeEndFirst()
        {
            if (secondSeen && !drainAwaited)
            {
                firstRes!.End();
            }
        }
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            bool ok = res.Write(NodeBuffer.Alloc(2000, (byte)'a'));
            if (req.Url == "/1")
            {
                firstRes = res;
                first = "first=" + (ok ? "true" : "false");
                if (!ok)
                {
                    drainAwaited = true;
                    res.Once("drain", () => { first += " drain"; drainAwaited = false; MaybeEndFirst(); });
                }
                return;
            }
            // Queued behind the first response, which has not ended: no socket yet.
            second = "second=" + (ok ? "true" : "false") + (res.Socket is null ? "" : " (had a socket)");
            res.End();
            secondSeen = true;
            MaybeEndFirst();
        }, options);
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");
        string one = await c.ReadResponseAsync();
        string two = await c.ReadResponseAsync();
        Assert.Contains(new string('a', 2000), one, StringComparison.Ordinal);
        Assert.Contains(new string('a', 2000), two, StringComparison.Ordinal);
        Assert.Equal(expected, await server.RunAsync(() => first + " " + second));
        Assert.Empty(server.Uncaught);
    }
}
