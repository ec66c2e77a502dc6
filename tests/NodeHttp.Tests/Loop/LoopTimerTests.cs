using System.Diagnostics;

namespace NodeHttp.Tests.Loop;

/// <summary>setTimeout/setInterval/clearTimeout and the Timeout handle's ref/unref/refresh/hasRef.</summary>
[Collection("Timing")]
public class LoopTimerTests
{
    [Fact]
    public async Task Interval_rearms_until_closed_inside_its_callback()
    {
        int runs = 0;
        bool firedAfterClose = false;
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            LoopTimer? interval = null;
            interval = loop.SetInterval(() =>
            {
                if (runs == 3)
                {
                    firedAfterClose = true;
                }
                if (++runs == 3)
                {
                    interval!.Close();
                }
            }, 2);
        });
        Assert.Equal(3, runs);
        Assert.False(firedAfterClose);
    }

    [Fact]
    public async Task Interval_spacing_is_at_least_its_period()
    {
        var stamps = new List<long>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            var sw = Stopwatch.StartNew();
            LoopTimer? t = null;
            t = loop.SetInterval(() =>
            {
                stamps.Add(sw.ElapsedMilliseconds);
                if (stamps.Count == 4)
                {
                    t!.Close();
                }
            }, 20);
        });
        Assert.Equal(4, stamps.Count);
        Assert.True(stamps[0] >= 19, $"first run at {stamps[0]} ms");
        for (int i = 1; i < stamps.Count; i++)
        {
            Assert.True(stamps[i] - stamps[i - 1] >= 18, $"runs at {string.Join(",", stamps)}");
        }
    }

    [Fact]
    public async Task Closing_a_timeout_inside_its_callback_is_harmless()
    {
        int runs = 0;
        await LoopRunner.RunAsync(() =>
        {
            LoopTimer? t = null;
            t = EventLoop.Current!.SetTimeout(() => { runs++; t!.Close(); t.Refresh(); }, 1);
        });
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task A_throwing_interval_keeps_running_when_handled()
    {
        int runs = 0;
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.UncaughtException += _ => { };
            LoopTimer? t = null;
            t = loop.SetInterval(() =>
            {
                if (++runs == 3)
                {
                    t!.Close();
                }
                throw new InvalidOperationException();
            }, 1);
        });
        Assert.Equal(3, runs);
    }

    [Fact]
    public async Task Timeout_waits_at_least_its_delay()
    {
        long elapsed = -1;
        await LoopRunner.RunAsync(() =>
        {
            var sw = Stopwatch.StartNew();
            EventLoop.Current!.SetTimeout(() => elapsed = sw.ElapsedMilliseconds, 30);
        });
        Assert.InRange(elapsed, 29, 5000);
    }

    [Fact]
    public async Task Closed_timer_never_fires()
    {
        bool fired = false;
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            var t = loop.SetTimeout(() => fired = true, 1);
            loop.ClearTimeout(t);
            t.Close(); // idempotent
            t.Refresh(); // Node: refresh after clearTimeout does nothing
        });
        Assert.False(fired);
    }

    [Fact]
    public async Task Timer_closed_by_an_earlier_timer_in_the_same_turn_does_not_fire()
    {
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            LoopTimer? second = null;
            loop.SetTimeout(() => { order.Add("first"); second!.Close(); }, 5);
            second = loop.SetTimeout(() => order.Add("second"), 5);
        });
        Assert.Equal(new[] { "first" }, order);
    }

    [Fact]
    public async Task Timer_closed_from_another_thread_never_fires()
    {
        bool fired = false;
        LoopTimer? timer = null;
        var armed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var loop = new EventLoop();
        await loop.InvokeAsync(() => timer = loop.SetTimeout(() => fired = true, 50)).Bounded();
        timer!.Close();
        // A later timer proves the loop passed the first one's due time.
        await loop.InvokeAsync(() => loop.SetTimeout(() => armed.SetResult(), 100)).Bounded();
        await armed.Task.Bounded();
        Assert.False(fired);
    }

    [Fact]
    public async Task Unrefd_timer_does_not_keep_Run_alive()
    {
        bool fired = false;
        var sw = Stopwatch.StartNew();
        await LoopRunner.RunAsync(() =>
        {
            var t = EventLoop.Current!.SetTimeout(() => fired = true, 5000);
            t.Unref();
            Assert.False(t.HasRef);
        });
        Assert.False(fired);
        Assert.True(sw.ElapsedMilliseconds < 4000);
    }

    [Fact]
    public async Task Unrefd_timer_fires_while_something_else_keeps_the_loop_alive()
    {
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.SetTimeout(() => order.Add("unref"), 5).Unref();
            loop.SetTimeout(() => order.Add("ref"), 40);
        });
        Assert.Equal(new[] { "unref", "ref" }, order);
    }

    [Fact]
    public async Task Ref_after_unref_keeps_Run_alive_again()
    {
        bool fired = false;
        await LoopRunner.RunAsync(() =>
        {
            var t = EventLoop.Current!.SetTimeout(() => fired = true, 10);
            t.Unref();
            t.Ref();
            Assert.True(t.HasRef);
        });
        Assert.True(fired);
    }

    [Fact]
    public async Task Unref_interval_stops_keeping_Run_alive()
    {
        int runs = 0;
        await LoopRunner.RunAsync(() =>
        {
            LoopTimer? t = null;
            t = EventLoop.Current!.SetInterval(() =>
            {
                if (++runs == 2)
                {
                    t!.Unref();
                }
            }, 2);
        });
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Refresh_restarts_the_countdown()
    {
        long firedAt = -1;
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            var sw = Stopwatch.StartNew();
            var t = loop.SetTimeout(() => firedAt = sw.ElapsedMilliseconds, 60);
            loop.SetTimeout(() => t.Refresh(), 40); // pushes the due time to ≈100 ms
        });
        Assert.True(firedAt >= 95, $"fired at {firedAt} ms");
    }

    [Fact]
    public async Task Refreshed_timer_goes_after_timers_created_before_the_refresh()
    {
        // Node's refresh re-appends the timer to its list: a created, b created, a.refresh() → b, a.
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            var a = loop.SetTimeout(() => order.Add("a"), 20);
            loop.SetTimeout(() => order.Add("b"), 20);
            a.Refresh();
        });
        Assert.Equal(new[] { "b", "a" }, order);
    }

    [Fact]
    public async Task Refresh_after_firing_rearms_the_timer()
    {
        // node: const t = setTimeout(() => { ...; if (first) t.refresh(); }, 5) fires twice
        int runs = 0;
        await LoopRunner.RunAsync(() =>
        {
            LoopTimer? t = null;
            t = EventLoop.Current!.SetTimeout(() =>
            {
                if (++runs == 1)
                {
                    t!.Refresh();
                }
            }, 3);
        });
        Assert.Equal(2, runs);
    }

    [Fact]
    public async Task Many_refreshes_fire_once()
    {
        int runs = 0;
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            var t = loop.SetTimeout(() => runs++, 10);
            int ticks = 0;
            LoopTimer? pump = null;
            pump = loop.SetInterval(() =>
            {
                t.Refresh();
                if (++ticks == 5)
                {
                    pump!.Close();
                }
            }, 2);
        });
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task HasRef_is_true_by_default_and_survives_firing_and_close()
    {
        LoopTimer? t = null;
        await LoopRunner.RunAsync(() => t = EventLoop.Current!.SetTimeout(() => { }, 1));
        Assert.True(t!.HasRef);
        t.Close();
        Assert.True(t.HasRef);
    }

    [Fact]
    public async Task Loop_holds_no_timer_refs_after_timers_close_or_fire()
    {
        EventLoop? loop = null;
        await LoopRunner.RunAsync(() =>
        {
            loop = EventLoop.Current!;
            loop.SetTimeout(() => { }, 1);
            var closed = loop.SetTimeout(() => { }, 1000);
            closed.Unref();
            closed.Ref();
            closed.Close();
            var interval = loop.SetInterval(() => { }, 1);
            loop.SetTimeout(() => interval.Close(), 10);
        });
        Assert.Equal(0, loop!.RefTimerCount);
        Assert.Equal(0, loop.RefCount);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(double.NaN, 1)]
    [InlineData(double.NegativeInfinity, 1)]
    [InlineData(2147483648d, 1)] // > TIMEOUT_MAX: Node warns and uses 1
    [InlineData(2147483647d, 2147483647)]
    [InlineData(1, 1)]
    [InlineData(1.5, 2)]
    [InlineData(25, 25)]
    public void Delays_are_coerced_as_Node_does(double ms, long expected)
    {
        Assert.Equal(expected, EventLoop.CoerceDelay(ms));
    }

    [Fact]
    public async Task Timers_set_from_another_thread_fire_on_the_loop()
    {
        using var loop = new EventLoop();
        int loopThread = await loop.InvokeAsync(() => Environment.CurrentManagedThreadId).Bounded();
        var fired = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.SetTimeout(() => fired.SetResult(Environment.CurrentManagedThreadId), 1);
        Assert.Equal(loopThread, await fired.Task.Bounded());
    }
}
