using System.Collections.Concurrent;

namespace NodeHttp.Tests.Http;

/// <summary>
/// A pipelined request's response waits for the one before it: no socket until that one finished, then
/// <c>'socket'</c>; what it was asked to do meanwhile happens to the socket it is given. Expectations are node
/// v20.20.2's output for the same exchange (two pipelined GETs, /a answered after 20 ms).
/// </summary>
public class ServerQueuedResponseTests
{
    private const string TwoRequests = "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n";

    private static async Task<(string[] Events, string Received)> RunAsync(Action<ServerResponse, ConcurrentQueue<string>> second, Func<RawConnection, Task<string>> read)
    {
        var events = new ConcurrentQueue<string>();
        var bClosed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            string url = req.Url!;
            events.Enqueue(url + ":socket=" + (res.Socket is not null).ToString().ToLowerInvariant());
            res.On<Socket>("socket", _ => events.Enqueue(url + ":socket-event"));
            res.On("finish", () => events.Enqueue(url + ":finish"));
            res.On("close", () =>
            {
                events.Enqueue(url + ":close");
                if (url == "/b")
                {
                    bClosed.TrySetResult();
                }
            });
            if (url == "/a")
            {
                EventLoop.Current!.SetTimeout(() => res.End("A"), 20);
            }
            else
            {
                second(res, events);
            }
        });
        await using RawConnection c = await server.ConnectAsync();
        await c.SendAsync(TwoRequests);
        string received = await read(c);
        await bClosed.Task.WaitAsync(TestServer.Deadline);
        return (events.ToArray(), RawConnection.NormalizeDate(received));
    }

    [Fact]
    public async Task QueuedResponse_HasNoSocketUntilTheOneBeforeFinished()
    {
        // node: /a:socket=true /b:socket=false /b:socket-event /a:finish /a:close /b:finish /b:close
        // NodeHttp writes /b behind /a's last bytes in the same send (pipelining, docs/differences.md), so /b's
        // 'finish' comes with /a's, before /a's 'close'; the rest is node's order.
        var (events, received) = await RunAsync((res, _) => res.End("B"), async c => await c.ReadResponseAsync() + await c.ReadResponseAsync());
        Assert.Equal(new[] { "/a:socket=true", "/b:socket=false", "/b:socket-event", "/a:finish", "/b:finish", "/a:close", "/b:close" }, events);
        Assert.EndsWith("\r\n\r\nB", received);
    }

    [Fact]
    public async Task QueuedResponse_DestroyedBeforeItsTurn_DestroysTheSocketItIsGiven()
    {
        // node: only /a's response arrives, then the connection closes;
        //   /a:socket=true /b:socket=false /b:socket-event /a:finish /a:close /b:close
        var (events, received) = await RunAsync((res, _) => res.Destroy(), c => c.ReadToEndAsync());
        Assert.Equal(new[] { "/a:socket=true", "/b:socket=false", "/b:socket-event", "/a:finish", "/a:close", "/b:close" }, events);
        Assert.EndsWith("\r\n\r\nA", received);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(received, "HTTP/1.1 200 OK"));
    }

    [Fact]
    public async Task QueuedResponse_SetTimeout_AppliesToTheSocketItIsGiven()
    {
        // node: /a:socket=true /b:socket=false /b:socket-event /a:finish /a:close /b:timeout /b:finish /b:close
        var (events, received) = await RunAsync(
            (res, events) => res.SetTimeout(30, () =>
            {
                events.Enqueue("/b:timeout");
                res.End("late");
            }),
            async c => await c.ReadResponseAsync() + await c.ReadResponseAsync());
        Assert.Equal(new[] { "/a:socket=true", "/b:socket=false", "/b:socket-event", "/a:finish", "/a:close", "/b:timeout", "/b:finish", "/b:close" }, events);
        Assert.EndsWith("\r\n\r\nlate", received);
    }
}
