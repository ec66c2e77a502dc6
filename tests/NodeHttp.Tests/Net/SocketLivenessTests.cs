namespace NodeHttp.Tests.Net;

/// <summary>
/// When a socket keeps <see cref="EventLoop.Run(Action)"/> alive: as libuv's active handles keep a Node process,
/// while it connects, reads, or has a write the kernel has not taken yet — not merely because it is open. (The
/// twins of NodeSuite/PortsFTimingTwinTests check the reading cases against node.)
/// </summary>
public class SocketLivenessTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PausedBeforeItRead_DoesNotKeepRunAlive_EvenRefAgain(bool refAgain)
    {
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            NetServer s = null!;
            s = NodeHttp.Net.CreateServer(sock => sock.Unref());
            s.Listen(0, "127.0.0.1", () =>
            {
                s.Unref();
                Socket c = null!;
                c = NodeHttp.Net.CreateConnection(s.Address()!.Port, "127.0.0.1", () =>
                {
                    c.Pause();
                    if (refAgain)
                    {
                        // Ref() restores the wish to keep the loop, not activity: a socket that does not read is idle.
                        c.Unref();
                        c.Ref();
                    }
                    order.Add("connected");
                });
                c.On("close", () => order.Add("closed"));
            });
        });
        // Run returned with the socket still open: nothing was going to happen to it.
        Assert.Equal(["connected"], order);
    }

    // A client that never reads writes more than the kernel takes at once to a peer that reads only later, from an
    // unref'd timer: the write in flight alone keeps the loop running until its bytes are gone.
    [Fact]
    public async Task WriteInFlight_KeepsRunAlive_UntilTheKernelTookIt()
    {
        const int Size = 32 * 1024 * 1024;
        Exception? writeError = null;
        bool written = false;
        bool peerReading = false;
        await LoopRunner.RunAsync(() =>
        {
            NetServer s = null!;
            s = NodeHttp.Net.CreateServer(new NetServerOptions { PauseOnConnect = true }, sock =>
            {
                sock.Unref();
                LoopTimer later = EventLoop.Current!.SetTimeout(() =>
                {
                    peerReading = true;
                    sock.On<NodeBuffer>("data", _ => { });
                    sock.Resume();
                }, 200);
                later.Unref();
            });
            s.Listen(0, "127.0.0.1", () =>
            {
                s.Unref();
                Socket c = null!;
                c = NodeHttp.Net.CreateConnection(s.Address()!.Port, "127.0.0.1", () =>
                {
                    c.Pause();
                    c.Write(NodeBuffer.Alloc(Size, (byte)'x'), e =>
                    {
                        writeError = e;
                        written = true;
                    });
                });
            });
        });
        Assert.True(peerReading, "the loop ended before the peer started reading");
        Assert.True(written, "the loop ended with the write still in flight");
        Assert.Null(writeError);
    }
}
