namespace NodeHttp.Tests.Net;

/// <summary>
/// Listening on a host name needs a lookup first; as libuv's getaddrinfo request, the lookup keeps
/// <see cref="EventLoop.Run"/> alive, so <c>'listening'</c> (or <c>'error'</c>) comes before <c>Run</c> returns.
/// </summary>
public sealed class NetServerHostLookupTests
{
    [Fact]
    public async Task Listen_on_localhost_inside_Run_reaches_listening_and_serves()
    {
        string? body = null;
        Exception? failure = null;
        Task run = Task.Run(() => EventLoop.Run(() =>
        {
            Server server = NodeHttp.Http.CreateServer((req, res) => res.End("hi from " + req.Url));
            server.On<Exception>("error", e => failure = e);
            server.Listen(0, "localhost", () =>
            {
                NodeHttp.Http.Get($"http://127.0.0.1:{server.Address()!.Port}/x", res =>
                {
                    var text = new System.Text.StringBuilder();
                    res.On<NodeBuffer>("data", d => text.Append(d.ToString()));
                    res.On("end", () =>
                    {
                        body = text.ToString();
                        server.Close();
                    });
                });
            });
        }));
        await run.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Null(failure);
        Assert.Equal("hi from /x", body);
    }

    [Fact]
    public async Task Listen_on_an_unknown_host_inside_Run_reports_the_error()
    {
        Exception? failure = null;
        bool listening = false;
        Task run = Task.Run(() => EventLoop.Run(() =>
        {
            Server server = NodeHttp.Http.CreateServer((req, res) => res.End());
            server.On<Exception>("error", e => failure = e);
            server.Listen(0, "no-such-host.invalid", () => listening = true);
        }));
        await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(listening);
        var error = Assert.IsType<NodeHttpException>(failure);
        Assert.Contains(error.Code, new[] { "ENOTFOUND", "EAI_AGAIN" });
    }
}
