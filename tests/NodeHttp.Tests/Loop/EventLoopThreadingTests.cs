namespace NodeHttp.Tests.Loop;

/// <summary>Ownership: off-loop calls are queued onto the loop; InvokeAsync; await resumes on the loop; groups.</summary>
public class EventLoopThreadingTests
{
    [Fact]
    public async Task Current_and_IsOnLoop_identify_the_loop_thread()
    {
        Assert.Null(EventLoop.Current);
        EventLoop? inside = null;
        bool onLoop = false;
        await LoopRunner.RunAsync(() =>
        {
            inside = EventLoop.Current;
            onLoop = inside!.IsOnLoop;
        });
        Assert.True(onLoop);
        Assert.False(inside!.IsOnLoop);
        Assert.False(EventLoop.Default.IsOnLoop);
        Assert.Same(EventLoop.Default, await EventLoop.Default.InvokeAsync(() => EventLoop.Current).Bounded());
    }

    [Fact]
    public async Task Off_loop_calls_run_on_the_loop_thread()
    {
        using var loop = new EventLoop();
        int loopThread = await loop.InvokeAsync(() => Environment.CurrentManagedThreadId).Bounded();
        Assert.NotEqual(Environment.CurrentManagedThreadId, loopThread);

        var post = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tick = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var io = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var exec = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Post(() => post.SetResult(Environment.CurrentManagedThreadId));
        loop.NextTick(() => tick.SetResult(Environment.CurrentManagedThreadId));
        loop.QueueIo(_ => io.SetResult(Environment.CurrentManagedThreadId), null);
        loop.Execute(_ => exec.SetResult(Environment.CurrentManagedThreadId), null);
        Assert.Equal(loopThread, await post.Task.Bounded());
        Assert.Equal(loopThread, await tick.Task.Bounded());
        Assert.Equal(loopThread, await io.Task.Bounded());
        Assert.Equal(loopThread, await exec.Task.Bounded());
    }

    [Fact]
    public async Task Posts_from_many_threads_all_run_once_and_in_per_thread_order()
    {
        using var loop = new EventLoop();
        const int Threads = 4, PerThread = 5000;
        var lastSeen = new int[Threads];
        int total = 0, outOfOrder = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var workers = Enumerable.Range(0, Threads).Select(t => Task.Run(() =>
        {
            for (int i = 1; i <= PerThread; i++)
            {
                int n = i;
                loop.Post(() =>
                {
                    if (lastSeen[t] != n - 1)
                    {
                        outOfOrder++;
                    }
                    lastSeen[t] = n;
                    if (++total == Threads * PerThread)
                    {
                        done.SetResult();
                    }
                });
            }
        })).ToArray();
        await Task.WhenAll(workers).Bounded();
        await done.Task.Bounded();
        Assert.Equal(0, outOfOrder);
    }

