using System.Text;

namespace NodeHttp.Tests.Streams;

public class BridgeTests
{
    [Fact]
    public async Task ReadAllAsyncAndTextAsyncCollectEverything()
    {
        using var t = new StreamTestLoop();
        Readable r = await t.Loop.InvokeAsync(() =>
        {
            var s = new Readable(new ReadableOptions { Read = (_, _) => { } });
            s.Push("héllo ");
            t.Loop.Post(() => { s.Push("wörld"); s.Push((NodeBuffer?)null); });
            return s;
        });
        string text = await r.TextAsync().WaitAsync(StreamTestLoop.Timeout);
        Assert.Equal("héllo wörld", text);

        Readable r2 = await t.Loop.InvokeAsync(() =>
        {
            var s = new Readable(new ReadableOptions { Read = (_, _) => { } });
            s.SetEncoding("utf8");
            s.Push(NodeBuffer.From([0xE2, 0x82]));
            s.Push(NodeBuffer.From([0xAC]));
            s.Push((NodeBuffer?)null);
            return s;
        });
        NodeBuffer all = await r2.ReadAllAsync().WaitAsync(StreamTestLoop.Timeout);
        Assert.Equal("€", all.ToString());
    }

    [Fact]
    public async Task ReadAllAsyncFailsOnError()
    {
        using var t = new StreamTestLoop();
        Readable r = await t.Loop.InvokeAsync(() => new Readable(new ReadableOptions { Read = (_, _) => { } }));
        Task<NodeBuffer> all = r.ReadAllAsync();
        await t.Loop.InvokeAsync(() => r.Destroy(new InvalidOperationException("boom")));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => all.WaitAsync(StreamTestLoop.Timeout));
        Assert.Equal("boom", ex.Message);
    }

    [Fact]
    public async Task ReadChunksAsyncYieldsChunksWithBackPressure()
    {
        using var t = new StreamTestLoop();
        int produced = 0;
        Readable r = await t.Loop.InvokeAsync(() => new Readable(new ReadableOptions
        {
            HighWaterMark = 8,
            Read = (self, _) =>
            {
                // A producer that would go on forever if nobody applied back-pressure.
                if (produced < 100)
                {
                    produced++;
                    self.Loop.Post(() => self.Push(NodeBuffer.Alloc(4, (byte)'a')));
                }
                else
                {
                    self.Push((NodeBuffer?)null);
                }
            },
        }));

        int total = 0;
        int chunks = 0;
        await foreach (NodeBuffer chunk in r.ReadChunksAsync().WithCancellation(CancellationToken.None))
        {
            total += chunk.Length;
            if (++chunks == 2)
            {
                // A slow consumer: the stream must stop at its highWaterMark meanwhile.
                await Task.Delay(100);
                int buffered = await t.Loop.InvokeAsync(() => r.ReadableLength);
                Assert.InRange(buffered, 0, 8);
                Assert.InRange(produced, 0, 2 + 3 + 1);
            }
        }
        Assert.Equal(400, total);
    }

    [Fact]
    public async Task ReadChunksAsyncThrowsTheStreamError()
    {
        using var t = new StreamTestLoop();
        Readable r = await t.Loop.InvokeAsync(() =>
        {
            var s = new Readable(new ReadableOptions { Read = (_, _) => { } });
            s.Push("a");
            return s;
        });
        var seen = new List<string>();
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (NodeBuffer chunk in r.ReadChunksAsync())
            {
                seen.Add(chunk.ToString());
                await t.Loop.InvokeAsync(() => r.Destroy(new InvalidOperationException("boom")));
            }
        }).WaitAsync(StreamTestLoop.Timeout);
        Assert.Equal("boom", ex.Message);
        Assert.Equal(["a"], seen);
    }

    [Fact]
    public async Task BreakingOutOfReadChunksAsyncDestroysTheStream()
    {
        using var t = new StreamTestLoop();
        Readable r = await t.Loop.InvokeAsync(() =>
        {
            var s = new Readable(new ReadableOptions { Read = (_, _) => { } });
            s.Push("a");
            s.Push("b");
            return s;
        });
        await foreach (NodeBuffer chunk in r.ReadChunksAsync())
        {
            break;
        }
        await Task.Delay(20);
        Assert.True(await t.Loop.InvokeAsync(() => r.Destroyed).WaitAsync(StreamTestLoop.Timeout));
    }

    [Fact]
    public async Task AsStreamReadsAReadable()
    {
        using var t = new StreamTestLoop();
        Readable r = await t.Loop.InvokeAsync(() =>
        {
            var s = new Readable(new ReadableOptions { Read = (_, _) => { } });
            s.Push("hello ");
            t.Loop.Post(() => { s.Push("stream"); s.Push((NodeBuffer?)null); });
            return s;
        });
        using Stream stream = r.AsStream();
        Assert.True(stream.CanRead);
        Assert.False(stream.CanWrite);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string text = await reader.ReadToEndAsync().WaitAsync(StreamTestLoop.Timeout);
        Assert.Equal("hello stream", text);
    }

    [Fact]
    public async Task AsStreamWritesAWritableAndDisposeEnds()
    {
        using var t = new StreamTestLoop();
        var received = new StringBuilder();
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Writable w = await t.Loop.InvokeAsync(() =>
        {
            var s = new Writable(new WritableOptions
            {
                HighWaterMark = 4,
                Write = (self, c, cb) => { received.Append(c.ToString()); self.Loop.Post(() => cb(null)); },
            });
            s.On(StreamEvents.Finish, () => finished.TrySetResult());
            return s;
        });
        await using (Stream stream = w.AsStream())
        {
            Assert.True(stream.CanWrite);
            await stream.WriteAsync(Encoding.UTF8.GetBytes("hello "));
            await stream.WriteAsync(Encoding.UTF8.GetBytes("world"));
        }
        await finished.Task.WaitAsync(StreamTestLoop.Timeout);
        Assert.Equal("hello world", await t.Loop.InvokeAsync(() => received.ToString()));
    }

    [Fact]
    public async Task DuplexAsStreamReadsAndWrites()
    {
        using var t = new StreamTestLoop();
        var written = new StringBuilder();
        Duplex d = await t.Loop.InvokeAsync(() =>
        {
            Duplex s = null!;
            s = new Duplex(new DuplexOptions
            {
                Read = (_, _) => { },
                // An echo: what is written comes back out of the readable side.
                Write = (self, c, cb) => { written.Append(c.ToString()); self.Push(c); cb(null); },
                Final = (self, cb) => { self.Push((NodeBuffer?)null); cb(null); },
            });
            return s;
        });
        using Stream stream = d.AsStream();
        Assert.True(stream.CanRead && stream.CanWrite);
        await stream.WriteAsync(Encoding.UTF8.GetBytes("ping"));
        var buffer = new byte[16];
        int n = await stream.ReadAsync(buffer).AsTask().WaitAsync(StreamTestLoop.Timeout);
        Assert.Equal("ping", Encoding.UTF8.GetString(buffer, 0, n));
        stream.Dispose();
        Assert.Equal("ping", await t.Loop.InvokeAsync(() => written.ToString()));
    }

    [Fact]
    public async Task SynchronousReadOffTheLoopWorks()
    {
        using var t = new StreamTestLoop();
        Readable r = await t.Loop.InvokeAsync(() =>
        {
            var s = new Readable(new ReadableOptions { Read = (_, _) => { } });
            s.Push("abc");
            s.Push((NodeBuffer?)null);
            return s;
        });
        using Stream stream = r.AsStream();
        var buffer = new byte[2];
        int n = await Task.Run(() => stream.Read(buffer, 0, 2)).WaitAsync(StreamTestLoop.Timeout);
        Assert.Equal(2, n);
        Assert.Equal("ab", Encoding.UTF8.GetString(buffer));
    }

    [Fact]
    public async Task ReadChunksAsyncHonoursCancellation()
    {
        using var t = new StreamTestLoop();
        Readable r = await t.Loop.InvokeAsync(() => new Readable(new ReadableOptions { Read = (_, _) => { } }));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (NodeBuffer chunk in r.ReadChunksAsync(cts.Token))
            {
            }
        }).WaitAsync(StreamTestLoop.Timeout);
        await Task.Delay(20);
        Assert.True(await t.Loop.InvokeAsync(() => r.Destroyed).WaitAsync(StreamTestLoop.Timeout));
    }
}
