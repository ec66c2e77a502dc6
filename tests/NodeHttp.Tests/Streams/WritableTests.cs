namespace NodeHttp.Tests.Streams;

// Expected logs are what node v20 prints for the script quoted above each test.
public class WritableTests
{
    /*
    const w = new Writable({ highWaterMark: 10, write(c, e, cb) { log.push('write ' + c.length); setImmediate(cb); },
        writev(chunks, cb) { log.push('writev ' + chunks.map(c=>c.chunk.length).join(',')); setImmediate(cb); } });
    w.on('drain'|'finish'|'prefinish'|'close', ...);
    log.push('r1 ' + w.write(Buffer.alloc(4), () => log.push('cb1')));   // r2, r3 likewise
    w.end(() => log.push('endcb'));
    process.nextTick(() => log.push('tick'));
    */
    [Fact]
    public async Task WritesDuringAnInFlightWriteAreFlushedWithOneWritev()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions
            {
                HighWaterMark = 10,
                Write = (s, c, cb) => { t.Add("write " + c.Length); t.Loop.Post(() => cb(null)); },
                Writev = (s, chunks, cb) => { t.Add("writev " + string.Join(",", chunks.Select(c => c.Length))); t.Loop.Post(() => cb(null)); },
            });
            w.On(StreamEvents.Drain, () => t.Add("drain"));
            w.On(StreamEvents.Finish, () => t.Add("finish"));
            w.On(StreamEvents.Prefinish, () => t.Add("prefinish"));
            w.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
            t.Add("r1 " + Js(w.Write(NodeBuffer.Alloc(4), _ => t.Add("cb1"))));
            t.Add("r2 " + Js(w.Write(NodeBuffer.Alloc(4), _ => t.Add("cb2"))));
            t.Add("r3 " + Js(w.Write(NodeBuffer.Alloc(4), _ => t.Add("cb3"))));
            w.End(() => t.Add("endcb"));
            t.Loop.NextTick(() => t.Add("tick"));
        });
        Assert.Equal("write 4|r1 true|r2 true|r3 false|tick|writev 4,4|cb1|cb2|cb3|prefinish|endcb|finish|close", log);
    }

    /*
    const w = new Writable({ highWaterMark: 10, write(c, e, cb) { log.push('write ' + c.length); setImmediate(cb); } });
    w.on('drain', () => { log.push('drain len=' + w.writableLength); w.end(); });
    log.push('r1 ' + w.write(Buffer.alloc(6)) + ' len=' + w.writableLength);
    log.push('r2 ' + w.write(Buffer.alloc(6)) + ' len=' + w.writableLength + ' needDrain=' + w.writableNeedDrain);
    */
    [Fact]
    public async Task WriteReturnsFalseAtHighWaterMarkAndDrainFollowsWhenEmpty()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Writable w = null!;
            w = new Writable(new WritableOptions
            {
                HighWaterMark = 10,
                Write = (s, c, cb) => { t.Add("write " + c.Length); t.Loop.Post(() => cb(null)); },
            });
            w.On(StreamEvents.Drain, () => { t.Add("drain len=" + w.WritableLength); w.End(); });
            w.On(StreamEvents.Finish, () => t.Add("finish"));
            w.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
            t.Add("r1 " + Js(w.Write(NodeBuffer.Alloc(6))) + " len=" + w.WritableLength);
            t.Add("r2 " + Js(w.Write(NodeBuffer.Alloc(6))) + " len=" + w.WritableLength + " needDrain=" + Js(w.WritableNeedDrain));
        });
        Assert.Equal("write 6|r1 true len=6|r2 false len=12 needDrain=true|write 6|drain len=0|finish|close", log);
    }

    /*
    const w = new Writable({ write(c, e, cb) { log.push('write ' + c); cb(); },
        writev(chunks, cb) { log.push('writev ' + chunks.map(c => c.chunk.toString()).join(',')); cb(); } });
    w.cork(); w.cork();
    w.write('a', () => log.push('cb a')); w.write('b', () => log.push('cb b')); w.write('c');
    log.push('corked=' + w.writableCorked);
    w.uncork(); log.push('after uncork1'); w.uncork(); log.push('after uncork2'); w.end('d');
    */
    [Fact]
    public async Task NestedCorkBatchesIntoOneWritev()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions
            {
                Write = (s, c, cb) => { t.Add("write " + c); cb(null); },
                Writev = (s, chunks, cb) => { t.Add("writev " + string.Join(",", chunks.Select(c => c.ToString()))); cb(null); },
            });
            w.On(StreamEvents.Finish, () => t.Add("finish"));
            w.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
            w.Cork();
            w.Cork();
            w.Write("a", callback: _ => t.Add("cb a"));
            w.Write("b", callback: _ => t.Add("cb b"));
            w.Write("c");
            t.Add("corked=" + w.WritableCorked);
            w.Uncork();
            t.Add("after uncork1");
            w.Uncork();
            t.Add("after uncork2");
            w.End("d");
        });
        Assert.Equal("corked=2|after uncork1|writev a,b,c|after uncork2|write d|cb a|cb b|finish|close", log);
    }

    [Fact]
    public async Task WithoutWritevBufferedWritesGoOneByOne()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions
            {
                Write = (s, c, cb) => { t.Add("write " + c); t.Loop.Post(() => cb(null)); },
            });
            w.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
            w.Cork();
            w.Write("a");
            w.Write("b");
            w.Uncork();
            w.End();
        });
        Assert.Equal("write a|write b|close", log);
    }

    /*
    const w = new Writable({ write(c, e, cb) { log.push('write'); cb(); } });
    w.on('error', (e) => log.push('error ' + e.code)); w.on('finish'...); w.on('close'...);
    w.end('a');
    log.push('ret ' + w.write('b', (e) => log.push('cb ' + (e && e.code))));
    process.nextTick(() => log.push('tick'));
    */
    [Fact]
    public async Task WriteAfterEndFailsTheCallbackThenEmitsError()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (s, c, cb) => { t.Add("write"); cb(null); } });
            w.On<Exception>(StreamEvents.Error, e => t.Add("error " + ((NodeHttpException)e).Code));
            w.On(StreamEvents.Finish, () => t.Add("finish"));
            w.On(StreamEvents.Close, () => { t.Add("close"); t.Loop.Post(t.Done); });
            w.End("a");
            t.Add("ret " + Js(w.Write("b", callback: e => t.Add("cb " + (e as NodeHttpException)?.Code))));
            t.Loop.NextTick(() => t.Add("tick"));
        });
        Assert.Equal("write|ret false|cb ERR_STREAM_WRITE_AFTER_END|error ERR_STREAM_WRITE_AFTER_END|close|tick", log);
    }

    /*
    const w = new Writable({ write(c, e, cb) { log.push('write'); cb(); cb(); } });
    w.write('a', (e) => log.push('cb ' + (e && e.code))); log.push('sync end');
    */
    [Fact]
    public async Task CallingTheWriteCallbackTwiceIsErrMultipleCallback()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (s, c, cb) => { t.Add("write"); cb(null); cb(null); } });
            w.On<Exception>(StreamEvents.Error, e => t.Add("error " + ((NodeHttpException)e).Code));
            w.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
            w.Write("a", callback: e => t.Add("cb " + ((e as NodeHttpException)?.Code ?? "null")));
            t.Add("sync end");
        });
        Assert.Equal("write|sync end|cb null|error ERR_MULTIPLE_CALLBACK|close", log);
    }

    /*
    const w = new Writable({ write(c, e, cb) { log.push('write ' + c); } });   // never calls back
    w.write('a', ...); w.write('b', ...); w.end(...); w.destroy(new Error('boom')); log.push('destroyed=' + w.destroyed);
    */
    [Fact]
    public async Task DestroyEmitsErrorThenClose()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (s, c, cb) => t.Add("write " + c) });
            w.On<Exception>(StreamEvents.Error, e => t.Add("error " + e.Message));
            w.On(StreamEvents.Close, () => { t.Add("close"); t.Loop.Post(t.Done); });
            w.Write("a", callback: e => t.Add("cb a"));
            w.Write("b", callback: e => t.Add("cb b"));
            w.End(() => t.Add("end cb"));
            w.Destroy(new InvalidOperationException("boom"));
            t.Add("destroyed=" + Js(w.Destroyed));
        });
        Assert.Equal("write a|destroyed=true|error boom|close", log);
    }

    [Fact]
    public async Task DestroyFailsBufferedWritesWhenNothingIsInFlight()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (s, c, cb) => cb(null) });
            w.On(StreamEvents.Close, () => { t.Add("close"); t.Loop.Post(t.Done); });
            w.Cork();
            w.Write("a", callback: e => t.Add("cb a " + (e as NodeHttpException)?.Code));
            w.Destroy();
        });
        Assert.Equal("cb a ERR_STREAM_DESTROYED|close", log);
    }

    [Fact]
    public async Task WriteAsyncWaitsForDrainAndEndAsyncForFinish()
    {
        using var t = new StreamTestLoop();
        var callbacks = new List<Action<Exception?>>();
        Writable w = await t.Loop.InvokeAsync(() => new Writable(new WritableOptions
        {
            HighWaterMark = 4,
            Write = (s, c, cb) => callbacks.Add(cb),
        })).WaitAsync(StreamTestLoop.Timeout);

        await w.WriteAsync("ab").WaitAsync(StreamTestLoop.Timeout);      // below the highWaterMark: accepted at once
        Task second = w.WriteAsync("cdef");                              // reaches it: waits for 'drain'
        await Task.Delay(50);
        Assert.False(second.IsCompleted);
        await t.Loop.InvokeAsync(() => { foreach (var cb in callbacks.ToArray()) { callbacks.Remove(cb); cb(null); } });
        await t.Loop.InvokeAsync(() => { foreach (var cb in callbacks.ToArray()) { callbacks.Remove(cb); cb(null); } });
        await second.WaitAsync(StreamTestLoop.Timeout);
        await w.EndAsync().WaitAsync(StreamTestLoop.Timeout);
        Assert.True(await t.Loop.InvokeAsync(() => w.WritableFinished));
    }

    [Fact]
    public async Task WriteAsyncFailsWhenTheStreamIsDestroyed()
    {
        using var t = new StreamTestLoop();
        Writable w = await t.Loop.InvokeAsync(() => new Writable(new WritableOptions { HighWaterMark = 1, Write = (s, c, cb) => { } }))
            .WaitAsync(StreamTestLoop.Timeout);
        Task pending = w.WriteAsync("abc");
        await t.Loop.InvokeAsync(() => w.Destroy());
        var ex = await Assert.ThrowsAsync<NodeHttpException>(() => pending.WaitAsync(StreamTestLoop.Timeout));
        Assert.Equal("ERR_STREAM_DESTROYED", ex.Code);
    }

    internal static string Js(bool b) => b ? "true" : "false";
}
