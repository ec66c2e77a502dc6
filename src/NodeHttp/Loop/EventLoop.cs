using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace NodeHttp;

/// <summary>
/// An event loop: one thread that runs every callback of the objects it owns, in order, never
/// concurrently — libuv's loop together with Node's timers, <c>process.nextTick</c> and
/// <c>setImmediate</c> queues.
/// </summary>
/// <remarks>
/// <para>Each turn runs, as libuv and Node do: expired timers (by due time, then creation order) →
/// I/O completions and work queued from other threads (including <c>await</c> continuations) →
/// immediates (<see cref="Post(Action)"/>; those posted while this phase runs wait for the next turn) →
/// a wait for the next timer or a wake-up. After every callback the next-tick queue drains completely,
/// ticks queued by ticks included.</para>
/// <para>Public members may be called from any thread; off the loop they are queued onto it (Netty's rule).</para>
/// <para>Liveness (<see cref="Run(Action)"/>): the loop ends when no ref'd handle (server, socket,
/// pending request, ref'd timer), no pending async-void operation and no queued work (next-tick,
/// immediate, or work already queued from another thread) is left. Work queued from another thread
/// before the loop finds itself idle runs; work queued after it ended is dropped, and
/// <see cref="InvokeAsync(Action, CancellationToken)"/> then returns a faulted task (<see cref="ObjectDisposedException"/>).
/// To keep <see cref="Run(Action)"/> alive while waiting for outside work, hold a ref'd timer or handle.</para>
/// </remarks>
public sealed partial class EventLoop : IDisposable
{
    [ThreadStatic]
    private static EventLoop? current;

    private static readonly Lazy<EventLoop> DefaultLoop =
        new(() => new EventLoop(LoopMode.Default, "NodeHttp EventLoop (default)"), LazyThreadSafetyMode.ExecutionAndPublication);

    private static int loopCount;

    private readonly LoopMode mode;
    private readonly Thread? thread;
    private readonly LoopSynchronizationContext syncContext;

    // Cross-thread queue. `incoming` is filled by any thread under `gate`; the loop swaps it with
    // `draining` once per I/O phase, so a post costs an uncontended lock and a list append.
    // `sleeping` is true only while the loop is (about to be) blocked in `poller.Wait`: a poster wakes the
    // poller only then, so a busy loop takes no kernel call per post. `stopped` (under gate): the loop has
    // ended and accepts nothing more. The poller is woken under `gate` and disposed under it once stopped,
    // so no wake-up can reach a closed (possibly reused) eventfd.
    private readonly object gate = new();
    private readonly IoPoller poller;
    private List<LoopWork> incoming = new();
    private List<LoopWork> draining = new();
    private bool sleeping;
    private bool stopped;
    private volatile bool stopRequested;
    private int disposed;

    // Loop thread only. The next-tick queue is a ring (a power-of-two array, the first item at tickHead, tickCount
    // items): queuing and running a tick is the loop's most frequent operation, several per request.
    // The slots' fields are stored one by one: each takes the plain write barrier (a whole struct holding references
    // copied into an array takes the slower by-reference helper), and clearing one needs none.
    private TickSlot[] tickRing = new TickSlot[64];
    private int tickHead;
    private int tickCount;
    private List<LoopWork> immediates = new();
    private List<LoopWork> runningImmediates = new();
    private int refs;
    private int pendingOperations; // async-void operations; Interlocked, as they may complete off-loop
    private long now;
    private ExceptionDispatchInfo? fatal;

    private enum LoopMode
    {
        /// <summary>Runs on the thread that called <see cref="EventLoop.Run(Action)"/>; ends when nothing keeps it alive.</summary>
        Run,

        /// <summary>Owns a thread; runs until disposed.</summary>
        Threaded,

        /// <summary><see cref="EventLoop.Default"/>: owns a background thread for the life of the process.</summary>
        Default,
    }

    /// <summary>
    /// Creates a loop running on its own new background thread, for code that is not inside
    /// <see cref="Run(Action)"/> (see <see cref="EventLoopGroup"/> for one loop per core).
    /// It runs until <see cref="Dispose"/>; an uncaught callback error is written to stderr and the loop goes on.
    /// </summary>
    public EventLoop()
        : this(LoopMode.Threaded, null)
    {
    }

