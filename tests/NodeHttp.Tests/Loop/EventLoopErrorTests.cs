namespace NodeHttp.Tests.Loop;

/// <summary>A throwing callback: UncaughtException handlers, rethrow from Run, stderr on threaded loops.</summary>
public class EventLoopErrorTests
{
    [Fact]
    public async Task Handler_receives_the_error_and_the_loop_goes_on()
    {
        var seen = new List<string>();
        var order = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.UncaughtException += ex => seen.Add(ex.Message);
            loop.Post(() => throw new InvalidOperationException("from immediate"));
            loop.SetTimeout(() => throw new InvalidOperationException("from timer"), 1);
            loop.NextTick(() => throw new InvalidOperationException("from tick"));
            loop.NextTick(() => order.Add("tick after the throwing tick"));
            loop.SetTimeout(() => order.Add("later timer"), 10);
        });
        Assert.Equal(new[] { "from immediate", "from tick", "from timer" }, seen.Order());
        Assert.Equal(new[] { "tick after the throwing tick", "later timer" }, order);
    }

    [Fact]
    public async Task Without_a_handler_Run_rethrows_the_original_exception_and_stops()
    {
        var boom = new InvalidOperationException("boom");
        bool laterRan = false;
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.SetTimeout(() => throw boom, 1);
            loop.SetTimeout(() => laterRan = true, 30);
        }));
        Assert.Same(boom, thrown);
        Assert.Contains(nameof(Without_a_handler_Run_rethrows_the_original_exception_and_stops), thrown.StackTrace);
        Assert.False(laterRan);
    }

    [Fact]
    public async Task An_exception_from_main_is_rethrown_by_Run()
    {
        await Assert.ThrowsAsync<FormatException>(() => LoopRunner.RunAsync(() => throw new FormatException()));
    }

    [Fact]
    public async Task A_throwing_handler_is_fatal_in_Run()
    {
        var thrown = await Assert.ThrowsAsync<ArgumentException>(() => LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.UncaughtException += _ => throw new ArgumentException("handler");
            loop.Post(() => throw new InvalidOperationException());
        }));
        Assert.Equal("handler", thrown.Message);
    }

    [Fact]
    public async Task An_async_void_error_is_uncaught()
    {
        var thrown = await Assert.ThrowsAsync<FormatException>(() => LoopRunner.RunAsync(async () =>
        {
            await Task.Delay(1);
            throw new FormatException("async");
        }));
        Assert.Equal("async", thrown.Message);
    }

    [Fact]
    public async Task Pending_InvokeAsync_fails_when_Run_dies()
    {
        Task? pending = null;
        var posted = new ManualResetEventSlim();
        await Assert.ThrowsAsync<InvalidOperationException>(() => LoopRunner.RunAsync(() =>
        {
            var loop = EventLoop.Current!;
            loop.AddRef();
            Task.Run(() =>
            {
                pending = loop.InvokeAsync(() => { });
                posted.Set();
            });
            // Wait on the loop thread until the off-loop post is queued, then die in the same turn.
            posted.Wait(LoopRunner.Deadline);
            throw new InvalidOperationException("dead");
        }));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending!.Bounded());
    }
}
