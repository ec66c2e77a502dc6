namespace NodeHttp.Tests.Net;

public class SocketBytesWrittenTests
{
    // node: s = net.connect(port); s.write(Buffer.alloc(64)); s.bytesWritten → 64; s.write('abc') → 67;
    // after 'connect' and the flush → 67.
    [Fact]
    public async Task BytesWritten_CountsEachByteOnce_WhileConnectingAndAfter()
    {
        using var t = new NetTestLoop();
        var received = NetTestExtensions.NewTcs<long>();
        long total = 0;
        var (server, port) = await t.ListenAsync(s =>
        {
            s.On<NodeBuffer>("data", d => { total += d.Length; if (total == 67) { received.TrySetResult(total); } });
        });
        Socket? c = null;
        var (whileConnecting, afterSecond) = await t.RunAsync(() =>
        {
            c = NodeHttp.Net.CreateConnection(port, "127.0.0.1");
            c.Write(new byte[64]);
            long first = c.BytesWritten;
            c.Write("abc");
            return (first, c.BytesWritten);
        });
        Assert.Equal(64, whileConnecting);
        Assert.Equal(67, afterSecond);
        Assert.Equal(67, await received.Bounded());
        Assert.Equal(67, await t.RunAsync(() => c!.BytesWritten));
        await t.RunAsync(() => { c!.Destroy(); server.Close(); });
    }
}