    private EventLoop(LoopMode mode, string? name)
    {
        this.mode = mode;
        syncContext = new LoopSynchronizationContext(this);
        poller = IoPoller.Create();
        now = Clock();
        if (mode != LoopMode.Run)
        {
            thread = new Thread(ThreadMain)
            {
                IsBackground = true,
                Name = name ?? "NodeHttp EventLoop #" + Interlocked.Increment(ref loopCount).ToString(System.Globalization.CultureInfo.InvariantCulture),
            };
            thread.Start();
        }
    }

    /// <summary>
    /// The shared loop for code that is not inside <see cref="Run(Action)"/> (tests, hosts): created on first
    /// use, it runs on a named background thread for the life of the process. Uncaught callback errors are
    /// written to stderr and the loop goes on. <see cref="Dispose"/> does nothing on it.
    /// </summary>
    public static EventLoop Default => DefaultLoop.Value;

    /// <summary>The loop whose thread is calling, or null when the caller is not on a loop thread.</summary>
    public static EventLoop? Current => current;

    /// <summary>True when the calling thread is this loop's thread (code here runs without queuing).</summary>
    public bool IsOnLoop => current == this;

    /// <summary>
    /// Raised on the loop when a callback throws: Node's <c>process.on('uncaughtException')</c>. With no
    /// handler, <see cref="Run(Action)"/> rethrows the exception (where Node would end the process);
    /// <see cref="Default"/> and threaded loops write it to stderr and go on.
    /// </summary>
    public event Action<Exception>? UncaughtException;

    /// <summary>Loop time in milliseconds (monotonic, arbitrary origin), cached per turn: libuv's <c>uv_now</c>.</summary>
    internal long Now => now;

    /// <summary>
    /// The loop's epoll backend when it has one (Linux): sockets then register with it and the loop makes their
    /// system calls itself. Null with the portable backend (readiness from .NET's socket engine).
    /// </summary>
    internal EpollPoller? Epoll => poller as EpollPoller;

    /// <summary>True once a callback error ended a <see cref="Run(Action)"/> loop (no more callbacks run this turn).</summary>
    internal bool Faulted => fatal is not null;

    /// <summary>
    /// Node's process model: runs <paramref name="main"/> on a new loop on the calling thread, then runs the
    /// loop until no ref'd handle (listening server, ref'd socket, ref'd timer, pending request), no pending
    /// async operation started on the loop and no queued work is left. An async lambda is allowed: Run waits
    /// for it. If a callback throws and no <see cref="UncaughtException"/> handler is registered, the loop
    /// stops and the exception is rethrown from here with its original stack.
    /// </summary>
    /// <param name="main">The program's entry point, run as the loop's first callback.</param>
    public static void Run(Action main)
    {
        if (main is null)
        {
            ThrowCallbackMissing(nameof(main));
        }
        var loop = new EventLoop(LoopMode.Run, null);
        EventLoop? outerLoop = current;
        SynchronizationContext? outerContext = SynchronizationContext.Current;
        current = loop;
        SynchronizationContext.SetSynchronizationContext(loop.syncContext);
        try
        {
            loop.RunCallback(new LoopWork(main, null));
            loop.RunCore();
        }
        finally
        {
            loop.Shutdown();
            current = outerLoop;
            SynchronizationContext.SetSynchronizationContext(outerContext);
        }
        loop.fatal?.Throw();
    }

    /// <summary>
    /// Node's <c>setImmediate(callback)</c>: runs <paramref name="work"/> on the loop in the immediate (check)
    /// phase, after this turn's timers and I/O. Callable from any thread.
    /// </summary>
    /// <param name="work">The callback.</param>
    public void Post(Action work)
    {
        if (work is null)
        {
            ThrowCallbackMissing("callback");
        }
        PostCore(new LoopWork(work, null, LoopWorkKind.Immediate));
    }

    /// <summary>Node's <c>setImmediate(callback)</c>; the same as <see cref="Post(Action)"/>.</summary>
    /// <param name="callback">The callback.</param>
    public void SetImmediate(Action callback) => Post(callback);

