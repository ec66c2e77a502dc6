namespace NodeHttp.Tests.Net;

/// <summary>
/// <see cref="Socket.FromDuplex"/>: a socket whose bytes travel over a <see cref="Duplex"/> (here one side of an
/// in-memory pair) reads, writes, half-closes, pushes back and fails as a TCP socket would. Each scenario runs inside
/// <see cref="EventLoop.Run(Action)"/>, which returns once nothing is left to do (the sockets do not hold the loop).
/// </summary>
public class SocketFromDuplexTests
{
    [Fact]
    public async Task BytesTravelBothWays_EndsAreHalfCloses_ThenBothClose()
    {
        var socketEvents = new List<string>();
        var peerEvents = new List<string>();
        string initial = "";
        long read = -1;
        long written = -1;
        await LoopRunner.RunAsync(() =>
        {
            var (inner, peer) = NodeStream.DuplexPair();
            Socket s = Socket.FromDuplex(inner);
            initial = "pending=" + s.Pending + " connecting=" + s.Connecting + " state=" + s.ReadyState + " remote=" + (s.RemoteAddress ?? "null");
            s.SetEncoding("utf8");
            s.On<string>("data", d => socketEvents.Add("data " + d));
            s.On("end", () => socketEvents.Add("end"));
            s.On<bool>("close", hadError =>
            {
                socketEvents.Add("close " + hadError + " inner destroyed=" + inner.Destroyed);
                read = s.BytesRead;
                written = s.BytesWritten;
            });
            peer.SetEncoding("utf8");
            peer.On<string>("data", d =>
            {
                peerEvents.Add("data " + d);
                peer.Write("world");
                peer.End();
            });
            peer.On("end", () => peerEvents.Add("end"));
            s.Write("hello");
            s.End();
        });
        Assert.Equal("pending=False connecting=False state=open remote=null", initial);
        Assert.Equal(["data world", "end", "close False inner destroyed=True"], socketEvents);
        Assert.Equal(["data hello", "end"], peerEvents);
        Assert.Equal(5, read);
        Assert.Equal(5, written);
    }

    [Fact]
    public async Task FromDuplex_ReturnsASocketAsItIs_RefusesNullAndDestroyedStreams()
    {
        bool same = false;
        string destroyedCode = "";
        await LoopRunner.RunAsync(() =>
        {
            var plain = new Socket();
            same = ReferenceEquals(plain, Socket.FromDuplex(plain));
            var (a, _) = NodeStream.DuplexPair();
            a.Destroy();
            destroyedCode = Assert.Throws<NodeHttpException>(() => Socket.FromDuplex(a)).Code;
        });
        Assert.True(same);
        Assert.Equal("ERR_INVALID_STATE", destroyedCode);
        Assert.Throws<ArgumentNullException>(() => Socket.FromDuplex(null!));
    }

    [Fact]
    public async Task APausedSocket_StopsPullingFromTheStream_AndItsWriterIsHeldBack()
    {
        const int Chunk = 16 * 1024;
        const int Total = 64 * Chunk;
        long receivedWhilePaused = -1;
        int writesDoneWhilePaused = -1;
        long bufferedInSocket = -1;
        int writesDone = 0;
        long received = 0;
        bool finished = false;
        await LoopRunner.RunAsync(() =>
        {
            var (inner, peer) = NodeStream.DuplexPair();
            Socket s = Socket.FromDuplex(inner);
            s.On<NodeBuffer>("data", d => received += d.Length);
            s.Pause();
            var chunk = NodeBuffer.From(new byte[Chunk]);
            for (int i = 0; i < Total / Chunk; i++)
            {
                peer.Write(chunk, _ => writesDone++);
            }
            // 'finish' comes once the socket's side read the end (no 'drain' while ending, as in Node).
            peer.Once("finish", () => finished = true);
            peer.End();
            // A few turns later nothing more moves: the socket holds at most its highWaterMark and the pair holds the
            // writer's next chunk; the rest waits in the writer.
            EventLoop.Current!.SetTimeout(() =>
            {
                receivedWhilePaused = received;
                writesDoneWhilePaused = writesDone;
                bufferedInSocket = s.ReadableLength;
                s.Resume();
            }, 50);
            s.On("end", () => s.Destroy());
        });
        Assert.Equal(0, receivedWhilePaused);
        Assert.InRange(bufferedInSocket, 1, 2 * Chunk);
        Assert.InRange(writesDoneWhilePaused, 0, 4);
        Assert.Equal(Total, received);
        Assert.Equal(Total / Chunk, writesDone);
        Assert.True(finished);
    }

