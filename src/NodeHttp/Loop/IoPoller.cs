using System.Runtime.InteropServices;

namespace NodeHttp;

/// <summary>
/// How an <see cref="EventLoop"/> sleeps and learns about I/O: libuv's <c>uv__io_poll</c> behind one seam.
/// </summary>
/// <remarks>
/// <para>Two backends. <see cref="EpollPoller"/> (Linux x64/arm64): the loop thread itself blocks in
/// <c>epoll_wait</c>, sockets are registered with it, and the loop makes every socket system call, so a
/// request costs no thread hop. <see cref="SocketEnginePoller"/> (everywhere else, or when epoll cannot be set
/// up): the loop sleeps on an event, and socket readiness comes from .NET's socket engine (completions on
/// thread-pool threads queued to the loop).</para>
/// <para>Protocol, driven by <see cref="EventLoop"/>: <see cref="PrepareSleep"/> and <see cref="Wake"/> are
/// called under the loop's cross-thread lock, so a wake-up can never be lost between the loop's last look at
/// its queue and the wait, and none is ever signalled after <see cref="Dispose"/>. <see cref="Wait"/> runs on
/// the loop thread outside the lock; <see cref="Dispatch"/> runs the events it gathered in the I/O phase.</para>
/// <para>Setting the environment variable <c>NODEHTTP_IO=dotnet</c> forces the portable backend (for
/// comparison and for testing it on Linux).</para>
/// </remarks>
internal abstract class IoPoller : IDisposable
{
    private static readonly bool ForcePortable =
        string.Equals(Environment.GetEnvironmentVariable("NODEHTTP_IO"), "dotnet", StringComparison.OrdinalIgnoreCase);

    /// <summary>Creates the best backend for this platform.</summary>
    internal static IoPoller Create()
    {
        if (!ForcePortable && OperatingSystem.IsLinux()
            && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64
            && EpollPoller.TryCreate() is { } epoll)
        {
            return epoll;
        }
        return new SocketEnginePoller();
    }

    /// <summary>The loop is about to block in <see cref="Wait"/> with a non-zero timeout (under the loop's lock).</summary>
    internal abstract void PrepareSleep();

    /// <summary>
    /// Blocks the loop thread until I/O is ready, <see cref="Wake"/> is called or <paramref name="timeoutMs"/>
    /// passes (-1: no limit; 0: only looks, never blocks).
    /// </summary>
    internal abstract void Wait(int timeoutMs);

    /// <summary>Ends a <see cref="Wait"/> in progress (or the next one); called under the loop's lock, from any thread.</summary>
    internal abstract void Wake();

    /// <summary>Runs the callbacks of the events the last <see cref="Wait"/> gathered (loop thread, I/O phase).</summary>
    internal abstract void Dispatch(EventLoop loop);

    /// <summary>Releases the backend's kernel objects (under the loop's lock, after the loop ended).</summary>
    public abstract void Dispose();
}

/// <summary>
/// The portable backend: the loop sleeps on an event; I/O readiness is delivered by .NET's socket engine as
/// work queued to the loop (<see cref="EventLoop.QueueIo"/>), so it has nothing of its own to dispatch.
/// </summary>
internal sealed class SocketEnginePoller : IoPoller
{
    private readonly ManualResetEventSlim wake = new(false);

    internal override void PrepareSleep() => wake.Reset();

    internal override void Wait(int timeoutMs)
    {
        if (timeoutMs != 0)
        {
            wake.Wait(timeoutMs);
        }
    }

    internal override void Wake() => wake.Set();

    internal override void Dispatch(EventLoop loop)
    {
    }

    // Nothing to release: a ManualResetEventSlim without a kernel handle needs no disposal, and keeping it
    // usable means a late Set can never throw.
    public override void Dispose()
    {
    }
}

/// <summary>
/// Something registered with an <see cref="EpollPoller"/> (a socket, a listening socket). Loop thread only.
/// </summary>
internal abstract class IoWatcher
{
    /// <summary>Index in the poller's watcher table; -1 when not registered.</summary>
    internal int PollSlot = -1;

    /// <summary>The registered fd (valid while registered: the handle's reference is held).</summary>
    internal int PollFd = -1;

    /// <summary>The handle whose reference count keeps <see cref="PollFd"/> from being closed (and reused) while registered.</summary>
    internal SafeHandle? PollHandle;

    /// <summary>True while registered with the loop's poller.</summary>
    internal bool IsRegistered => PollSlot >= 0;

    /// <summary>epoll reported <paramref name="events"/> (<c>EPOLLIN</c>, <c>EPOLLOUT</c>, …) for this fd; runs on the loop in the I/O phase.</summary>
    internal abstract void OnIoReady(uint events);
}
