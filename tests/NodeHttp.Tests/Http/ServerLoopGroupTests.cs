namespace NodeHttp.Tests.Http;

/// <summary>A server whose connections are spread over an <see cref="EventLoopGroup"/>.</summary>
public class ServerLoopGroupTests
{
    [Fact]
    public async Task Loops_ConnectionsRunOnGroupLoops()
    {
        using var group = new EventLoopGroup(2);
        var threads = new System.Collections.Concurrent.ConcurrentDictionary<int, bool>();
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            threads[Environment.CurrentManagedThreadId] = true;
            res.End("loop " + (EventLoop.Current is not null));
        }, new ServerOptions { Loops = group });
        var connections = new List<RawConnection>();
        try
        {
            for (int i = 0; i < 4; i++)
            {
                RawConnection c = await server.ConnectAsync();
                connections.Add(c);
                await c.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                Assert.EndsWith("loop True", await c.ReadResponseAsync());
            }
        }
        finally
        {
            foreach (RawConnection c in connections)
            {
                await c.DisposeAsync();
            }
        }
        Assert.Equal(2, threads.Count);
    }
}