    [Fact]
    public async Task WritesToAStreamNobodyReads_ReturnFalse_AndDrainFollowsTheRead()
    {
        var events = new List<string>();
        long peerGot = 0;
        long sent = -1;
        await LoopRunner.RunAsync(() =>
        {
            var (inner, peer) = NodeStream.DuplexPair();
            Socket s = Socket.FromDuplex(inner);
            peer.Pause();
            peer.On<NodeBuffer>("data", d => peerGot += d.Length);
            var chunk = NodeBuffer.From(new byte[8 * 1024]);
            int writes = 1;
            while (s.Write(chunk) && writes < 1000)
            {
                writes++;
            }
            sent = writes * (long)chunk.Length;
            events.Add("write refused after " + (writes < 1000 ? "a bound" : "no bound"));
            s.On("drain", () =>
            {
                events.Add("drain");
                s.Destroy();
            });
            EventLoop.Current!.SetTimeout(() =>
            {
                events.Add("no drain while unread=" + s.WritableNeedDrain);
                peer.Resume();
            }, 50);
        });
        Assert.Equal(["write refused after a bound", "no drain while unread=True", "drain"], events);
        Assert.Equal(sent, peerGot);
    }

    [Fact]
    public async Task AStreamWhoseReadableSideHadEnded_GivesTheSocketItsEnd()
    {
        var events = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var (inner, peer) = NodeStream.DuplexPair();
            inner.Resume();
            inner.On("end", () =>
            {
                events.Add("inner end");
                EventLoop.Current!.SetImmediate(() =>
                {
                    Socket s = Socket.FromDuplex(inner);
                    s.On("end", () => { events.Add("socket end"); s.Destroy(); });
                    s.Resume();
                });
            });
            peer.End();
        });
        Assert.Equal(["inner end", "socket end"], events);
    }

    [Fact]
    public async Task TheStreamsError_IsTheSocketsError()
    {
        var events = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var (inner, _) = NodeStream.DuplexPair();
            Socket s = Socket.FromDuplex(inner);
            s.Resume();
            s.On<Exception>("error", e => events.Add("error " + e.Message));
            s.On<bool>("close", hadError => events.Add("close " + hadError));
            inner.Destroy(new InvalidOperationException("boom"));
        });
        Assert.Equal(["error boom", "close True"], events);
    }

    [Fact]
    public async Task TheStreamDestroyedBeforeItsEnd_ClosesTheSocket()
    {
        var events = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var (inner, _) = NodeStream.DuplexPair();
            Socket s = Socket.FromDuplex(inner);
            s.Resume();
            s.On("end", () => events.Add("end"));
            s.On<Exception>("error", e => events.Add("error " + e.Message));
            s.On<bool>("close", hadError => events.Add("close " + hadError + " destroyed=" + s.Destroyed));
            inner.Destroy();
        });
        Assert.Equal(["close False destroyed=True"], events);
    }

    [Fact]
    public async Task Destroy_EndsTheStream_AndDestroysItOnceBothSidesEnded_ResetDestroysItAtOnce()
    {
        var graceful = new List<string>();
        var reset = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var (inner, peer) = NodeStream.DuplexPair();
            Socket s = Socket.FromDuplex(inner);
            peer.SetEncoding("utf8");
            peer.On<string>("data", d => graceful.Add("peer data " + d));
            peer.On("end", () => { graceful.Add("peer end"); peer.End(); });
            inner.On("close", () => graceful.Add("inner closed"));
            s.Write("last");
            s.Destroy();

            var (inner2, peer2) = NodeStream.DuplexPair();
            Socket s2 = Socket.FromDuplex(inner2);
            s2.On<Exception>("error", _ => { });
            peer2.Resume();
            peer2.On("end", () => reset.Add("peer end"));
            inner2.On("close", () => reset.Add("inner closed"));
            s2.ResetAndDestroy();
        });
        Assert.Equal(["peer data last", "peer end", "inner closed"], graceful);
        Assert.Equal(["inner closed"], reset);
    }

    [Fact]
    public async Task TheSocketDoesNotHoldTheLoop_UnlessRefd()
    {
        // Nothing reads or writes: Run returns at once although the socket is open.
        bool open = false;
        await LoopRunner.RunAsync(() =>
        {
            var (inner, _) = NodeStream.DuplexPair();
            Socket s = Socket.FromDuplex(inner);
            s.Resume();
            EventLoop.Current!.Post(() => open = !s.Destroyed);
        });
        Assert.True(open);

        // Ref'd, it holds the loop until it closes.
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var (inner, peer) = NodeStream.DuplexPair();
            Socket s = Socket.FromDuplex(inner);
            s.Ref();
            s.Resume();
            s.On("close", () => order.Add("close"));
            var timer = EventLoop.Current!.SetTimeout(() => { order.Add("timer"); peer.End(); }, 30);
            timer.Unref();
            s.On("end", () => s.Destroy());
        });
        Assert.Equal(["timer", "close"], order);
    }
}