    [Fact]
    public async Task InvokeAsync_returns_results_and_exceptions()
    {
        using var loop = new EventLoop();
        Assert.Equal(42, await loop.InvokeAsync(() => 42).Bounded());
        bool ran = false;
        await loop.InvokeAsync(() => { ran = true; }).Bounded();
        Assert.True(ran);

        bool uncaught = false;
        loop.UncaughtException += _ => uncaught = true;
        var boom = new InvalidOperationException("boom");
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => loop.InvokeAsync(() => throw boom).Bounded());
        Assert.Same(boom, thrown);
        await Assert.ThrowsAsync<InvalidOperationException>(() => loop.InvokeAsync<int>(() => throw boom).Bounded());
        Assert.False(uncaught); // the task carries the error; it is not uncaught
    }

    [Fact]
    public async Task InvokeAsync_with_async_work_completes_when_the_work_does_and_resumes_on_the_loop()
    {
        using var loop = new EventLoop();
        int loopThread = await loop.InvokeAsync(() => Environment.CurrentManagedThreadId).Bounded();
        var threads = new List<int>();
        await loop.InvokeAsync(async () =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            await Task.Delay(5);
            threads.Add(Environment.CurrentManagedThreadId);
            await Task.Yield();
            threads.Add(Environment.CurrentManagedThreadId);
        }).Bounded();
        Assert.Equal(new[] { loopThread, loopThread, loopThread }, threads);
    }

    [Fact]
    public async Task InvokeAsync_on_an_ended_loop_fails_instead_of_hanging()
    {
        EventLoop? ended = null;
        await LoopRunner.RunAsync(() => ended = EventLoop.Current);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ended!.InvokeAsync(() => 1).Bounded());

        var disposed = new EventLoop();
        disposed.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => disposed.InvokeAsync(() => { }).Bounded());
        disposed.Post(() => { }); // dropped, does not throw
    }

    [Fact]
    public async Task Await_in_Run_resumes_on_the_loop_thread_and_keeps_Run_alive()
    {
        var threads = new List<int>();
        bool finished = false;
        await LoopRunner.RunAsync(async () =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            await Task.Delay(10);
            threads.Add(Environment.CurrentManagedThreadId);
            await Task.Run(() => Thread.Sleep(1));
            threads.Add(Environment.CurrentManagedThreadId);
            finished = true;
        });
        Assert.True(finished);
        Assert.Equal(3, threads.Count);
        Assert.All(threads, t => Assert.Equal(threads[0], t));
    }

    [Fact]
    public async Task Await_on_the_default_loop_resumes_there()
    {
        var loop = EventLoop.Default;
        int loopThread = await loop.InvokeAsync(() => Environment.CurrentManagedThreadId).Bounded();
        var resumedOn = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Post(async () =>
        {
            await Task.Delay(2);
            resumedOn.SetResult(Environment.CurrentManagedThreadId);
        });
        Assert.Equal(loopThread, await resumedOn.Task.Bounded());
    }

    [Fact]
    public async Task Default_loop_is_one_named_background_thread()
    {
        Assert.Same(EventLoop.Default, EventLoop.Default);
        var (background, name) = await EventLoop.Default.InvokeAsync(() => (Thread.CurrentThread.IsBackground, Thread.CurrentThread.Name)).Bounded();
        Assert.True(background);
        Assert.False(string.IsNullOrEmpty(name));
        EventLoop.Default.Dispose(); // no effect on the default loop
        Assert.Equal(1, await EventLoop.Default.InvokeAsync(() => 1).Bounded());
    }

    [Fact]
    public async Task Run_stays_alive_for_a_ref_and_runs_posts_from_other_threads()
    {
        int mainThread = 0, postThread = -1;
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            mainThread = Environment.CurrentManagedThreadId;
            loop.AddRef(); // as a pending request would
            Task.Run(() => loop.Post(() =>
            {
                postThread = Environment.CurrentManagedThreadId;
                loop.RemoveRef();
            }));
        });
        Assert.Equal(mainThread, postThread);
    }

    [Fact]
    public async Task A_post_queued_from_another_thread_before_main_returns_runs()
    {
        // The liveness rule: work queued before the loop finds itself idle is run, even with no ref held.
        bool ran = false;
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            var poster = new Thread(() => loop.Post(() => ran = true));
            poster.Start();
            poster.Join();
        });
        Assert.True(ran);
    }

    [Fact]
    public async Task Off_loop_AddRef_and_RemoveRef_are_queued_onto_the_loop()
    {
        bool released = false;
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            var t = new Thread(() => loop.AddRef());
            t.Start();
            t.Join();
            loop.SetTimeout(() => Task.Run(() =>
            {
                released = true;
                loop.RemoveRef();
            }), 5);
        });
        Assert.True(released);
    }

    [Fact]
    public async Task RemoveRef_without_AddRef_is_reported()
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => LoopRunner.RunAsync(() => EventLoop.Current!.RemoveRef()));
    }

    [Fact]
    public async Task Round_trips_to_a_sleeping_loop_never_lose_a_wake_up()
    {
        using var loop = new EventLoop();
        for (int i = 0; i < 2000; i++)
        {
            Assert.Equal(i, await loop.InvokeAsync(() => i).Bounded());
            if (i % 100 == 0)
            {
                Thread.Sleep(1); // let the loop fall asleep now and then
            }
        }
    }

    [Fact]
    public async Task Run_returns_when_the_last_handle_is_released()
    {
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.AddRef();
            loop.AddRef();
            loop.SetTimeout(() => { order.Add("first"); loop.RemoveRef(); }, 5);
            loop.SetTimeout(() => { order.Add("second"); loop.RemoveRef(); }, 10);
        });
        Assert.Equal(new[] { "first", "second" }, order);
    }

    [Fact]
    public async Task Run_with_nothing_to_do_returns_after_main()
    {
        bool ran = false;
        await LoopRunner.RunAsync(() => ran = true);
        Assert.True(ran);
    }

    [Fact]
    public async Task Dispose_inside_Run_ends_it()
    {
        bool after = false;
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.AddRef(); // never released
            loop.SetTimeout(() => loop.Dispose(), 1);
            loop.SetTimeout(() => after = true, 5000);
        });
        Assert.False(after);
    }

    [Fact]
    public async Task Dispose_stops_a_threaded_loop_and_joins_its_thread()
    {
        var loop = new EventLoop();
        Thread loopThread = await loop.InvokeAsync(() => Thread.CurrentThread).Bounded();
        await Task.Run(loop.Dispose).Bounded();
        Assert.False(loopThread.IsAlive);
        loop.Dispose(); // idempotent
    }

    [Fact]
    public async Task Dispose_from_the_loop_thread_does_not_deadlock()
    {
        var loop = new EventLoop();
        Thread loopThread = await loop.InvokeAsync(() => Thread.CurrentThread).Bounded();
        await loop.InvokeAsync(loop.Dispose).Bounded();
        Assert.True(loopThread.Join(LoopRunner.Deadline));
    }

    [Fact]
    public async Task Group_spreads_work_over_distinct_threads()
    {
        using var group = new EventLoopGroup(3);
        Assert.Equal(3, group.Count);
        Assert.Equal(3, group.Loops.Count);
        var ids = await Task.WhenAll(group.Loops.Select(l => l.InvokeAsync(() => Environment.CurrentManagedThreadId))).Bounded();
        Assert.Equal(3, ids.Distinct().Count());
        Assert.DoesNotContain(Environment.CurrentManagedThreadId, ids);

        var picks = Enumerable.Range(0, 6).Select(_ => group.Next()).ToArray();
        Assert.Equal(new[] { group[0], group[1], group[2], group[0], group[1], group[2] }, picks);
    }

    [Fact]
    public void Group_rejects_fewer_than_one_loop()
    {
        var ex = Assert.Throws<NodeHttpException>(() => new EventLoopGroup(0));
        Assert.Equal("ERR_OUT_OF_RANGE", ex.Code);
    }

    [Fact]
    public void Null_callbacks_are_rejected_as_Node_does()
    {
        var loop = EventLoop.Default;
        Assert.Equal("ERR_INVALID_ARG_TYPE", Assert.Throws<NodeHttpException>(() => loop.SetTimeout(null!, 1)).Code);
        Assert.Equal("ERR_INVALID_ARG_TYPE", Assert.Throws<NodeHttpException>(() => loop.Post(null!)).Code);
        Assert.Equal("ERR_INVALID_ARG_TYPE", Assert.Throws<NodeHttpException>(() => EventLoop.Run(null!)).Code);
    }
}
