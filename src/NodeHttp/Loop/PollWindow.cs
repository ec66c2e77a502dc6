using System.Diagnostics;
using System.Globalization;

namespace NodeHttp;

/// <summary>
/// How long a loop polls before it blocks: an adaptive window in the manner of Linux's haltpoll cpuidle governor.
/// </summary>
/// <remarks>
/// <para>Waking a thread that blocked in <c>epoll_wait</c> costs the kernel a reschedule and, on a virtual machine
/// whose CPU halted meanwhile, an exit to the hypervisor — tens of microseconds, longer than a loopback round
/// trip. A loop that goes idle between the turns of a conversation (a client waiting for each response, a server
/// answering one request at a time) pays that on every message. Polling for a short while first keeps the thread
/// awake for an answer that is about to arrive.</para>
/// <para>The window learns from each blocking wait how long the loop was idle: idle no longer than the limit →
/// the wait could have been caught by polling, so the window grows (from an eighth of the limit, doubling up to
/// the limit); idle longer → it halves, and falls to zero below the start value, so a loop that is busy or
/// quiet does not poll at all. Polling that catches an event leaves the window as it is.</para>
/// <para>The limit is 100 µs; <c>NODEHTTP_LOOP_POLL_US</c> sets another one, and 0 turns polling off.</para>
/// </remarks>
internal struct PollWindow
{
    private const long DefaultLimitMicroseconds = 100;

    /// <summary>The widest window for the loops of this process, in <see cref="Stopwatch"/> ticks; 0 when polling is off.</summary>
    internal static readonly long ConfiguredLimitTicks = MicrosecondsToTicks(ReadLimit());

    private readonly long limit;
    private readonly long start;

    /// <summary>A closed window that may open up to <paramref name="limitTicks"/> (0: never polls).</summary>
    internal PollWindow(long limitTicks)
    {
        limit = limitTicks;
        start = limitTicks / 8;
    }

    /// <summary>Whether this window ever opens.</summary>
    internal readonly bool Enabled => limit > 0;

    /// <summary>The current width, in <see cref="Stopwatch"/> ticks (0: block at once).</summary>
    internal long Ticks { readonly get; private set; }

    /// <summary>Adjusts the window after a wait that left the poll phase and lasted <paramref name="idleTicks"/> in all.</summary>
    internal void Learn(long idleTicks)
    {
        if (idleTicks <= limit)
        {
            Ticks = Ticks == 0 ? start : Math.Min(Ticks * 2, limit);
        }
        else
        {
            Ticks /= 2;
            if (Ticks < start)
            {
                Ticks = 0;
            }
        }
    }

    private static long ReadLimit()
    {
        string? value = Environment.GetEnvironmentVariable("NODEHTTP_LOOP_POLL_US");
        return value is not null && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long us)
            ? Math.Min(us, 10_000)
            : DefaultLimitMicroseconds;
    }

    private static long MicrosecondsToTicks(long microseconds) => microseconds * Stopwatch.Frequency / 1_000_000;
}
