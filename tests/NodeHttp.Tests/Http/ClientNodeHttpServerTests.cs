using System.Collections.Concurrent;

namespace NodeHttp.Tests.Http;

/// <summary>The client against NodeHttp's own server.</summary>
public class ClientNodeHttpServerTests
{
    [Fact]
    public async Task KeepAlive_ReusesConnection_ServerSeesOneConnection()
    {
        var results = new ConcurrentQueue<string>();
        int connections = 0;
        await LoopRunner.RunAsync(() =>
        {
            var agent = new Agent(new AgentOptions { KeepAlive = true });
            Server server = NodeHttp.Http.CreateServer((req, res) => res.End("hi " + req.Url));
            server.On<Socket>("connection", _ => connections++);
            server.Listen(0, "127.0.0.1", () =>
            {
                int port = server.Address()!.Port;
                void Next(int i)
                {
                    ClientRequest r = null!;
                    r = NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Path = "/" + i, Agent = agent }, res =>
                    {
                        var chunks = new List<NodeBuffer>();
                        res.On<NodeBuffer>("data", chunks.Add);
                        res.On("end", () =>
                        {
                            results.Enqueue(NodeBuffer.Concat(chunks) + ":" + r.ReusedSocket);
                            if (i < 3)
                            {
                                EventLoop.Current!.Post(() => Next(i + 1));
                            }
                            else
                            {
                                agent.Destroy();
                                server.Close();
                            }
                        });
                    });
                }
                Next(1);
            });
        });
        Assert.Equal(["hi /1:False", "hi /2:True", "hi /3:True"], results.ToArray());
        Assert.Equal(1, connections);
    }
}
