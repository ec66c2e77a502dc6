namespace NodeHttp.Tests.Streams;

// The writable members are written once (WritableExtensions over IWritable) for Writable and Duplex: the same scenario,
// through each type and through the interface, must give node v20's log for both.
public class WritableMembersTests
{
    /*
    const opts = (log) => ({ highWaterMark: 5,
      write(c, e, cb) { log.push('write ' + c.toString()); cb(); },
      writev(chunks, cb) { log.push('writev ' + chunks.map(c => c.chunk.toString()).join(',')); cb(); } });
    // new Writable(opts(log)), and new Duplex({ ...opts(log), readable: false }):
    w.on('finish', ...); w.on('close', ...);
    log.push('hwm=' + w.writableHighWaterMark + ' writable=' + w.writable);
    w.cork();
    log.push('r1 ' + w.write(Buffer.from('ab'), () => log.push('cb1')));
    log.push('r2 ' + w.write('cd', 'utf8', () => log.push('cb2')));
    log.push('r3 ' + w.write(new Uint8Array([0x65, 0x66]), () => log.push('cb3')));
    log.push('r4 ' + w.write(new Uint8Array([0x67])));
    log.push('corked=' + w.writableCorked + ' len=' + w.writableLength + ' needDrain=' + w.writableNeedDrain);
    w.uncork();
    log.push('corked=' + w.writableCorked + ' len=' + w.writableLength);
    const ret = w.end('hi', 'utf8', () => log.push('endcb'));
    log.push('same=' + (ret === w) + ' ended=' + w.writableEnded + ' finished=' + w.writableFinished + ' writable=' + w.writable);
    */
    private const string NodeLog = "hwm=5 writable=true|r1 true|r2 true|r3 false|r4 false|corked=1 len=7 needDrain=true"
        + "|writev ab,cd,ef,g|corked=0 len=0|write hi|same=true ended=true finished=false writable=false"
        + "|cb1|cb2|cb3|endcb|finish|close";

    [Fact]
    public async Task WritableGivesNodesLog()
    {
        using var t = new StreamTestLoop();
        Assert.Equal(NodeLog, await t.RunAsync(() => Scenario(t, LoggingWritable(t))));
    }

    [Fact]
    public async Task DuplexGivesTheSameLog()
    {
        using var t = new StreamTestLoop();
        Assert.Equal(NodeLog, await t.RunAsync(() => Scenario(t, LoggingDuplex(t))));
    }

    [Fact]
    public async Task ADuplexSeenAsIWritableGivesTheSameLog()
    {
        using var t = new StreamTestLoop();
        Assert.Equal(NodeLog, await t.RunAsync(() => Scenario<IWritable>(t, LoggingDuplex(t))));
    }

