namespace NodeHttp.Tests.Http;

/// <summary>
/// Header names and values, reason phrases and Host values are scanned once per string instance (the last one found
/// valid is remembered): a valid string seen before must not let a different, invalid one through after it.
/// </summary>
public class RepeatedValidationTests
{
    private const string Get = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

    [Fact]
    public async Task InvalidHeaderAndReason_RefusedAfterValidOnes()
    {
        var errors = new ErrorCodeLog();
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            res.SetHeader("X-Ok", "fine");
            errors.Expect("ERR_INVALID_HTTP_TOKEN", () => res.SetHeader("Bad Name", "fine"));
            errors.Expect("ERR_INVALID_CHAR", () => res.SetHeader("X-Ok", "a\r\nb"));
            res.SetHeader("X-Ok", "fine");
            errors.Expect("ERR_INVALID_CHAR", () => res.SetHeader("X-Other", "c\nd"));
            errors.Expect("ERR_INVALID_CHAR", () => res.WriteHead(200, "Bad\r\nReason"));
            res.WriteHead(200, "Fine");
            res.End("done");
        });
        await using RawConnection c = await server.ConnectAsync();
        for (int i = 0; i < 2; i++)
        {
            // Twice: the second response meets the strings the first one left remembered.
            await c.SendAsync(Get);
            string response = await c.ReadResponseAsync();
            Assert.StartsWith("HTTP/1.1 200 Fine\r\n", response);
            Assert.Contains("X-Ok: fine\r\n", response);
        }
        Assert.Equal(
            Enumerable.Repeat(new[] { "ERR_INVALID_HTTP_TOKEN", "ERR_INVALID_CHAR", "ERR_INVALID_CHAR", "ERR_INVALID_CHAR" }, 2).SelectMany(x => x),
            errors.ToArray());
    }

    [Fact]
    public async Task InvalidHost_RefusedAfterValidOneOnTheSameConnection()
    {
        int handled = 0;
        await using var server = await TestServer.StartAsync((req, res) => { handled++; res.End("ok"); });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync("GET / HTTP/1.1\r\nHost: a.example\r\n\r\n");
        Assert.EndsWith("ok", await c.ReadResponseAsync());
        await c.SendAsync("GET / HTTP/1.1\r\nHost: a.example\r\n\r\n");
        Assert.EndsWith("ok", await c.ReadResponseAsync());
        await c.SendAsync("GET / HTTP/1.1\r\nHost: a example\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 400 Bad Request", await c.ReadToEndAsync());
        Assert.Equal(2, await server.RunAsync(() => handled));
    }
}
