using Microsoft.Extensions.Logging;

namespace NodeHttp;

/// <summary>
/// The log messages of the loop and the emitters (event ids 1–99), source-generated: nothing is formatted or
/// boxed unless the level is enabled. The ids are listed in docs/observability.md.
/// </summary>
internal static partial class LoopLog
{
    /// <summary>A callback threw and no <see cref="EventLoop.UncaughtException"/> handler took it (Node's uncaught exception).</summary>
    [LoggerMessage(EventId = 1, EventName = "UncaughtException", Level = LogLevel.Error,
        Message = "Uncaught exception on {LoopName}")]
    internal static partial void UncaughtException(ILogger logger, string loopName, Exception exception);

    /// <summary>Node's <c>TimeoutOverflowWarning</c>: a timer delay past 2^31-1 ms was set to 1 ms.</summary>
    [LoggerMessage(EventId = 2, EventName = "TimeoutOverflowWarning", Level = LogLevel.Warning,
        Message = "TimeoutOverflowWarning: {Delay} does not fit into a 32-bit signed integer; timeout duration was set to 1")]
    internal static partial void TimeoutOverflow(ILogger logger, double delay);

    /// <summary>The loop's own machinery failed (a bug, not a callback error).</summary>
    [LoggerMessage(EventId = 3, EventName = "LoopFailed", Level = LogLevel.Critical,
        Message = "Event loop {LoopName} failed")]
    internal static partial void LoopFailed(ILogger logger, string? loopName, Exception exception);

    /// <summary>Node's <c>MaxListenersExceededWarning</c>.</summary>
    [LoggerMessage(EventId = 10, EventName = "MaxListenersExceededWarning", Level = LogLevel.Warning,
        Message = "MaxListenersExceededWarning: Possible EventEmitter memory leak detected. {ListenerCount} {EventName} listeners added to [{EmitterType}]. MaxListeners is {MaxListeners}. Use emitter.MaxListeners to increase limit")]
    internal static partial void MaxListenersExceeded(ILogger logger, int listenerCount, string eventName, string emitterType, int maxListeners);
}