    /// <summary>
    /// Node's <c>process.nextTick(callback)</c>: runs <paramref name="work"/> as soon as the current callback
    /// returns, before any other timer, I/O or immediate. From another thread it is first queued onto the loop.
    /// </summary>
    /// <param name="work">The callback.</param>
    public void NextTick(Action work)
    {
        if (work is null)
        {
            ThrowCallbackMissing("callback");
        }
        NextTickCore(new LoopWork(work, null));
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the loop and completes when it has run, with its exception if it threw
    /// (which then does not reach <see cref="UncaughtException"/>). Always queued, even from the loop thread.
    /// If the loop has ended, the task fails with <see cref="ObjectDisposedException"/>.
    /// </summary>
    /// <param name="work">The work to run on the loop.</param>
    /// <param name="cancellationToken">Cancelled before the loop reached the work: it does not run and the task is
    /// cancelled. Once the work started, the token no longer matters.</param>
    /// <returns>A task completing after <paramref name="work"/> ran.</returns>
    /// <exception cref="NodeHttpException"><paramref name="work"/> is null (<c>ERR_INVALID_ARG_TYPE</c>).</exception>
    /// <exception cref="ObjectDisposedException">(in the task) The loop ended before the work ran.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task InvokeAsync(Action work, CancellationToken cancellationToken = default)
    {
        if (work is null)
        {
            ThrowCallbackMissing(nameof(work));
        }
        if (cancellationToken.CanBeCanceled)
        {
            return InvokeCancellable(() =>
            {
                work();
                return true;
            }, cancellationToken);
        }
        var op = new InvokeActionOperation(work);
        if (!Enqueue(new LoopWork(InvokeActionOperation.RunCallback, op)))
        {
            op.Abandon(LoopEnded());
        }
        return op.Task;
    }

    /// <summary>Runs <paramref name="work"/> on the loop and returns its result (see <see cref="InvokeAsync(Action, CancellationToken)"/>).</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="work">The work to run on the loop.</param>
    /// <param name="cancellationToken">Cancelled before the loop reached the work: it does not run and the task is cancelled.</param>
    /// <returns>A task with the result of <paramref name="work"/>.</returns>
    /// <exception cref="NodeHttpException"><paramref name="work"/> is null (<c>ERR_INVALID_ARG_TYPE</c>).</exception>
    /// <exception cref="ObjectDisposedException">(in the task) The loop ended before the work ran.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task<T> InvokeAsync<T>(Func<T> work, CancellationToken cancellationToken = default)
    {
        if (work is null)
        {
            ThrowCallbackMissing(nameof(work));
        }
        if (cancellationToken.CanBeCanceled)
        {
            return InvokeCancellable(work, cancellationToken);
        }
        var op = new InvokeOperation<T>(work);
        if (!Enqueue(new LoopWork(InvokeOperation<T>.RunCallback, op)))
        {
            op.Abandon(LoopEnded());
        }
        return op.Task;
    }

    /// <summary>
    /// Starts async <paramref name="work"/> on the loop (its awaits resume on the loop) and completes when the
    /// task it returns completes (see <see cref="InvokeAsync(Action, CancellationToken)"/>).
    /// </summary>
    /// <param name="work">The async work to start on the loop.</param>
    /// <param name="cancellationToken">Cancelled before the loop reached the work: it does not start and the task is
    /// cancelled. Work already started is not stopped by it (pass the token to the work for that).</param>
    /// <returns>A task completing with the task <paramref name="work"/> returned.</returns>
    /// <exception cref="NodeHttpException"><paramref name="work"/> is null (<c>ERR_INVALID_ARG_TYPE</c>).</exception>
    /// <exception cref="ObjectDisposedException">(in the task) The loop ended before the work ran.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task InvokeAsync(Func<Task> work, CancellationToken cancellationToken = default)
    {
        if (work is null)
        {
            ThrowCallbackMissing(nameof(work));
        }
        return InvokeAsync<Task>(work, cancellationToken).Unwrap();
    }

    private Task<T> InvokeCancellable<T>(Func<T> work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        var op = new CancellableInvokeOperation<T>(work, cancellationToken);
        if (!Enqueue(new LoopWork(CancellableInvokeOperation<T>.RunCallback, op)))
        {
            op.Abandon(LoopEnded());
        }
        return op.Task;
    }

    /// <summary>
    /// Stops a loop created with <see cref="EventLoop()"/> and waits for its thread to end (without waiting
    /// when called on the loop itself). Queued work that has not run is dropped; pending
    /// <see cref="InvokeAsync(Action, CancellationToken)"/> tasks fail. Inside <see cref="Run(Action)"/> it makes Run return after
    /// the current turn. Does nothing on <see cref="Default"/>.
    /// </summary>
    public void Dispose()
    {
        if (mode == LoopMode.Default || Interlocked.Exchange(ref disposed, 1) != 0)
        {
            return;
        }
        stopRequested = true;
        Wake();
        if (thread is not null && !IsOnLoop)
        {
            thread.Join();
        }
    }

    /// <summary>Queues <paramref name="callback"/> to the immediate queue (<c>setImmediate</c>); any thread, allocation-free.</summary>
    internal void Post(Action<object?> callback, object? state) =>
        PostCore(new LoopWork(callback, state, LoopWorkKind.Immediate));

    /// <summary>Queues <paramref name="callback"/> to the next-tick queue; off-loop it is queued onto the loop first.</summary>
    internal void NextTick(Action<object?> callback, object? state)
    {
        if (current == this)
        {
            EnqueueTick(callback, state);
        }
        else
        {
            Enqueue(new LoopWork(callback, state));
        }
    }

    /// <summary>
    /// Queues a completion from any thread (socket readiness, accepts, connects); it runs in the I/O phase
    /// of the next turn. Dropped if the loop has ended.
    /// </summary>
    internal void QueueIo(Action<object?> callback, object? state) => Enqueue(new LoopWork(callback, state));

    /// <summary>Runs <paramref name="callback"/> inline when on the loop, else queues it with <see cref="QueueIo"/> (Netty's rule).</summary>
    internal void Execute(Action<object?> callback, object? state)
    {
        if (IsOnLoop)
        {
            callback(state);
        }
        else
        {
            Enqueue(new LoopWork(callback, state));
        }
    }

    /// <summary>
    /// A ref'd handle (server, socket, pending connect or request) starts keeping the loop alive. Meant for
    /// the loop thread; from another thread it is queued (the queued call itself keeps the loop alive until it runs).
    /// </summary>
    internal void AddRef()
    {
        if (IsOnLoop)
        {
            refs++;
        }
        else
        {
            QueueIo(static s => ((EventLoop)s!).refs++, this);
        }
    }

    /// <summary>A ref'd handle no longer keeps the loop alive; pairs with <see cref="AddRef"/>. Off the loop it is queued.</summary>
    internal void RemoveRef()
    {
        if (!IsOnLoop)
        {
            QueueIo(static s => ((EventLoop)s!).RemoveRef(), this);
            return;
        }
        if (refs == 0)
        {
            ThrowUnbalancedRef();
        }
        refs--;
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowUnbalancedRef() =>
        throw new InvalidOperationException("EventLoop.RemoveRef without a matching AddRef.");

    /// <summary>Ref'd handles currently held (tests check that nothing leaks).</summary>
    internal int RefCount => refs;

    /// <summary>
    /// A callback threw: raises <see cref="UncaughtException"/>. With no handler (or a handler that throws),
    /// <see cref="Run(Action)"/> stops and rethrows; threaded loops write to stderr and go on.
    /// </summary>
    internal void ReportUncaught(Exception exception, bool logged = false)
    {
        if (!IsOnLoop)
        {
            QueueIo(static s => { var (loop, ex, l) = ((EventLoop, Exception, bool))s!; loop.ReportUncaught(ex, l); }, (this, exception, logged));
            return;
        }
        Action<Exception>? handler = UncaughtException;
        if (handler is not null)
        {
            try
            {
                handler(exception);
                return;
            }
            catch (Exception handlerError)
            {
                // Node: an error thrown by an 'uncaughtException' handler is fatal.
                exception = handlerError;
            }
        }
        if (mode == LoopMode.Run)
        {
            fatal ??= ExceptionDispatchInfo.Capture(exception);
        }
        else
        {
            ReportToLogOrStderr(exception, logged);
        }
    }

    /// <summary>Queues a <see cref="SynchronizationContext"/> post (an await continuation) to the I/O phase.</summary>
    internal void QueueSync(SendOrPostCallback callback, object? state) => Enqueue(new LoopWork(callback, state));

    /// <summary>An async void method started on the loop: it keeps <see cref="Run(Action)"/> alive until it completes.</summary>
    internal void OperationStarted() => Interlocked.Increment(ref pendingOperations);

    /// <summary>An async void method completed (possibly on another thread, so the loop is woken to re-check liveness).</summary>
    internal void OperationCompleted()
    {
        if (Interlocked.Decrement(ref pendingOperations) == 0 && !IsOnLoop)
        {
            Wake();
        }
    }

    private void PostCore(in LoopWork work)
    {
        if (IsOnLoop)
        {
            immediates.Add(work);
        }
        else
        {
            Enqueue(work);
        }
    }

    private void NextTickCore(in LoopWork work)
    {
        if (IsOnLoop)
        {
            EnqueueTick(work.Callback, work.State);
        }
        else
        {
            // Runs as an I/O-phase callback; the tick queue drains right after it, so code it queues with
            // NextTick still runs before anything else.
            Enqueue(work);
        }
    }

    // Loop thread only.
    private void EnqueueTick(object callback, object? state)
    {
        TickSlot[] ring = tickRing;
        if (tickCount == ring.Length)
        {
            ring = GrowTicks();
        }
        ref TickSlot slot = ref ring[(tickHead + tickCount) & (ring.Length - 1)];
        slot.Callback = callback;
        slot.State = state;
        tickCount++;
    }

    private TickSlot[] GrowTicks()
    {
        TickSlot[] old = tickRing;
        var grown = new TickSlot[old.Length * 2];
        for (int i = 0; i < tickCount; i++)
        {
            grown[i] = old[(tickHead + i) & (old.Length - 1)];
        }
        tickRing = grown;
        tickHead = 0;
        return grown;
    }

    // Loop thread only, with tickCount > 0: takes the oldest tick, clearing its slot so the ring keeps nothing alive.
    // Returned by value, not through out parameters: a reference stored through one takes the checked write barrier,
    // a local none.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private TickSlot DequeueTick()
    {
        TickSlot[] ring = tickRing;
        int head = tickHead;
        ref TickSlot slot = ref ring[head];
        TickSlot tick = slot;
        slot.Callback = null;
        slot.State = null;
        tickHead = (head + 1) & (ring.Length - 1);
        tickCount--;
        return tick;
    }

    private bool Enqueue(in LoopWork work)
    {
        lock (gate)
        {
            if (stopped)
            {
                return false;
            }
            incoming.Add(work);
            if (sleeping)
            {
                sleeping = false;
                poller.Wake();
            }
        }
        return true;
    }

    private void Wake()
    {
        lock (gate)
        {
            if (sleeping)
            {
                sleeping = false;
                poller.Wake();
            }
        }
    }

    private void ThreadMain()
    {
        current = this;
        SynchronizationContext.SetSynchronizationContext(syncContext);
        try
        {
            RunCore();
        }
        catch (Exception ex)
        {
            // RunCore catches callback errors itself; reaching here is a bug in the loop.
            ReportLoopFailure(ex);
        }
        finally
        {
            Shutdown();
            current = null;
        }
    }

    private void RunCore()
    {
        while (fatal is null && !stopRequested)
        {
            if (mode == LoopMode.Run && TryFinish())
            {
                return;
            }
            WaitForWork();
            UpdateNow();
            RunTimers();
            RunIo();
            RunImmediates();
        }
    }

    /// <summary>Ends a <see cref="Run(Action)"/> loop if nothing keeps it alive; atomically refuses further posts.</summary>
    private bool TryFinish()
    {
        if (refs > 0 || refTimers > 0 || Volatile.Read(ref pendingOperations) > 0 || tickCount > 0 || immediates.Count > 0)
        {
            return false;
        }
        lock (gate)
        {
            if (incoming.Count > 0)
            {
                return false;
            }
            stopped = true;
            return true;
        }
    }

    /// <summary>
    /// The poll phase (libuv's <c>uv__io_poll</c>): waits until the next timer is due, blocking only when nothing
    /// is pending. With pending ticks, immediates, due timers or queued work it still polls, with a zero
    /// timeout, so a loop kept busy by immediates cannot starve its sockets.
    /// </summary>
    private void WaitForWork()
    {
        int timeout = Timeout.Infinite;
        if (immediates.Count > 0 || tickCount > 0)
        {
            timeout = 0;
        }
        else if (timers.Count > 0)
        {
            long delay = timers.Peek().HeapDue - UpdateNow();
            timeout = delay <= 0 ? 0 : (int)Math.Min(delay, int.MaxValue);
        }
        if (timeout != 0)
        {
            lock (gate)
            {
                if (incoming.Count > 0 || stopRequested)
                {
                    timeout = 0;
                }
                else
                {
                    sleeping = true;
                    poller.PrepareSleep();
                }
            }
        }
        poller.Wait(timeout);
        if (timeout != 0)
        {
            lock (gate)
            {
                sleeping = false;
            }
        }
    }

    private void RunIo()
    {
        lock (gate)
        {
            (incoming, draining) = (draining, incoming);
        }
        List<LoopWork> batch = draining;
        for (int i = 0; i < batch.Count && fatal is null; i++)
        {
            LoopWork work = batch[i];
            if (work.Kind == LoopWorkKind.Immediate)
            {
                immediates.Add(work);
            }
            else
            {
                RunCallback(work);
            }
        }
        if (fatal is null)
        {
            batch.Clear();
            // Then the sockets epoll reported ready, in the order it returned them.
            poller.Dispatch(this);
        }
    }

    /// <summary>Runs a poller event as a callback: reports what it throws, then drains the next-tick queue.</summary>
    internal void RunIoEvent(IoWatcher watcher, uint events)
    {
        try
        {
            watcher.OnIoReady(events);
        }
        catch (Exception ex)
        {
            ReportUncaught(ex);
        }
        DrainTicks();
    }

    private void RunImmediates()
    {
        // Immediates posted while this phase runs land in the other list: they run next turn, as in Node.
        (immediates, runningImmediates) = (runningImmediates, immediates);
        List<LoopWork> batch = runningImmediates;
        for (int i = 0; i < batch.Count && fatal is null; i++)
        {
            RunCallback(batch[i]);
        }
        if (fatal is null)
        {
            batch.Clear();
        }
    }

    /// <summary>Runs one callback, reports what it throws, then drains the next-tick queue (Node's runNextTicks).</summary>
    private void RunCallback(in LoopWork work)
    {
        try
        {
            work.Invoke();
        }
        catch (Exception ex)
        {
            ReportUncaught(ex);
        }
        DrainTicks();
    }

    private void DrainTicks()
    {
        while (fatal is null && tickCount > 0)
        {
            TickSlot tick = DequeueTick();
            try
            {
                LoopWork.Invoke(tick.Callback!, tick.State);
            }
            catch (Exception ex)
            {
                ReportUncaught(ex);
            }
        }
    }

    /// <summary>The loop has ended: refuse further posts and fail whoever still waits on queued work.</summary>
    private void Shutdown()
    {
        List<LoopWork> leftover;
        lock (gate)
        {
            stopped = true;
            sleeping = false;
            leftover = incoming;
            incoming = new List<LoopWork>();
            poller.Dispose();
        }
        Exception reason = LoopEnded();
        Abandon(leftover, reason);
        Abandon(draining, reason);
        Abandon(immediates, reason);
        Abandon(runningImmediates, reason);
        while (tickCount > 0)
        {
            (DequeueTick().State as IAbandonable)?.Abandon(reason);
        }
    }

    private static void Abandon(List<LoopWork> items, Exception reason)
    {
        foreach (LoopWork item in items)
        {
            (item.State as IAbandonable)?.Abandon(reason);
        }
        items.Clear();
    }

    private static ObjectDisposedException LoopEnded() => new(nameof(EventLoop), "The event loop has ended.");

    private static long Clock() => (long)Stopwatch.GetElapsedTime(0).TotalMilliseconds;

    /// <summary>Reads the clock into <see cref="Now"/> (libuv's <c>uv_update_time</c>).</summary>
    internal long UpdateNow() => now = Clock();

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowCallbackMissing(string name) =>
        ErrorCodes.Throw("ERR_INVALID_ARG_TYPE", name, "of type function", "undefined");

    // One queued next-tick: a LoopWork's callback and state, without its kind.
    private struct TickSlot
    {
        public object? Callback;
        public object? State;
    }
}
