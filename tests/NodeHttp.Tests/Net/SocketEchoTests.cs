using System.Collections.Concurrent;
using System.Text;

namespace NodeHttp.Tests.Net;

public class SocketEchoTests
{
    [Fact]
    public async Task Echo_RoundTrip_EventOrder_MatchesNode()
    {
        using var t = new NetTestLoop();
        var events = new ConcurrentQueue<string>();
        var closed = NetTestExtensions.NewTcs<bool>();
        var serverClosed = NetTestExtensions.NewTcs<bool>();
        var (server, port) = await t.ListenAsync(s =>
        {
            s.On<NodeBuffer>("data", d => s.Write(d));
            s.On("end", () => events.Enqueue("server:end"));
            s.On<bool>("close", e => serverClosed.TrySetResult(e));
        });
        var received = new StringBuilder();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1", () => events.Enqueue("connect"));
            c.On("ready", () => events.Enqueue("ready"));
            c.On<NodeBuffer>("data", d =>
            {
                received.Append(d.ToString());
                if (received.Length == 5)
                {
                    events.Enqueue("data");
                    c.End();
                }
            });
            c.On("end", () => events.Enqueue("end"));
            c.On("finish", () => events.Enqueue("finish"));
            c.On<bool>("close", e => { events.Enqueue("close:" + e); closed.TrySetResult(e); });
            c.Write("hello");
        });
        Assert.False(await closed.Bounded());
        Assert.False(await serverClosed.Bounded());
        Assert.Equal("hello", received.ToString());
        var clientEvents = events.Where(e => !e.StartsWith("server", StringComparison.Ordinal)).ToArray();
        // Node: connect, ready, data, finish (our FIN), end (server's FIN after auto-end), close:false
        Assert.Equal(new[] { "connect", "ready", "data", "finish", "end", "close:False" }, clientEvents);
        Assert.Contains("server:end", events);
        await t.RunAsync(() => server.Close());
    }
}
