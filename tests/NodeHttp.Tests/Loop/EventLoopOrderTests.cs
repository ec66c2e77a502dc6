namespace NodeHttp.Tests.Loop;

/// <summary>Turn order as Node: next-ticks after every callback, timers → I/O → immediates.</summary>
public class EventLoopOrderTests
{
    [Fact]
    public async Task NextTick_runs_before_timers_and_immediates_queued_from_main()
    {
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.SetTimeout(() => order.Add("t"), 0);
            loop.Post(() => order.Add("i"));
            loop.NextTick(() => order.Add("n"));
        });
        // From the main module Node's setTimeout(0) vs setImmediate order depends on the clock; nextTick is first.
        Assert.Equal("n", order[0]);
        Assert.Equal(new[] { "i", "n", "t" }, order.Order());
    }

    [Fact]
    public async Task Inside_an_io_callback_tick_then_immediate_then_timer()
    {
        // node -e "fs.stat('.',()=>{setTimeout(()=>log('t'),0); setImmediate(()=>log('i')); process.nextTick(()=>log('n'))})" → n i t
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.AddRef();
            ThreadPool.QueueUserWorkItem(_ => loop.QueueIo(_ =>
            {
                loop.SetTimeout(() => order.Add("t"), 0);
                loop.Post(() => order.Add("i"));
                loop.NextTick(() => order.Add("n"));
                loop.RemoveRef();
            }, null));
        });
        Assert.Equal(new[] { "n", "i", "t" }, order);
    }

    [Fact]
    public async Task Ticks_queued_by_ticks_drain_before_the_next_callback()
    {
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.Post(() => order.Add("i1"));
            loop.NextTick(() =>
            {
                order.Add("n1");
                loop.NextTick(() =>
                {
                    order.Add("n2");
                    loop.NextTick(() => order.Add("n3"));
                });
            });
            order.Add("main");
        });
        Assert.Equal(new[] { "main", "n1", "n2", "n3", "i1" }, order);
    }

    [Fact]
    public async Task Immediates_posted_by_immediates_run_next_turn_with_ticks_between()
    {
        // node: setImmediate(()=>{log('imm1'); setImmediate(()=>log('nested')); process.nextTick(()=>log('tick'))}); setImmediate(()=>log('imm2'))
        // → imm1 tick imm2 nested
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.Post(() =>
            {
                order.Add("imm1");
                loop.Post(() => order.Add("nested"));
                loop.NextTick(() => order.Add("tick"));
            });
            loop.SetImmediate(() => order.Add("imm2"));
        });
        Assert.Equal(new[] { "imm1", "tick", "imm2", "nested" }, order);
    }

    [Fact]
    public async Task Io_phase_runs_before_immediates_of_the_same_turn()
    {
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.Post(() => order.Add("immediate"));
            loop.QueueIo(_ => order.Add("io"), null);
            loop.NextTick(() => order.Add("tick"));
        });
        Assert.Equal(new[] { "tick", "io", "immediate" }, order);
    }

    [Fact]
    public async Task Timers_fire_by_due_time_then_insertion_order_with_ticks_between()
    {
        // node: setTimeout(A,2) (A queues a tick); setTimeout(B,2); setTimeout(C,1) → C A tickA B
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.SetTimeout(() => order.Add("late"), 30);
            loop.SetTimeout(() =>
            {
                order.Add("A");
                loop.NextTick(() => order.Add("tickA"));
            }, 15);
            loop.SetTimeout(() => order.Add("B"), 15);
            loop.SetTimeout(() => order.Add("C"), 1);
        });
        Assert.Equal(new[] { "C", "A", "tickA", "B", "late" }, order);
    }

    [Fact]
    public async Task Equal_due_timers_keep_insertion_order()
    {
        var order = new List<int>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            // Same call time would be ideal; a fixed deadline makes later insertions due no earlier.
            for (int i = 0; i < 50; i++)
            {
                int n = i;
                loop.SetTimeout(() => order.Add(n), 5);
            }
        });
        Assert.Equal(Enumerable.Range(0, 50), order);
    }

    [Fact]
    public async Task Timer_callbacks_queue_ticks_that_run_before_immediates()
    {
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.SetTimeout(() =>
            {
                loop.Post(() => order.Add("immediate"));
                loop.NextTick(() => order.Add("tick"));
                order.Add("timer");
            }, 1);
        });
        Assert.Equal(new[] { "timer", "tick", "immediate" }, order);
    }

    [Fact]
    public async Task Internal_state_overloads_pass_their_state()
    {
        var seen = new List<object?>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.Post(s => seen.Add(s), "post");
            loop.NextTick(s => seen.Add(s), "tick");
            loop.SetTimeout(s => seen.Add(s), "timer", 1);
            loop.Execute(s => seen.Add(s), "execute");
        });
        // Execute runs inline on the loop, the tick right after main; the 1 ms timer and the immediate race
        // (as setTimeout(0) vs setImmediate from Node's main module).
        Assert.Equal(new object?[] { "execute", "tick" }, seen.Take(2));
        Assert.Equal(new object?[] { "execute", "post", "tick", "timer" }, seen.Order());
    }
}
