namespace NodeHttp.Tests.Http;

public class ClientAgentRemoveTests
{
    // Node's docs: http.get(options, res => ...).on('socket', socket => socket.emit('agentRemove')) takes the
    // socket out of the pool: after the response it is neither pooled nor destroyed (the caller owns it).
    // node prints for the same exchange: freeSockets 0, socket.destroyed false.
    [Fact]
    public async Task AgentRemove_SocketIsNeitherPooledNorDestroyed()
    {
        int free = -1;
        bool? destroyed = null;
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((req, res) => res.End("ok"));
            server.Listen(0, "127.0.0.1", () =>
            {
                var agent = new Agent(new AgentOptions { KeepAlive = true });
                Socket? taken = null;
                ClientRequest req = NodeHttp.Http.Get(new RequestOptions { Hostname = "127.0.0.1", Port = server.Address()!.Port, Agent = agent }, res =>
                {
                    res.Resume();
                    res.On("end", () => EventLoop.Current!.Post(() =>
                    {
                        free = agent.FreeSockets.Values.Sum(s => s.Count);
                        destroyed = taken!.Destroyed;
                        taken.Destroy();
                        agent.Destroy();
                        server.Close();
                    }));
                });
                req.On<Socket>("socket", s => { taken = s; s.Emit("agentRemove"); });
            });
        });
        Assert.Equal(0, free);
        Assert.False(destroyed);
    }
}
