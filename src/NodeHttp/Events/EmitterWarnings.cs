namespace NodeHttp;

/// <summary>Node's <c>process.emitWarning</c> for emitters: to the calling loop's logger when it has one, else to stderr.</summary>
internal static class EmitterWarnings
{
    /// <summary>Node's <c>MaxListenersExceededWarning</c>, once per event of an emitter.</summary>
    internal static void MaxListenersExceeded(EventEmitter emitter, string eventName, int count, int max)
    {
        if (EventLoop.Current is { HasLogger: true } loop)
        {
            LoopLog.MaxListenersExceeded(loop.Logger, count, eventName, emitter.GetType().Name, max);
            return;
        }
        EventEmitter.WarningSink(
            $"(node:{Environment.ProcessId}) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. " +
            $"{count} {eventName} listeners added to [{emitter.GetType().Name}]. MaxListeners is {max}. " +
            "Use emitter.MaxListeners to increase limit");
    }
}
