namespace NodeHttp.Tests.Streams;

// Expected logs are what node v20 prints for the script quoted above each test.
public class PipeAndDuplexTests
{
    /*
    let i = 0;
    const r = new Readable({ highWaterMark: 4, read() { if (i < 5) { const ok = this.push('x'.repeat(4)); log.push('push ' + (i++) + ' ' + ok); } else this.push(null); } });
    const w = new Writable({ highWaterMark: 8, write(c, e, cb) { log.push('write ' + c.length + ' len=' + w.writableLength); setImmediate(cb); } });
    r.on('pause'|'resume'|'end'|'close'(r close)); w.on('pipe'|'unpipe' (s === r)); w.on('drain'|'finish');
    w.on('close', () => { log.push('w close'); setImmediate(print); });
    r.pipe(w);
    */
    [Fact]
    public async Task PipeHonoursBackPressureAndEndsTheDestination()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            int i = 0;
            Writable w = null!;
            var r = new Readable(new ReadableOptions
            {
                HighWaterMark = 4,
                Read = (self, _) =>
                {
                    if (i < 5)
                    {
                        bool ok = self.Push(new string('x', 4));
                        t.Add("push " + i++ + " " + WritableTests.Js(ok));
                    }
                    else
                    {
                        self.Push((NodeBuffer?)null);
                    }
                },
            });
            w = new Writable(new WritableOptions
            {
                HighWaterMark = 8,
                Write = (self, c, cb) => { t.Add("write " + c.Length + " len=" + self.WritableLength); t.Loop.Post(() => cb(null)); },
            });
            r.On(StreamEvents.Pause, () => t.Add("pause"));
            r.On(StreamEvents.Resume, () => t.Add("resume"));
            r.On(StreamEvents.End, () => t.Add("end"));
            r.On(StreamEvents.Close, () => t.Add("r close"));
            w.On<Readable>(StreamEvents.Pipe, s => t.Add("pipe " + WritableTests.Js(ReferenceEquals(s, r))));
            w.On<Readable>(StreamEvents.Unpipe, s => t.Add("unpipe " + WritableTests.Js(ReferenceEquals(s, r))));
            w.On(StreamEvents.Drain, () => t.Add("drain"));
            w.On(StreamEvents.Finish, () => t.Add("finish"));
            w.On(StreamEvents.Close, () => { t.Add("w close"); t.Loop.Post(t.Done); });
            r.Pipe(w);
        });
        Assert.Equal(
            "pipe true|push 0 false|resume|push 1 false|write 4 len=4|push 2 false|pause|write 4 len=4|drain|resume|push 3 false|"
            + "write 4 len=4|push 4 false|pause|write 4 len=4|drain|resume|write 4 len=4|end|r close|finish|pause|unpipe true|w close",
            log);
    }

    [Fact]
    public async Task UnpipeStopsTheFlowAndEmitsUnpipe()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var r = new Readable(new ReadableOptions { Read = (_, _) => { } });
            var w = new Writable(new WritableOptions { Write = (_, c, cb) => { t.Add("write " + c); cb(null); } });
            w.On<Readable>(StreamEvents.Unpipe, _ => t.Add("unpipe"));
            r.Pipe(w, end: false);
            r.Push("a");
            t.Loop.Post(() =>
            {
                r.Unpipe(w);
                t.Add("listeners " + r.ListenerCount(StreamEvents.Data) + " flowing " + r.ReadableFlowing);
                r.Push("b");
                t.Loop.Post(() => { t.Add("len " + r.ReadableLength); t.Done(); });
            });
        });
        Assert.Equal("write a|unpipe|listeners 0 flowing False|len 1", log);
    }

    /*
    const d = new Duplex({ allowHalfOpen: false, read() {}, write(c, e, cb) { log.push('write ' + c); cb(); },
        final(cb) { log.push('final'); cb(); } });
    d.on('data'|'end'|'prefinish'|'finish'); d.on('close', print);
    d.write('w1'); d.push('r1'); d.push(null);
    */
    [Fact]
    public async Task DuplexWithoutHalfOpenEndsTheWritableSideAfterEnd()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var d = new Duplex(new DuplexOptions
            {
                AllowHalfOpen = false,
                Read = (_, _) => { },
                Write = (_, c, cb) => { t.Add("write " + c); cb(null); },
                Final = (_, cb) => { t.Add("final"); cb(null); },
            });
            d.On<NodeBuffer>(StreamEvents.Data, c => t.Add("data " + c));
            d.On(StreamEvents.End, () => t.Add("end"));
            d.On(StreamEvents.Prefinish, () => t.Add("prefinish"));
            d.On(StreamEvents.Finish, () => t.Add("finish"));
            d.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
            d.Write("w1");
            d.Push("r1");
            d.Push((NodeBuffer?)null);
        });
        Assert.Equal("write w1|data r1|end|final|prefinish|finish|close", log);
    }

    /*
    const d = new Duplex({ read() {}, write(c, e, cb) { cb(); } });
    d.on('data'...); d.on('end', () => { log.push('end writable=' + d.writable);
      setImmediate(() => { log.push('still writable=' + d.writable + ' destroyed=' + d.destroyed); d.end(); }); });
    d.on('finish'...); d.on('close', print); d.push('r1'); d.push(null);
    */
    [Fact]
    public async Task HalfOpenDuplexStaysWritableAfterEndAndClosesAfterFinish()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Duplex d = null!;
            d = new Duplex(new DuplexOptions { Read = (_, _) => { }, Write = (_, _, cb) => cb(null) });
            d.On<NodeBuffer>(StreamEvents.Data, c => t.Add("data " + c));
            d.On(StreamEvents.End, () =>
            {
                t.Add("end writable=" + WritableTests.Js(d.IsWritable));
                t.Loop.Post(() =>
                {
                    t.Add("still writable=" + WritableTests.Js(d.IsWritable) + " destroyed=" + WritableTests.Js(d.Destroyed));
                    d.End();
                });
            });
            d.On(StreamEvents.Finish, () => t.Add("finish"));
            d.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
            d.Push("r1");
            d.Push((NodeBuffer?)null);
        });
        Assert.Equal("data r1|end writable=true|still writable=true destroyed=false|finish|close", log);
    }

    [Fact]
    public async Task DuplexCanBePipedIntoAnotherDuplex()
    {
        using var t = new StreamTestLoop();
        var received = new List<string>();
        string log = await t.RunAsync(() =>
        {
            var a = new Duplex(new DuplexOptions { Read = (_, _) => { }, Write = (_, _, cb) => cb(null) });
            var b = new Duplex(new DuplexOptions { Read = (_, _) => { }, Write = (_, c, cb) => { received.Add(c.ToString()); cb(null); } });
            b.On(StreamEvents.Finish, () => { t.Add("b finish " + string.Join(",", received)); t.Done(); });
            a.Pipe(b);
            a.Push("x");
            a.Push("y");
            a.Push((NodeBuffer?)null);
        });
        Assert.Equal("b finish x,y", log);
    }
}
