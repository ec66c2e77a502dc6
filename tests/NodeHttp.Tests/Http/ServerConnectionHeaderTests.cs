namespace NodeHttp.Tests.Http;

/// <summary>
/// How a response's own Connection and Keep-Alive choices meet the server's keep-alive framing; the expected bytes
/// are what node v20 sends for the same handler (Node's test-http-remove-connection-header-persists-connection.js
/// covers the first case).
/// </summary>
public class ServerConnectionHeaderTests
{
    [Fact]
    public async Task RemovingConnection_SendsNoConnectionHeader_AndKeepsTheConnection()
    {
        await using TestServer server = await TestServer.StartAsync((req, res) =>
        {
            res.RemoveHeader("connection");
            res.End("y");
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 1\r\n\r\ny",
            RawConnection.NormalizeDate(await c.ReadUntilAsync("\r\n\r\ny")));
        // node: the connection stays open and answers the next request.
        await c.SendAsync("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
        Assert.Equal("HTTP/1.1 200 OK\r\nDate: <date>\r\nContent-Length: 1\r\n\r\ny",
            RawConnection.NormalizeDate(await c.ReadUntilAsync("\r\n\r\ny")));
    }

    [Fact]
    public async Task RemovingConnection_OnAnHttp10Request_StillCloses()
    {
        await using TestServer server = await TestServer.StartAsync((req, res) =>
        {
            res.RemoveHeader("connection");
            res.End("y");
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET / HTTP/1.0\r\n\r\n");
        // node v20: the body of an HTTP/1.0 answer is delimited by the close.
        Assert.Equal("HTTP/1.1 200 OK\r\nDate: <date>\r\n\r\ny",
            RawConnection.NormalizeDate(await c.ReadToEndAsync()));
    }

    [Fact]
    public async Task AUserKeepAliveHeader_ReplacesTheAutomaticOne()
    {
        await using TestServer server = await TestServer.StartAsync((req, res) =>
        {
            res.SetHeader("Keep-Alive", "timeout=99");
            res.End("x");
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        // node v20: "Keep-Alive: timeout=99\r\nConnection: keep-alive\r\n", no "Keep-Alive: timeout=5".
        Assert.Equal("HTTP/1.1 200 OK\r\nKeep-Alive: timeout=99\r\nDate: <date>\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx",
            RawConnection.NormalizeDate(await c.ReadUntilAsync("\r\n\r\nx")));
    }
}
