namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// test-http-client-path-toctou (Node 25): <c>req.path</c> assigned after the request was made is checked as the
/// option is, so CR, LF or NUL cannot inject header lines; a valid new path is what goes on the wire. Node 20 sends
/// such a value as it is (docs/differences.md), so this test pins NodeHttp's behaviour rather than a Node 20 twin.
/// </summary>
public sealed class ClientRequestPathTests
{
    [Theory]
    [InlineData("/evil\r\nX-Injected: true\r\n\r\n")]
    [InlineData("/a\nb")]
    [InlineData("/nul\0")]
    [InlineData("/with space")]
    public async Task Assigning_an_unsafe_path_throws_and_keeps_the_old_one(string unsafePath)
    {
        await using var server = await TestServer.StartAsync((req, res) => res.End(req.Url!));
        string? code = null;
        string? sent = null;
        string? kept = null;
        await LoopRunner.RunAsync(() =>
        {
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Host = "127.0.0.1", Port = server.Port, Path = "/safe", UseAgent = false }, res =>
            {
                var body = new System.Text.StringBuilder();
                res.On<NodeBuffer>("data", d => body.Append(d.ToString()));
                res.On("end", () => sent = body.ToString());
            });
            try
            {
                req.Path = unsafePath;
            }
            catch (NodeHttpException e)
            {
                code = e.Code;
            }
            kept = req.Path;
            req.End();
        });
        Assert.Equal("ERR_UNESCAPED_CHARACTERS", code);
        Assert.Equal("/safe", kept);
        Assert.Equal("/safe", sent);
    }

    [Fact]
    public async Task A_valid_path_assigned_before_the_head_is_sent_is_used()
    {
        await using var server = await TestServer.StartAsync((req, res) => res.End(req.Url!));
        string? sent = null;
        await LoopRunner.RunAsync(() =>
        {
            ClientRequest req = NodeHttp.Http.Request(new RequestOptions { Host = "127.0.0.1", Port = server.Port, Path = "/first", UseAgent = false }, res =>
            {
                var body = new System.Text.StringBuilder();
                res.On<NodeBuffer>("data", d => body.Append(d.ToString()));
                res.On("end", () => sent = body.ToString());
            });
            req.Path = "/second?q=1";
            req.End();
        });
        Assert.Equal("/second?q=1", sent);
    }
}
