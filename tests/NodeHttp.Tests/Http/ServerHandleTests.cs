namespace NodeHttp.Tests.Http;

/// <summary>Nothing of a closed server keeps its loop alive.</summary>
public class ServerHandleTests
{
    [Fact]
    public async Task AfterCloseAndConnectionsEnd_LoopHoldsNoHandles()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) => res.End("x"), new ServerOptions { KeepAliveTimeout = 100 });
        await using (RawConnection c = await server.ConnectAsync())
        {
            await c.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\nPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            await c.ReadResponseAsync();
            await c.ReadResponseAsync();
            await server.RunAsync(() => server.Server.Close(_ => closed.TrySetResult()));
            Assert.Equal(string.Empty, await c.ReadToEndAsync());
        }
        await closed.Task.WaitAsync(TestServer.Deadline);
        Assert.Equal(0, await server.RunAsync(() => server.Loop.RefCount));
    }

    [Fact]
    public async Task EventLoopRun_ReturnsWhenServerClosed()
    {
        int port = 0;
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((req, res) => res.End("bye"));
            server.Listen(0, "127.0.0.1", () =>
            {
                port = server.Address()!.Port;
                Socket client = new();
                client.Connect(port, "127.0.0.1", () => client.Write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
                client.On<NodeBuffer>("data", _ => { });
                client.On("end", () => server.Close());
            });
        });
        Assert.NotEqual(0, port);
    }
}
