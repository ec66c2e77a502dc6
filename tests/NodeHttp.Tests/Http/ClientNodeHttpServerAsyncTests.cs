namespace NodeHttp.Tests.Http;

/// <summary>The task-based client layer (<c>Http.RequestAsync</c>, <c>GetAsync</c>, <c>TextAsync</c>) against NodeHttp's server.</summary>
public class ClientNodeHttpServerAsyncTests
{
    private static async Task Echo(IncomingMessage req, ServerResponse res)
    {
        string body = await req.TextAsync();
        res.SetHeader("X-Method", req.Method!);
        res.End($"{req.Method} {req.Url} [{body}] cl={req.Headers["content-length"]}");
    }

    [Fact]
    public async Task RequestAsync_PostBody_And_GetAsync_OverTcp()
    {
        await using var server = await TestServer.StartAsync(Echo);
        IncomingMessage res = await NodeHttp.Http.RequestAsync(
            new RequestOptions { Host = "127.0.0.1", Port = server.Port, Method = "POST", Path = "/p?q=1" }, "payload"u8.ToArray()).Bounded();
        Assert.Equal(200, res.StatusCode);
        Assert.Equal("POST", res.Headers["x-method"]);
        Assert.Equal("POST /p?q=1 [payload] cl=7", await res.TextAsync().Bounded());

        IncomingMessage res2 = await NodeHttp.Http.GetAsync($"http://127.0.0.1:{server.Port}/g").Bounded();
        Assert.Equal("GET /g [] cl=", await res2.TextAsync().Bounded());
        Assert.Empty(server.Uncaught);
    }

    [Fact]
    public async Task RequestAsync_OverUnixSocket_LargeBody()
    {
        using var ep = ServerEndpoint.Create("unix");
        using var loop = new EventLoop();
        Server server = await loop.InvokeAsync(() => NodeHttp.Http.CreateServer(Echo)).Bounded();
        await server.ListenAsync(ep.SocketPath!).Bounded();
        try
        {
            string big = new('z', 200_000);
            IncomingMessage res = await NodeHttp.Http.RequestAsync(
                new RequestOptions { SocketPath = ep.SocketPath, Method = "PUT", Path = "/u" }, System.Text.Encoding.ASCII.GetBytes(big)).Bounded();
            Assert.Equal($"PUT /u [{big}] cl=200000", await res.TextAsync().Bounded());
        }
        finally
        {
            await loop.InvokeAsync(() =>
            {
                server.CloseAllConnections();
                server.Close();
            }).Bounded();
        }
    }

    [Fact]
    public async Task RequestAsync_ServerDestroysBeforeResponse_Faults()
    {
        await using var server = await TestServer.StartAsync((req, res) => req.Socket!.Destroy());
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => NodeHttp.Http.GetAsync($"http://127.0.0.1:{server.Port}/").Bounded());
        Assert.Equal("ECONNRESET", Assert.IsType<NodeHttpException>(ex).Code);
        Assert.Equal("socket hang up", ex.Message);
    }
}