    [Fact]
    public async Task EndReturnsTheStreamTypedAsTheCallersOwn()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var sink = new CountingSink();
            CountingSink sameSink = sink.End(NodeBuffer.From("x"), () => t.Add("sink finished"));
            var duplex = new EchoDuplex();
            EchoDuplex sameDuplex = duplex.End(() =>
            {
                t.Add("duplex finished");
                t.Done();
            });
            t.Add("sink " + ReferenceEquals(sink, sameSink) + " " + sink.Bytes);
            t.Add("duplex " + ReferenceEquals(duplex, sameDuplex));
        });
        Assert.Equal("sink True 1|duplex True|sink finished|duplex finished", log);
    }

    /*
    const w = new Writable({ write(c, e, cb) {} });
    w.on('error', () => {});
    w.write('a'); w.destroy(new Error('boom'));
    log.push('aborted=' + w.writableAborted + ' writable=' + w.writable + ' destroyed=' + w.destroyed);
    // aborted=true writable=false destroyed=true
    */
    [Fact]
    public async Task DestroyBeforeFinishIsWritableAborted()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (_, _, _) => { } });
            w.On<Exception>(StreamEvents.Error, _ => { });
            t.Add("before=" + Js(w.WritableAborted));
            w.Write("a");
            w.Destroy(new InvalidOperationException("boom"));
            t.Add("aborted=" + Js(w.WritableAborted) + " writable=" + Js(w.IsWritable) + " destroyed=" + Js(w.Destroyed));
            t.Done();
        });
        Assert.Equal("before=false|aborted=true writable=false destroyed=true", log);
    }

    [Fact]
    public async Task WriteAsyncFromAnotherThreadOnADuplexWaitsForDrain()
    {
        using var t = new StreamTestLoop();
        var callbacks = new List<Action<Exception?>>();
        Duplex d = await t.Loop.InvokeAsync(() => new Duplex(new DuplexOptions
        {
            Readable = false,
            HighWaterMark = 4,
            Write = (_, _, cb) => callbacks.Add(cb),
        })).WaitAsync(StreamTestLoop.Timeout);

        await d.WriteAsync("ab"u8.ToArray()).WaitAsync(StreamTestLoop.Timeout);
        Task second = d.WriteAsync("cdef");
        await t.Loop.InvokeAsync(() => { }).WaitAsync(StreamTestLoop.Timeout);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, await t.Loop.InvokeAsync(() => d.ListenerCount(StreamEvents.Drain)).WaitAsync(StreamTestLoop.Timeout));
        await CompleteWritesUntil(second);
        Task ended = d.EndAsync("gh");
        await CompleteWritesUntil(ended);
        Assert.Equal((0, 0, true), await t.Loop.InvokeAsync(() =>
            (d.ListenerCount(StreamEvents.Drain), d.ListenerCount(StreamEvents.Close), d.WritableFinished)).WaitAsync(StreamTestLoop.Timeout));

        // Calls back the writes made so far, on the loop, until the task completed (a few rounds at most).
        async Task CompleteWritesUntil(Task task)
        {
            for (int i = 0; i < 10 && !task.IsCompleted; i++)
            {
                await t.Loop.InvokeAsync(() => { foreach (var cb in callbacks.ToArray()) { callbacks.Remove(cb); cb(null); } })
                    .WaitAsync(StreamTestLoop.Timeout);
            }
            await task.WaitAsync(StreamTestLoop.Timeout);
        }
    }

    [Fact]
    public async Task WriteAsyncCancelledWhileWaitingForDrainStopsTheWaitAndRemovesItsListeners()
    {
        using var t = new StreamTestLoop();
        Writable w = await t.Loop.InvokeAsync(() => new Writable(new WritableOptions { HighWaterMark = 2, Write = (_, _, _) => { } }))
            .WaitAsync(StreamTestLoop.Timeout);
        using var cts = new CancellationTokenSource();
        Task pending = w.WriteAsync("abc", cts.Token);
        await t.Loop.InvokeAsync(() => { }).WaitAsync(StreamTestLoop.Timeout);
        Assert.False(pending.IsCompleted);
        cts.Cancel();
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(StreamTestLoop.Timeout));
        Assert.Equal(cts.Token, ex.CancellationToken);
        Assert.Equal((0, 0, 3), await t.Loop.InvokeAsync(() =>
            (w.ListenerCount(StreamEvents.Drain), w.ListenerCount(StreamEvents.Close), w.WritableLength)).WaitAsync(StreamTestLoop.Timeout));
    }

    [Fact]
    public async Task EndAsyncCancelledWhileWaitingForFinishStopsTheWaitButTheStreamStaysEnded()
    {
        using var t = new StreamTestLoop();
        Writable w = await t.Loop.InvokeAsync(() => new Writable(new WritableOptions { Write = (_, _, _) => { } }))
            .WaitAsync(StreamTestLoop.Timeout);
        using var cts = new CancellationTokenSource();
        Task pending = w.EndAsync("last", cts.Token);
        await t.Loop.InvokeAsync(() => { }).WaitAsync(StreamTestLoop.Timeout);
        Assert.False(pending.IsCompleted);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(StreamTestLoop.Timeout));
        Assert.Equal((0, true, false), await t.Loop.InvokeAsync(() =>
            (w.ListenerCount(StreamEvents.Close), w.WritableEnded, w.WritableFinished)).WaitAsync(StreamTestLoop.Timeout));
    }

    [Fact]
    public async Task WriteAndEndCancelledBeforeTheLoopRanThemTouchNothing()
    {
        using var t = new StreamTestLoop();
        var written = new List<string>();
        Writable w = await t.Loop.InvokeAsync(() => new Writable(new WritableOptions { Write = (_, c, cb) => { written.Add(c.ToString()); cb(null); } }))
            .WaitAsync(StreamTestLoop.Timeout);
        using var release = new SemaphoreSlim(0);
        using var blocked = new SemaphoreSlim(0);
        // Holds the loop so the operations below stay queued until the token fired.
        t.Loop.Post(() =>
        {
            blocked.Release();
            release.Wait(StreamTestLoop.Timeout);
        });
        Assert.True(await blocked.WaitAsync(StreamTestLoop.Timeout));
        using var cts = new CancellationTokenSource();
        Task write = w.WriteAsync("never"u8.ToArray(), cts.Token);
        Task end = w.EndAsync(cts.Token);
        cts.Cancel();
        release.Release();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write.WaitAsync(StreamTestLoop.Timeout));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => end.WaitAsync(StreamTestLoop.Timeout));
        Assert.Equal((0, false), await t.Loop.InvokeAsync(() => (written.Count, w.WritableEnded)).WaitAsync(StreamTestLoop.Timeout));
    }

    // The scenario of NodeLog, typed as T: the members bind to WritableExtensions whatever T is.
    private static void Scenario<T>(StreamTestLoop t, T w)
        where T : IWritable
    {
        w.On(StreamEvents.Finish, () => t.Add("finish"));
        w.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
        t.Add("hwm=" + w.WritableHighWaterMark + " writable=" + Js(w.IsWritable));
        w.Cork();
        t.Add("r1 " + Js(w.Write(NodeBuffer.From("ab"), _ => t.Add("cb1"))));
        t.Add("r2 " + Js(w.Write("cd", "utf8", _ => t.Add("cb2"))));
        t.Add("r3 " + Js(w.Write(new ReadOnlyMemory<byte>([0x65, 0x66]), _ => t.Add("cb3"))));
        t.Add("r4 " + Js(w.Write(new byte[] { 0x67 })));
        t.Add("corked=" + w.WritableCorked + " len=" + w.WritableLength + " needDrain=" + Js(w.WritableNeedDrain));
        w.Uncork();
        t.Add("corked=" + w.WritableCorked + " len=" + w.WritableLength);
        T ret = w.End("hi", "utf8", () => t.Add("endcb"));
        t.Add("same=" + Js(ReferenceEquals(ret, w)) + " ended=" + Js(w.WritableEnded) + " finished=" + Js(w.WritableFinished)
            + " writable=" + Js(w.IsWritable));
    }

    private static string Js(bool b) => WritableTests.Js(b);

    private static Writable LoggingWritable(StreamTestLoop t) => new(new WritableOptions
    {
        HighWaterMark = 5,
        Write = (_, c, cb) => LogWrite(t, c, cb),
        Writev = (_, chunks, cb) => LogWritev(t, chunks, cb),
    });

    private static Duplex LoggingDuplex(StreamTestLoop t) => new(new DuplexOptions
    {
        Readable = false,
        HighWaterMark = 5,
        Write = (_, c, cb) => LogWrite(t, c, cb),
        Writev = (_, chunks, cb) => LogWritev(t, chunks, cb),
    });

    private static void LogWrite(StreamTestLoop t, NodeBuffer chunk, Action<Exception?> callback)
    {
        t.Add("write " + chunk);
        callback(null);
    }

    private static void LogWritev(StreamTestLoop t, IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback)
    {
        t.Add("writev " + string.Join(",", chunks));
        callback(null);
    }

    private sealed class CountingSink : Writable
    {
        internal int Bytes { get; private set; }

        protected override void WriteCore(NodeBuffer chunk, Action<Exception?> callback)
        {
            Bytes += chunk.Length;
            callback(null);
        }
    }

    private sealed class EchoDuplex : Duplex
    {
        internal EchoDuplex()
            : base(new DuplexOptions { Readable = false })
        {
        }

        protected override void WriteCore(NodeBuffer chunk, Action<Exception?> callback) => callback(null);
    }
}
