namespace NodeHttp.Tests.Streams;

// Expected logs are what node v20 prints for the script quoted above each test.
public class ReadableTests
{
    private static Readable Source(StreamTestLoop t, int? highWaterMark = null, Action<Readable, int>? read = null) =>
        new(new ReadableOptions { HighWaterMark = highWaterMark, Read = read ?? ((_, _) => { }) });

    /*
    const r = new Readable({ read() {} });
    r.push('a'); r.push('b'); log.push('flowing=' + r.readableFlowing);
    r.on('data', (d) => log.push('data ' + d)); log.push('flowing=' + r.readableFlowing);
    r.on('end'...); r.on('resume'...); r.on('close', ...print);
    r.push('c'); r.push(null); log.push('sync done');
    */
    [Fact]
    public async Task DataListenerStartsFlowingAndEndPrecedesClose()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Readable r = Source(t);
            r.Push("a");
            r.Push("b");
            t.Add("flowing=" + Flowing(r));
            r.On<NodeBuffer>(StreamEvents.Data, d => t.Add("data " + d));
            t.Add("flowing=" + Flowing(r));
            r.On(StreamEvents.End, () => t.Add("end"));
            r.On(StreamEvents.Resume, () => t.Add("resume"));
            r.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
            r.Push("c");
            r.Push((NodeBuffer?)null);
            t.Add("sync done");
        });
        Assert.Equal("flowing=null|flowing=true|sync done|resume|data a|data b|data c|end|close", log);
    }

    /*
    const r = new Readable({ read() {} });
    r.on('readable', () => { let c; log.push('readable'); while ((c = r.read()) !== null) log.push('read ' + c); });
    log.push('flowing=' + r.readableFlowing);
    r.push('ab'); r.push('cd');
    setImmediate(() => { r.push('ef'); setImmediate(() => r.push(null)); });
    */
    [Fact]
    public async Task ReadableListenerPausesAndReadPulls()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Readable r = Source(t);
            r.On(StreamEvents.Readable, () =>
            {
                t.Add("readable");
                object? c;
                while ((c = r.Read()) is not null)
                {
                    t.Add("read " + c);
                }
            });
            r.On(StreamEvents.End, () => t.Add("end"));
            r.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
            t.Add("flowing=" + Flowing(r));
            r.Push("ab");
            r.Push("cd");
            t.Loop.Post(() => { r.Push("ef"); t.Loop.Post(() => r.Push((NodeBuffer?)null)); });
        });
        Assert.Equal("flowing=false|readable|read abcd|readable|read ef|readable|end|close", log);
    }

    /*
    const r = new Readable({ highWaterMark: 4, read(size) { log.push('_read ' + size); } });
    log.push('p1 ' + r.push('ab')); log.push('p2 ' + r.push('cd')); log.push('len ' + r.readableLength);
    setImmediate(() => { log.push('no reads while full'); log.push('read1 ' + r.read(2));
      setImmediate(() => { log.push('read2 ' + r.read(2)); setImmediate(print); }); });
    */
    [Fact]
    public async Task PushReturnsFalseAtHighWaterMarkAndReadCoreWaitsForTheConsumer()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Readable r = Source(t, 4, (_, size) => t.Add("_read " + size));
            t.Add("p1 " + WritableTests.Js(r.Push("ab")));
            t.Add("p2 " + WritableTests.Js(r.Push("cd")));
            t.Add("len " + r.ReadableLength);
            t.Loop.Post(() =>
            {
                t.Add("no reads while full");
                t.Add("read1 " + r.Read(2));
                t.Loop.Post(() =>
                {
                    t.Add("read2 " + r.Read(2));
                    t.Loop.Post(t.Done);
                });
            });
        });
        Assert.Equal("p1 true|p2 false|len 4|no reads while full|_read 4|read1 ab|read2 cd", log);
    }

    [Fact]
    public async Task PausedStreamStopsCallingReadCoreUntilResumed()
    {
        using var t = new StreamTestLoop();
        int reads = 0;
        int readsWhilePaused = -1;
        string log = await t.RunAsync(() =>
        {
            Readable r = null!;
            r = Source(t, 8, (_, _) => { reads++; t.Loop.Post(() => r.Push(NodeBuffer.Alloc(4))); });
            int received = 0;
            r.On<NodeBuffer>(StreamEvents.Data, d =>
            {
                received += d.Length;
                if (received == 8)
                {
                    r.Pause();
                    t.Loop.SetTimeout(() =>
                    {
                        readsWhilePaused = reads;
                        t.Add("buffered " + r.ReadableLength);
                        t.Loop.SetTimeout(() =>
                        {
                            t.Add("reads stopped " + WritableTests.Js(reads == readsWhilePaused));
                            r.Destroy();
                            t.Done();
                        }, 30);
                    }, 30);
                }
            });
        });
        // While paused the buffer fills to the highWaterMark (8) and then no more ReadCore calls happen.
        Assert.Equal("buffered 8|reads stopped true", log);
    }

    /*
    const r = new Readable({ read() {} }); r.setEncoding('utf8');
    r.on('data', (d) => log.push('data ' + JSON.stringify(d) + ' ' + typeof d));
    const euro = Buffer.from('€x');
    r.push(euro.subarray(0, 2)); r.push(euro.subarray(2, 3)); r.push(euro.subarray(3));
    r.push(Buffer.from([0xf0, 0x9f])); r.push(Buffer.from([0x98, 0x80])); r.push(null);
    */
    [Fact]
    public async Task SetEncodingDecodesCharactersSplitAcrossChunks()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Readable r = Source(t).SetEncoding("utf8");
            r.On<string>(StreamEvents.Data, d => t.Add("data \"" + d + "\" string"));
            r.On(StreamEvents.End, () => { t.Add("end"); t.Done(); });
            NodeBuffer euro = NodeBuffer.From("€x");
            r.Push(euro.Slice(0, 2));
            r.Push(euro.Slice(2, 3));
            r.Push(euro.Slice(3));
            r.Push(NodeBuffer.From([0xf0, 0x9f]));
            r.Push(NodeBuffer.From([0x98, 0x80]));
            r.Push((NodeBuffer?)null);
        });
        Assert.Equal("data \"€\" string|data \"x\" string|data \"😀\" string|end", log);
    }

    [Fact]
    public async Task SetEncodingConvertsWhatIsAlreadyBuffered()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Readable r = Source(t);
            r.Push(NodeBuffer.From("hé"));
            r.SetEncoding("hex");
            t.Add("len " + r.ReadableLength);
            t.Add("read " + r.Read());
            t.Done();
        });
        Assert.Equal("len 6|read 68c3a9", log);
    }

    /*
    const r = new Readable({ read() {} }); r.push('hello'); r.push(null);
    r.once('readable', () => { const c = r.read(2); log.push('read ' + c); r.unshift(Buffer.from('XY'));
      log.push('len ' + r.readableLength); r.on('data', ...); r.on('end', ...print); });
    */
    [Fact]
    public async Task UnshiftPutsDataBackInFront()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Readable r = Source(t);
            r.Push("hello");
            r.Push((NodeBuffer?)null);
            r.Once(StreamEvents.Readable, () =>
            {
                t.Add("read " + r.Read(2));
                r.Unshift(NodeBuffer.From("XY"));
                t.Add("len " + r.ReadableLength);
                r.On<NodeBuffer>(StreamEvents.Data, d => t.Add("data " + d));
                r.On(StreamEvents.End, () => { t.Add("end"); t.Done(); });
            });
        });
        Assert.Equal("read he|len 5|data XY|data llo|end", log);
    }

    /*
    const r = new Readable({ read() {} }); r.on('end'...); r.on('close', ...print);
    r.push('a'); r.push(null);
    setImmediate(() => { log.push('ended? ' + r.readableEnded); r.on('data', d => log.push('data ' + d)); });
    */
    [Fact]
    public async Task EndWaitsUntilTheDataIsConsumed()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Readable r = Source(t);
            r.On(StreamEvents.End, () => t.Add("end"));
            r.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
            r.Push("a");
            r.Push((NodeBuffer?)null);
            t.Loop.Post(() =>
            {
                t.Add("ended? " + WritableTests.Js(r.ReadableEnded));
                r.On<NodeBuffer>(StreamEvents.Data, d => t.Add("data " + d));
            });
        });
        Assert.Equal("ended? false|data a|end|close", log);
    }

    /*
    const r = new Readable({ read() {} }); r.on('error'...); r.on('close'...); r.on('end'...); r.on('data'...);
    r.push('a'); r.destroy(new Error('boom')); log.push('after destroy'); process.nextTick(() => log.push('tick'));
    */
    [Fact]
    public async Task DestroyWithErrorEmitsErrorThenCloseAndNoEnd()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Readable r = Source(t);
            r.On<Exception>(StreamEvents.Error, e => t.Add("error " + e.Message));
            r.On(StreamEvents.Close, () => { t.Add("close"); t.Loop.Post(t.Done); });
            r.On(StreamEvents.End, () => t.Add("end"));
            r.On<NodeBuffer>(StreamEvents.Data, d => t.Add("data " + d));
            r.Push("a");
            r.Destroy(new InvalidOperationException("boom"));
            t.Add("after destroy");
            t.Loop.NextTick(() => t.Add("tick"));
        });
        Assert.Equal("after destroy|data a|error boom|close|tick", log);
    }

    /*
    const r = new Readable({ read() {} }); r.on('error', (e) => log.push('error ' + e.code)); r.on('close', ...print);
    r.push(null); r.push('late'); log.push('sync');
    */
    [Fact]
    public async Task PushAfterEofIsAnError()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Readable r = Source(t);
            r.On<Exception>(StreamEvents.Error, e => t.Add("error " + ((NodeHttpException)e).Code));
            r.On(StreamEvents.Close, () => { t.Add("close"); t.Done(); });
            r.Push((NodeBuffer?)null);
            r.Push("late");
            t.Add("sync");
        });
        Assert.Equal("sync|error ERR_STREAM_PUSH_AFTER_EOF|close", log);
    }

    [Fact]
    public async Task ExplicitPauseBeforeDataListenerKeepsTheStreamPaused()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            Readable r = Source(t);
            r.Push("a");
            r.Pause();
            r.On<NodeBuffer>(StreamEvents.Data, d => t.Add("data " + d));
            t.Loop.Post(() =>
            {
                t.Add("paused " + WritableTests.Js(r.IsPaused()) + " len " + r.ReadableLength);
                r.Resume();
                t.Loop.Post(t.Done);
            });
        });
        Assert.Equal("paused true len 1|data a", log);
    }

    private static string Flowing(Readable r) => r.ReadableFlowing switch { null => "null", true => "true", false => "false" };
}

public class ReadableListenerTrackingTests
{
    [Fact]
    public async Task DataListenerAddedAfterRemoveAllListenersStillStartsTheFlow()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var r = new Readable(new ReadableOptions { Read = (_, _) => { } });
            r.On(StreamEvents.End, () => t.Add("old end"));
            r.RemoveAllListeners();
            r.On<NodeBuffer>(StreamEvents.Data, d => t.Add("data " + d));
            r.On(StreamEvents.End, () => { t.Add("end"); t.Done(); });
            r.Push("a");
            r.Push((NodeBuffer?)null);
        });
        Assert.Equal("data a|end", log);
    }
}
