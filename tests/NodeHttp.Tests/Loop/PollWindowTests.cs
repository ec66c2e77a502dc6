namespace NodeHttp.Tests.Loop;

/// <summary>The adaptive poll-before-block window: grows while idle periods are short, closes when they are long.</summary>
public class PollWindowTests
{
    private const long Limit = 8000;

    [Fact]
    public void The_window_starts_closed_and_opens_at_an_eighth_of_the_limit()
    {
        var window = new PollWindow(Limit);
        Assert.True(window.Enabled);
        Assert.Equal(0, window.Ticks);
        window.Learn(Limit / 2);
        Assert.Equal(Limit / 8, window.Ticks);
    }

    [Fact]
    public void Short_idle_periods_double_the_window_up_to_the_limit()
    {
        var window = new PollWindow(Limit);
        window.Learn(Limit);
        window.Learn(Limit);
        Assert.Equal(Limit / 4, window.Ticks);
        for (int i = 0; i < 10; i++)
        {
            window.Learn(1);
        }
        Assert.Equal(Limit, window.Ticks);
    }

    [Fact]
    public void Long_idle_periods_halve_the_window_and_close_it_below_the_start_width()
    {
        var window = new PollWindow(Limit);
        for (int i = 0; i < 4; i++)
        {
            window.Learn(0);
        }
        Assert.Equal(Limit, window.Ticks);
        window.Learn(Limit + 1);
        Assert.Equal(Limit / 2, window.Ticks);
        window.Learn(Limit * 1000);
        window.Learn(Limit * 1000);
        Assert.Equal(Limit / 8, window.Ticks);
        window.Learn(Limit * 1000);
        Assert.Equal(0, window.Ticks);
        window.Learn(Limit * 1000);
        Assert.Equal(0, window.Ticks);
    }

    [Fact]
    public void A_zero_limit_never_opens()
    {
        var window = new PollWindow(0);
        Assert.False(window.Enabled);
        window.Learn(0);
        Assert.Equal(0, window.Ticks);
    }

    [Fact]
    public async Task A_polling_loop_still_sleeps_through_a_timer_and_wakes_for_posts()
    {
        using var loop = new EventLoop();
        // Round trips keep the idle periods short (the window opens); then a timer far past the limit fires on time.
        for (int i = 0; i < 50; i++)
        {
            await loop.InvokeAsync(() => { }).Bounded();
        }
        var fired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        loop.Post(() => loop.SetTimeout(() => fired.SetResult(), 20));
        await fired.Task.Bounded();
        Assert.True(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds >= 19, "the timer fired early");
        Assert.Equal(7, await Task.Run(() => loop.InvokeAsync(() => 7)).Bounded());
    }
}
