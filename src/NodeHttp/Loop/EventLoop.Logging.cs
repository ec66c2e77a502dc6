using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace NodeHttp;

/// <summary>The loop's logger: where uncaught callback errors and process warnings go once one is set.</summary>
public sealed partial class EventLoop
{
    // NullLogger until set: then what Node prints on stderr (an uncaught error on a loop that goes on, a warning)
    // is printed there as before.
    private ILogger logger = NullLogger.Instance;

    /// <summary>
    /// Where the loop reports what Node would print on stderr: uncaught callback errors on a loop that goes on (no
    /// <see cref="UncaughtException"/> handler), <c>TimeoutOverflowWarning</c>, and the <c>MaxListenersExceededWarning</c>
    /// of emitters used on this loop. Default: a no-op logger, and the text goes to stderr as in Node; once a logger is
    /// set it receives them instead, with event ids and structured fields (listed in docs/observability.md).
    /// Setting null restores the default.
    /// </summary>
    public ILogger Logger
    {
        get => logger;
        set => logger = value ?? NullLogger.Instance;
    }

    /// <summary>True once <see cref="Logger"/> was set to a real logger (stderr is then left alone).</summary>
    internal bool HasLogger => logger is not NullLogger;

    /// <summary>
    /// An uncaught error on a loop that goes on: to the logger when there is one, else to stderr as Node prints it;
    /// nothing when whoever reports it has logged it already (a server's handler fault).
    /// </summary>
    private void ReportToLogOrStderr(Exception exception, bool logged)
    {
        if (logged)
        {
            return;
        }
        string name = thread?.Name ?? "event loop";
        if (HasLogger)
        {
            LoopLog.UncaughtException(logger, name, exception);
        }
        else
        {
            Console.Error.WriteLine("Uncaught exception on " + name + ": " + exception);
        }
    }

    /// <summary>Node's <c>TimeoutOverflowWarning</c>: to the logger when there is one, else to stderr.</summary>
    private void WarnTimeoutOverflow(double ms)
    {
        if (HasLogger)
        {
            LoopLog.TimeoutOverflow(logger, ms);
            return;
        }
        Console.Error.WriteLine(
            "TimeoutOverflowWarning: " + ms.ToString(System.Globalization.CultureInfo.InvariantCulture) +
            " does not fit into a 32-bit signed integer." + Environment.NewLine + "Timeout duration was set to 1.");
    }

    /// <summary>The loop itself failed (a bug in the loop, not a callback error).</summary>
    private void ReportLoopFailure(Exception exception)
    {
        if (HasLogger)
        {
            LoopLog.LoopFailed(logger, thread?.Name, exception);
        }
        else
        {
            Console.Error.WriteLine("Event loop " + thread?.Name + " failed: " + exception);
        }
    }
}
