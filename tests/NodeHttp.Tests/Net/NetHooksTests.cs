using System.Text;

namespace NodeHttp.Tests.Net;

// Asserts that nothing is read while the sink refuses data, which needs a quiet machine to mean anything.
[Collection("Timing")]
public class NetHooksTests
{
    [Theory]
    [InlineData("127.0.0.1", 4)]
    [InlineData("255.255.255.255", 4)]
    [InlineData("01.2.3.4", 0)]
    [InlineData("256.1.1.1", 0)]
    [InlineData("1.2.3", 0)]
    [InlineData("::1", 6)]
    [InlineData("::ffff:127.0.0.1", 6)]
    [InlineData("fe80::1%eth0", 6)]
    [InlineData("[::1]", 0)]
    [InlineData("localhost", 0)]
    [InlineData("", 0)]
    public void IsIP_AsNode(string input, int expected)
    {
        Assert.Equal(expected, NodeHttp.Net.IsIP(input));
        Assert.Equal(expected == 4, NodeHttp.Net.IsIPv4(input));
        Assert.Equal(expected == 6, NodeHttp.Net.IsIPv6(input));
    }

    private sealed class Sink : ISocketDataSink
    {
        public readonly MemoryStream Bytes = new();
        public bool Accept = true;
        public int Calls;

        public bool OnSocketData(ReadOnlySpan<byte> data)
        {
            Calls++;
            Bytes.Write(data);
            return Accept;
        }
    }

    [Fact]
    public async Task DataSink_ReceivesRawSpans_PauseAndResume_EndStillEmitted()
    {
        using var t = new NetTestLoop();
        var sink = new Sink { Accept = false };
        var first = NetTestExtensions.NewTcs<bool>();
        var ended = NetTestExtensions.NewTcs<bool>();
        Socket? serverSide = null;
        var (server, port) = await t.ListenAsync(s =>
        {
            serverSide = s;
            s.DataSink = sink;
            s.On("end", () => ended.TrySetResult(true));
            s.Resume();
        });
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            c.Write("first");
            c.On("connect", () => t.Loop.SetTimeout(() => c.End("second"), 50));
        });
        // The sink refused more after the first read: nothing else is read until ResumeReading.
        for (int i = 0; i < 100 && await t.RunAsync(() => sink.Calls) == 0; i++)
        {
            await Task.Delay(10);
        }
        await Task.Delay(150);
        Assert.Equal(1, await t.RunAsync(() => sink.Calls));
        Assert.False(ended.Task.IsCompleted);
        await t.RunAsync(() => { sink.Accept = true; serverSide!.ResumeReading(); });
        await ended.Bounded();
        Assert.Equal("firstsecond", Encoding.ASCII.GetString(await t.RunAsync(() => sink.Bytes.ToArray())));
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Writes_OfOneCallbackLeaveInOneGatheredSendAfterIt()
    {
        using var t = new NetTestLoop();
        var got = NetTestExtensions.NewTcs<string>();
        var (server, port) = await t.ListenAsync(s =>
        {
            var sb = new StringBuilder();
            s.On<NodeBuffer>("data", d => sb.Append(d.ToString()));
            s.On("end", () => got.TrySetResult(sb.ToString()));
        });
        var sent = NetTestExtensions.NewTcs<(int Corked, long SentBefore, long SentAfter)>();
        await t.RunAsync(() =>
        {
            Socket c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            c.On("connect", () =>
            {
                long before = c.Handle!.BytesSent;
                c.Write(NodeBuffer.From("HTTP/1.1 200 OK\r\n"));
                c.Write("Content-Length: 2\r\n\r\n"u8.ToArray());
                c.Write("hi");
                int corked = c.WritableCorked;
                long during = c.Handle.BytesSent;
                t.Loop.NextTick(() => { });
                t.Loop.Post(() =>
                {
                    sent.TrySetResult((corked, during - before, c.Handle.BytesSent - before));
                    c.End();
                });
            });
        });
        var (corkedDuringTurn, sentDuringTurn, sentAfterTurn) = await sent.Bounded();
        // Gathered by the socket itself, not by corking its stream.
        Assert.Equal(0, corkedDuringTurn);
        Assert.Equal(0, sentDuringTurn);
        Assert.Equal(40, sentAfterTurn);
        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", await got.Bounded());
        await t.RunAsync(() => server.Close());
    }
}
