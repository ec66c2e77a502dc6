namespace NodeHttp.Tests.Loop;

/// <summary>Threaded loops and Default report unhandled callback errors to stderr and keep running.</summary>
[Collection("Timing")] // swaps the process-wide Console.Error
public class EventLoopStderrTests
{
    [Fact]
    public async Task Threaded_loop_writes_uncaught_errors_to_stderr_and_goes_on()
    {
        using var loop = new EventLoop();
        var captured = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(TextWriter.Synchronized(captured));
        try
        {
            var after = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            loop.Post(() => throw new InvalidOperationException("reported to stderr"));
            loop.Post(after.SetResult); // immediates run in order: this one follows the throwing one
            await after.Task.Bounded();
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.Contains("reported to stderr", captured.ToString());
    }

    [Fact]
    public async Task Default_loop_writes_uncaught_errors_to_stderr_and_goes_on()
    {
        var captured = new StringWriter();
        TextWriter original = Console.Error;
        Console.SetError(TextWriter.Synchronized(captured));
        try
        {
            EventLoop.Default.SetTimeout(() => throw new InvalidOperationException("default loop error"), 1);
            var after = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            EventLoop.Default.SetTimeout(after.SetResult, 20);
            await after.Task.Bounded();
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.Contains("default loop error", captured.ToString());
    }

    [Fact]
    public async Task A_handler_on_a_threaded_loop_replaces_the_stderr_report()
    {
        using var loop = new EventLoop();
        var seen = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.UncaughtException += ex => seen.TrySetResult(ex);
        var boom = new InvalidOperationException("handled");
        loop.NextTick(() => throw boom);
        Assert.Same(boom, await seen.Task.Bounded());
    }
}
