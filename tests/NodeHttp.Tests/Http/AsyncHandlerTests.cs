namespace NodeHttp.Tests.Http;

/// <summary>How the task of an async handler settles its response on the wire: ended when the handler forgot to,
/// <c>500</c> or a cut connection when it threw.</summary>
public class AsyncHandlerTests
{
    private const string Get = "GET /a HTTP/1.1\r\nHost: x\r\n\r\n";

    [Fact]
    public async Task ForgotToEnd_NothingWritten_AnswersTheStatusWithAnEmptyBody_AndKeepsTheConnection()
    {
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            await Task.Delay(20);
            res.StatusCode = 404;
            res.SetHeader("X-Set", "yes");
        });
        await using var conn = await server.ConnectAsync();
        for (int i = 0; i < 2; i++)
        {
            await conn.SendAsync(Get);
            string response = await conn.ReadResponseAsync();
            Assert.StartsWith("HTTP/1.1 404 Not Found\r\n", response, StringComparison.Ordinal);
            Assert.Equal("yes", RawConnection.HeaderOf(response, "x-set"));
            Assert.Equal("0", RawConnection.HeaderOf(response, "content-length"));
            Assert.EndsWith("\r\n\r\n", response, StringComparison.Ordinal);
        }
        Assert.Empty(server.Uncaught);
    }

    [Fact]
    public async Task ForgotToEnd_AfterWriting_FinishesTheChunkedBody()
    {
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            res.Write("part one;");
            await Task.Yield();
            await res.WriteAsync("part two");
        });
        await using var conn = await server.ConnectAsync();
        await conn.SendAsync(Get);
        string response = await conn.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", response, StringComparison.Ordinal);
        Assert.Equal("chunked", RawConnection.HeaderOf(response, "transfer-encoding"));
        Assert.EndsWith("9\r\npart one;\r\n8\r\npart two\r\n0\r\n\r\n", response, StringComparison.Ordinal);
        Assert.Empty(server.Uncaught);
    }

    [Fact]
    public async Task ForgotToEnd_CompletedSynchronously_IsEndedToo()
    {
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            res.StatusCode = 202;
            return Task.CompletedTask;
        });
        await using var conn = await server.ConnectAsync();
        await conn.SendAsync(Get);
        string response = await conn.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 202 Accepted\r\n", response, StringComparison.Ordinal);
        Assert.Equal("0", RawConnection.HeaderOf(response, "content-length"));
    }

    [Fact]
    public async Task Threw_BeforeTheHead_Answers500_AndReportsTheException()
    {
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            res.SetHeader("X-Dropped", "1");
            await Task.Delay(20);
            throw new InvalidOperationException("handler failed");
        });
        await using var conn = await server.ConnectAsync();
        await conn.SendAsync(Get);
        string response = await conn.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 500 Internal Server Error\r\n", response, StringComparison.Ordinal);
        Assert.Null(RawConnection.HeaderOf(response, "x-dropped"));
        Assert.Equal("0", RawConnection.HeaderOf(response, "content-length"));
        Assert.Contains(server.Uncaught, e => e is InvalidOperationException { Message: "handler failed" });
        // The connection still serves the next request.
        await conn.SendAsync(Get);
        Assert.StartsWith("HTTP/1.1 500", await conn.ReadResponseAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Threw_AfterTheBodyBegan_CutsTheConnection()
    {
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            await res.WriteAsync("begun");
            await Task.Delay(20);
            throw new InvalidOperationException("late failure");
        });
        await using var conn = await server.ConnectAsync();
        await conn.SendAsync(Get);
        string all = await conn.ReadToEndAsync();
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", all, StringComparison.Ordinal);
        Assert.Contains("5\r\nbegun\r\n", all, StringComparison.Ordinal);
        Assert.DoesNotContain("0\r\n\r\n", all, StringComparison.Ordinal);
        Assert.Contains(server.Uncaught, e => e.Message == "late failure");
    }
}
