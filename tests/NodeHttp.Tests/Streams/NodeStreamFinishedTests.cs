namespace NodeHttp.Tests.Streams;

// NodeStream.Finished is Node's stream.finished. Expected logs are what node v20 prints for the script quoted above
// each test (`show(e)` is 'ok', or 'err ' + the error's code, else its message).
public class NodeStreamFinishedTests
{
    private static string Show(Exception? e) => e is null ? "ok" : "err " + (e is NodeHttpException n ? n.Code : e.Message);

    /*
    const w = new Writable({ write(ch, e, cb) { setImmediate(cb); } });
    finished(w, e => log('finished ' + show(e)));
    w.on('finish', ...); w.on('close', ...);
    w.write('a'); w.end(); log('ended');
    */
    [Fact]
    public async Task A_writable_is_finished_at_its_close()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (_, _, cb) => t.Loop.Post(() => cb(null)) });
            NodeStream.Finished(w, e => { t.Add("finished " + Show(e)); t.Loop.Post(t.Done); });
            w.On(StreamEvents.Finish, () => t.Add("finish"));
            w.On(StreamEvents.Close, () => t.Add("close"));
            w.Write("a");
            w.End();
            t.Add("ended");
        });
        Assert.Equal("ended|finish|finished ok|close", log);
    }

    /*
    const w = new Writable({ write(ch, e, cb) { cb(); } });
    w.on('close', () => { log('close'); finished(w, e => log('late ' + show(e))); process.nextTick(() => log('tick')); });
    w.end('x');
    */
    [Fact]
    public async Task Attached_after_close_it_calls_back_on_the_next_tick()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (_, _, cb) => cb(null) });
            w.On(StreamEvents.Close, () =>
            {
                t.Add("close");
                NodeStream.Finished(w, e => { t.Add("late " + Show(e)); t.Loop.Post(t.Done); });
                t.Loop.NextTick(() => t.Add("tick"));
            });
            w.End("x");
        });
        Assert.Equal("close|late ok|tick", log);
    }

    /*
    const w = new Writable({ write(ch, e, cb) {} });
    w.write('a'); finished(w, ...); w.on('close', ...); w.destroy();
    */
    [Fact]
    public async Task A_writable_destroyed_before_finish_closed_prematurely()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (_, _, _) => { } });
            w.Write("a");
            NodeStream.Finished(w, e => { t.Add("finished " + Show(e)); t.Loop.Post(t.Done); });
            w.On(StreamEvents.Close, () => t.Add("close"));
            w.Destroy();
        });
        Assert.Equal("finished err ERR_STREAM_PREMATURE_CLOSE|close", log);
    }

    /*
    const w = new Writable({ write(ch, e, cb) { cb(new Error('boom')); } });
    finished(w, ...); w.on('close', ...); w.write('a');
    */
    [Fact]
    public async Task A_write_error_settles_it_with_the_error_and_is_not_unhandled()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (_, _, cb) => cb(new InvalidOperationException("boom")) });
            NodeStream.Finished(w, e => { t.Add("finished " + Show(e)); t.Loop.Post(t.Done); });
            w.On(StreamEvents.Close, () => t.Add("close"));
            w.Write("a");
        });
        Assert.Equal("finished err boom|close", log);
    }

    /*
    const w = new Writable({ write(ch, e, cb) { cb(new Error('boom')); } });
    w.on('error', e => log('error ' + e.message));
    finished(w, { error: false }, ...); w.on('close', ...); w.write('a');
    */
    [Fact]
    public async Task With_error_false_the_error_is_reported_at_close()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (_, _, cb) => cb(new InvalidOperationException("boom")) });
            w.On<Exception>(StreamEvents.Error, e => t.Add("error " + e.Message));
            NodeStream.Finished(w, new FinishedOptions { Error = false }, e => { t.Add("finished " + Show(e)); t.Loop.Post(t.Done); });
            w.On(StreamEvents.Close, () => t.Add("close"));
            w.Write("a");
        });
        Assert.Equal("error boom|finished err boom|close", log);
    }

    /*
    const r = new Readable({ read() {} });
    finished(r, ...); r.on('end', ...); r.on('close', ...);
    r.push('a'); r.push(null); r.resume();
    */
    [Fact]
    public async Task A_readable_is_finished_after_end_at_its_close()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var r = new Readable(new ReadableOptions { Read = (_, _) => { } });
            NodeStream.Finished(r, e => { t.Add("finished " + Show(e)); t.Loop.Post(t.Done); });
            r.On(StreamEvents.End, () => t.Add("end"));
            r.On(StreamEvents.Close, () => t.Add("close"));
            r.Push("a");
            r.Push((NodeBuffer?)null);
            r.Resume();
        });
        Assert.Equal("end|finished ok|close", log);
    }

    /*
    const r = new Readable({ read() {} });
    finished(r, ...); r.push('a'); r.destroy();
    */
    [Fact]
    public async Task A_readable_destroyed_before_end_closed_prematurely()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var r = new Readable(new ReadableOptions { Read = (_, _) => { } });
            NodeStream.Finished(r, e => { t.Add("finished " + Show(e)); t.Loop.Post(t.Done); });
            r.Push("a");
            r.Destroy();
        });
        Assert.Equal("finished err ERR_STREAM_PREMATURE_CLOSE", log);
    }

    /*
    const r = new Readable({ read() {}, emitClose: false });
    r.push(null); finished(r, ...); r.on('end', ...); r.resume();
    */
    [Fact]
    public async Task A_readable_that_emits_no_close_and_has_ended_is_finished_on_the_next_tick()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var r = new Readable(new ReadableOptions { Read = (_, _) => { }, EmitClose = false });
            r.Push((NodeBuffer?)null);
            NodeStream.Finished(r, e => t.Add("finished " + Show(e)));
            r.On(StreamEvents.End, () => { t.Add("end"); t.Loop.Post(t.Done); });
            r.Resume();
        });
        Assert.Equal("finished ok|end", log);
    }

    /*
    const w = new Writable({ write(ch, e, cb) { cb(); } });
    const cleanup = finished(w, e => log('finished ' + show(e)));
    log('listeners ' + close + ' ' + finish + ' ' + error); cleanup(); log('after ' + ...);
    w.on('close', () => log('close')); w.end();
    */
    [Fact]
    public async Task Cleanup_removes_the_listeners_and_the_callback_is_not_called()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (_, _, cb) => cb(null) });
            Action cleanup = NodeStream.Finished(w, e => t.Add("finished " + Show(e)));
            string Counts() => w.ListenerCount(StreamEvents.Close) + " " + w.ListenerCount(StreamEvents.Finish) + " " + w.ListenerCount(StreamEvents.Error);
            t.Add("listeners " + Counts());
            cleanup();
            t.Add("after " + Counts());
            w.On(StreamEvents.Close, () => { t.Add("close"); t.Loop.Post(t.Done); });
            w.End();
        });
        Assert.Equal("listeners 1 1 1|after 0 0 0|close", log);
    }

    /*
    const d = new Duplex({ read() {}, write(ch, e, cb) { cb(); } });
    finished(d, ...); d.on('finish'|'end'|'close', ...);
    d.end('x'); setImmediate(() => { log('push null'); d.push(null); d.resume(); });
    */
    [Fact]
    public async Task A_duplex_waits_for_both_sides()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var d = new Duplex(new DuplexOptions { Read = (_, _) => { }, Write = (_, _, cb) => cb(null) });
            NodeStream.Finished(d, e => { t.Add("finished " + Show(e)); t.Loop.Post(t.Done); });
            d.On(StreamEvents.Finish, () => t.Add("finish"));
            d.On(StreamEvents.End, () => t.Add("end"));
            d.On(StreamEvents.Close, () => t.Add("close"));
            d.End("x");
            t.Loop.Post(() =>
            {
                t.Add("push null");
                d.Push((NodeBuffer?)null);
                d.Resume();
            });
        });
        Assert.Equal("finish|push null|end|finished ok|close", log);
    }

    /*
    const d = new Duplex({ read() {}, write(ch, e, cb) { cb(); } });
    finished(d, { readable: false }, e => { log('finished ' + show(e)); d.destroy(); });
    d.on('finish', ...); d.end('x');
    */
    [Fact]
    public async Task Readable_false_waits_for_the_writable_side_only()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var d = new Duplex(new DuplexOptions { Read = (_, _) => { }, Write = (_, _, cb) => cb(null) });
            NodeStream.Finished(d, new FinishedOptions { Readable = false }, e =>
            {
                t.Add("finished " + Show(e));
                d.Destroy();
                t.Loop.Post(t.Done);
            });
            d.On(StreamEvents.Finish, () => t.Add("finish"));
            d.End("x");
        });
        Assert.Equal("finished ok|finish", log);
    }

    /*
    const d = new Duplex({ read() {}, write(ch, e, cb) { cb(); }, readable: false });
    d.on('finish', () => { log('finish'); finished(d, ...); }); d.on('close', ...); d.end('x');
    */
    [Fact]
    public async Task A_duplex_without_a_readable_side_attached_at_finish_settles_at_close()
    {
        using var t = new StreamTestLoop();
        string log = await t.RunAsync(() =>
        {
            var d = new Duplex(new DuplexOptions { Read = (_, _) => { }, Write = (_, _, cb) => cb(null), Readable = false });
            d.On(StreamEvents.Finish, () =>
            {
                t.Add("finish");
                NodeStream.Finished(d, e => { t.Add("finished " + Show(e)); t.Loop.Post(t.Done); });
            });
            d.On(StreamEvents.Close, () => t.Add("close"));
            d.End("x");
        });
        Assert.Equal("finish|close|finished ok", log);
    }

    /*
    const ac = new AbortController(); const w = new Writable({ write(ch, e, cb) {} });
    finished(w, { signal: ac.signal }, e => { log('finished ' + show(e)); log('listeners ' + w.listenerCount('close')); });
    ac.abort(); log('aborted');
    */
    [Fact]
    public async Task The_signal_stops_the_wait_with_ABORT_ERR()
    {
        using var t = new StreamTestLoop();
        using var cts = new CancellationTokenSource();
        string log = await t.RunAsync(() =>
        {
            var w = new Writable(new WritableOptions { Write = (_, _, _) => { } });
            NodeStream.Finished(w, new FinishedOptions { Signal = cts.Token }, e =>
            {
                t.Add("finished " + Show(e));
                t.Add("listeners " + w.ListenerCount(StreamEvents.Close));
                t.Loop.Post(t.Done);
            });
            cts.Cancel();
            t.Add("aborted");
        });
        Assert.Equal("finished err ABORT_ERR|listeners 0|aborted", log);
    }

    [Fact]
    public void A_non_stream_is_refused()
    {
        var e = Assert.Throws<NodeHttpException>(() => NodeStream.Finished(new EventEmitter(), _ => { }));
        Assert.Equal("ERR_INVALID_ARG_TYPE", e.Code);
    }

    [Fact]
    public async Task FinishedAsync_completes_fails_and_cancels_from_another_thread()
    {
        using var t = new StreamTestLoop();
        (Writable ok, Writable failing, Readable pending) = await t.Loop.InvokeAsync(() => (
            new Writable(new WritableOptions { Write = (_, _, cb) => cb(null) }),
            new Writable(new WritableOptions { Write = (_, _, cb) => cb(new InvalidOperationException("boom")) }),
            new Readable(new ReadableOptions { Read = (_, _) => { } })));

        Task okTask = NodeStream.FinishedAsync(ok);
        Task failTask = NodeStream.FinishedAsync(failing);
        using var cts = new CancellationTokenSource();
        Task pendingTask = NodeStream.FinishedAsync(pending, cancellationToken: cts.Token);
        await t.Loop.InvokeAsync(() =>
        {
            ok.End("x");
            failing.Write("a");
        });

        await okTask.WaitAsync(StreamTestLoop.Timeout);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => failTask.WaitAsync(StreamTestLoop.Timeout));
        Assert.Equal("boom", error.Message);
        Assert.False(pendingTask.IsCompleted);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pendingTask.WaitAsync(StreamTestLoop.Timeout));
        Assert.Equal(0, await t.Loop.InvokeAsync(() => pending.ListenerCount(StreamEvents.Close)));
    }
}
