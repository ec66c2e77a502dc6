namespace NodeHttp;

/// <summary>Timers: Node's <c>setTimeout</c>/<c>setInterval</c> over a min-heap keyed by (due, sequence).</summary>
public sealed partial class EventLoop
{
    /// <summary>Node's TIMEOUT_MAX (2^31 - 1 ms): larger delays become 1 ms, as Node does (with a TimeoutOverflowWarning).</summary>
    private const double TimeoutMax = int.MaxValue;

    // Loop thread only. refTimers counts armed timers with HasRef: each keeps Run alive.
    private readonly TimerHeap timers = new();
    private long timerSequence;
    private int refTimers;

    /// <summary>
    /// Node's <c>setTimeout(callback, ms)</c>: runs <paramref name="callback"/> once on the loop after
    /// <paramref name="ms"/> milliseconds. As in Node, a delay below 1, NaN or above 2^31 - 1 becomes 1 and a
    /// fractional delay rounds up. The timer keeps <see cref="Run(Action)"/> alive until it fires unless
    /// <see cref="LoopTimer.Unref"/> is called. Callable from any thread.
    /// </summary>
    /// <param name="callback">The callback.</param>
    /// <param name="ms">The delay in milliseconds.</param>
    /// <returns>The timer; <see cref="LoopTimer.Close"/> is Node's <c>clearTimeout</c>.</returns>
    public LoopTimer SetTimeout(Action callback, double ms)
    {
        if (callback is null)
        {
            ThrowCallbackMissing(nameof(callback));
        }
        return StartTimer(callback, null, ms, repeat: false);
    }

    /// <summary>
    /// Node's <c>setInterval(callback, ms)</c>: runs <paramref name="callback"/> every <paramref name="ms"/>
    /// milliseconds, re-armed from the time each run starts, until <see cref="LoopTimer.Close"/>.
    /// Delays are coerced as in <see cref="SetTimeout(Action, double)"/>. Callable from any thread.
    /// </summary>
    /// <param name="callback">The callback.</param>
    /// <param name="ms">The period in milliseconds.</param>
    /// <returns>The timer; <see cref="LoopTimer.Close"/> is Node's <c>clearInterval</c>.</returns>
    public LoopTimer SetInterval(Action callback, double ms)
    {
        if (callback is null)
        {
            ThrowCallbackMissing(nameof(callback));
        }
        return StartTimer(callback, null, ms, repeat: true);
    }

    /// <summary>Node's <c>clearTimeout(timeout)</c>: the same as <see cref="LoopTimer.Close"/>; null is ignored.</summary>
    /// <param name="timer">The timer to cancel.</param>
    public void ClearTimeout(LoopTimer? timer) => timer?.Close();

    /// <summary>Node's <c>clearInterval(timeout)</c>: the same as <see cref="LoopTimer.Close"/>; null is ignored.</summary>
    /// <param name="timer">The timer to cancel.</param>
    public void ClearInterval(LoopTimer? timer) => timer?.Close();

    /// <summary>A one-shot timer with a state argument (no closure): for per-socket and per-request timers.</summary>
    internal LoopTimer SetTimeout(Action<object?> callback, object? state, double ms) =>
        StartTimer(callback, state, ms, repeat: false);

    /// <summary>A repeating timer with a state argument (no closure).</summary>
    internal LoopTimer SetInterval(Action<object?> callback, object? state, double ms) =>
        StartTimer(callback, state, ms, repeat: true);

    /// <summary>Node's delay coercion (lib/internal/timers.js Timeout): anything not in [1, TIMEOUT_MAX] is 1.</summary>
    internal static long CoerceDelay(double ms)
    {
        if (!(ms >= 1 && ms <= TimeoutMax))
        {
            ms = 1;
        }
        // Node fires once now - start >= ms with integer loop time, i.e. after ceil(ms).
        return (long)Math.Ceiling(ms);
    }

    /// <summary>Armed timers that keep the loop alive (tests check that nothing leaks).</summary>
    internal int RefTimerCount => refTimers;

    private LoopTimer StartTimer(object callback, object? state, double ms, bool repeat)
    {
        if (ms > TimeoutMax)
        {
            // Node emits this process warning (on stderr) and goes on with 1 ms.
            WarnTimeoutOverflow(ms);
        }
        var timer = new LoopTimer(this, callback, state, CoerceDelay(ms), repeat);
        if (IsOnLoop)
        {
            ArmNew(timer);
        }
        else
        {
            QueueIo(static s => { var t = (LoopTimer)s!; t.Loop.ArmNew(t); }, timer);
        }
        return timer;
    }

    private void ArmNew(LoopTimer timer)
    {
        // Created off the loop: a Refresh on the loop may have armed it before this queued call ran.
        if (timer.IsClosed || timer.IsArmed)
        {
            return;
        }
        // Node takes a fresh clock reading for a timer's start (GetNow updates libuv's time).
        timer.Due = UpdateNow() + timer.Delay;
        Arm(timer, timer.Due, NextTimerSequence());
    }

    internal long NextTimerSequence() => ++timerSequence;

    /// <summary>Inserts a disarmed timer into the heap; <paramref name="seq"/> orders it among equal-due timers.</summary>
    internal void Arm(LoopTimer timer, long due, long seq)
    {
        timer.HeapDue = due;
        timer.Seq = seq;
        timers.Insert(timer);
        if (timer.HasRef)
        {
            refTimers++;
        }
    }

    /// <summary>Removes an armed timer from the heap (Close).</summary>
    internal void Disarm(LoopTimer timer)
    {
        if (!timer.IsArmed)
        {
            return;
        }
        timers.Remove(timer);
        if (timer.HasRef)
        {
            refTimers--;
        }
    }

    internal void AdjustTimerRef(int delta) => refTimers += delta;

    /// <summary>The timers phase: fires every timer due at the turn's time, by due time then sequence.</summary>
    private void RunTimers()
    {
        long turnTime = now;
        while (fatal is null && timers.Count > 0)
        {
            LoopTimer timer = timers.Peek();
            if (timer.HeapDue > turnTime)
            {
                return;
            }
            timers.Pop();
            if (timer.HasRef)
            {
                refTimers--;
            }
            if (timer.IsClosed)
            {
                // Closed from another thread; the queued Disarm has not run yet.
                continue;
            }
            if (timer.Due > timer.HeapDue || timer.RearmSeq > timer.Seq)
            {
                // Refreshed since it was armed: re-arm lazily at the new due time.
                Arm(timer, timer.Due, timer.RearmSeq);
                continue;
            }
            // Node re-arms an interval from the time its callback starts (listOnTimeout's `start`).
            long start = timer.Repeat ? UpdateNow() : 0;
            RunTimerCallback(timer);
            if (timer.Repeat && !timer.IsClosed && !timer.IsArmed)
            {
                timer.Due = start + timer.Delay;
                Arm(timer, timer.Due, NextTimerSequence());
            }
        }
    }

    private void RunTimerCallback(LoopTimer timer)
    {
        try
        {
            timer.Fire();
        }
        catch (Exception ex)
        {
            ReportUncaught(ex);
        }
        DrainTicks();
    }
}
