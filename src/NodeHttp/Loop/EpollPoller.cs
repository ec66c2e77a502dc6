using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace NodeHttp;

/// <summary>
/// The Linux backend: one epoll instance per loop, waited on by the loop thread itself (libuv's
/// <c>uv__io_poll</c>), plus an eventfd that other threads write to wake the loop (libuv's async handle).
/// </summary>
/// <remarks>
/// <para><c>struct epoll_event</c> is <c>{ uint32_t events; epoll_data_t data; }</c>, declared packed on x86_64
/// (12 bytes, data at offset 4) and naturally aligned elsewhere (16 bytes on arm64, data at offset 8); the
/// event array is raw native memory read with those offsets.</para>
/// <para>The 64-bit data of each registration is <c>generation &lt;&lt; 32 | slot</c>, an index into a table
/// of watchers. Freeing a slot bumps its generation, so an event that is still in the current batch for a
/// watcher that an earlier callback of the same batch unregistered (closed) — or whose slot was already
/// reused by a socket accepted in that batch — is recognised as stale and dropped (what libuv's
/// <c>uv__platform_invalidate_fd</c> does by rewriting the pending events).</para>
/// <para>Loop thread only, except <see cref="Wake"/>.</para>
/// </remarks>
internal sealed unsafe class EpollPoller : IoPoller
{
    // libuv polls up to 1024 events per epoll_wait.
    private const int MaxEvents = 1024;
    private const ulong WakeToken = ulong.MaxValue;

    // Pause between two looks while polling (Thread.SpinWait iterations): keeps the polling thread from hammering
    // the kernel, far shorter than a loopback round trip.
    private const int PollPause = 10;

    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int epfd;
    private readonly int wakeFd;
    private byte* events;
    private int ready;
    private bool disposed;

    private IoWatcher?[] watchers = new IoWatcher?[64];
    private uint[] generations = new uint[64];
    private int[] freeSlots = new int[64];
    private int freeCount;
    private int slotsUsed;
    private PollWindow pollWindow = new(PollWindow.ConfiguredLimitTicks);

    private EpollPoller(int epfd, int wakeFd)
    {
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EventSize));
    }

    /// <summary>Sets up epoll and the wake-up eventfd; null when the platform refuses (the loop then uses the portable backend).</summary>
    internal static EpollPoller? TryCreate()
    {
        int ep = -1;
        int efd = -1;
        try
        {
            ep = Libc.epoll_create1(Libc.EPOLL_CLOEXEC);
            if (ep < 0)
            {
                return null;
            }
            efd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
            if (efd < 0)
            {
                Libc.close(ep);
                return null;
            }
            // Level-triggered: the eventfd stays ready until Wait reads its counter back to zero.
            byte* ev = stackalloc byte[16];
            WriteEvent(ev, Libc.EPOLLIN, WakeToken);
            if (Libc.epoll_ctl(ep, Libc.EPOLL_CTL_ADD, efd, ev) != 0)
            {
                Libc.close(efd);
                Libc.close(ep);
                return null;
            }
            return new EpollPoller(ep, efd);
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static void WriteEvent(byte* ev, uint mask, ulong data)
    {
        Unsafe.WriteUnaligned(ev, mask);
        Unsafe.WriteUnaligned(ev + DataOffset, data);
    }

    /// <summary>
    /// Registers <paramref name="watcher"/> for <paramref name="mask"/> on the fd of <paramref name="handle"/>, whose
    /// reference count is raised until <see cref="Unregister"/> so the fd cannot be closed (and its number reused)
    /// while epoll may report it. Returns 0 or the errno of <c>epoll_ctl</c>.
    /// </summary>
    internal int Register(IoWatcher watcher, SafeHandle handle, uint mask)
    {
        bool added = false;
        handle.DangerousAddRef(ref added);
        int fd = (int)handle.DangerousGetHandle();
        int slot = AllocateSlot();
        byte* ev = stackalloc byte[16];
        WriteEvent(ev, mask, ((ulong)generations[slot] << 32) | (uint)slot);
        if (Libc.epoll_ctl(epfd, Libc.EPOLL_CTL_ADD, fd, ev) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            ReleaseSlot(slot);
            handle.DangerousRelease();
            return errno;
        }
        watchers[slot] = watcher;
        watcher.PollSlot = slot;
        watcher.PollFd = fd;
        watcher.PollHandle = handle;
        return 0;
    }

    /// <summary>
    /// Removes <paramref name="watcher"/> (<c>EPOLL_CTL_DEL</c> before the fd is closed) and releases the handle
    /// reference taken by <see cref="Register"/>; events of it still pending in this turn's batch are dropped.
    /// </summary>
    internal void Unregister(IoWatcher watcher)
    {
        int slot = watcher.PollSlot;
        if (slot < 0)
        {
            return;
        }
        if (!disposed)
        {
            // A non-null event pointer: kernels before 2.6.9 required one even for DEL.
            byte* ev = stackalloc byte[16];
            WriteEvent(ev, 0, 0);
            Libc.epoll_ctl(epfd, Libc.EPOLL_CTL_DEL, watcher.PollFd, ev);
        }
        watchers[slot] = null;
        ReleaseSlot(slot);
        SafeHandle? handle = watcher.PollHandle;
        watcher.PollSlot = -1;
        watcher.PollFd = -1;
        watcher.PollHandle = null;
        handle?.DangerousRelease();
    }

    private int AllocateSlot()
    {
        if (freeCount > 0)
        {
            return freeSlots[--freeCount];
        }
        if (slotsUsed == watchers.Length)
        {
            int size = watchers.Length * 2;
            Array.Resize(ref watchers, size);
            Array.Resize(ref generations, size);
            Array.Resize(ref freeSlots, size);
        }
        return slotsUsed++;
    }

    private void ReleaseSlot(int slot)
    {
        generations[slot]++;
        freeSlots[freeCount++] = slot;
    }

    internal override void PrepareSleep()
    {
        // Nothing to arm: a wake-up written before the wait leaves the eventfd readable, so epoll_wait returns at once.
    }

    internal override void Wait(int timeoutMs)
    {
        int n = timeoutMs != 0 && pollWindow.Enabled ? PollThenWait(timeoutMs) : Libc.epoll_wait(epfd, events, MaxEvents, timeoutMs);
        if (n < 0)
        {
            // EINTR (the runtime signals threads, e.g. to suspend them for a GC): an early, empty return; the loop
            // recomputes its timeout and goes round again.
            ready = 0;
            return;
        }
        ready = n;
        for (int i = 0; i < n; i++)
        {
            if (Unsafe.ReadUnaligned<ulong>(events + (i * EventSize) + DataOffset) == WakeToken)
            {
                // Reading an eventfd returns its counter and resets it to zero: one read consumes every wake-up.
                ulong counter;
                Libc.read(wakeFd, (byte*)&counter, sizeof(ulong));
                break;
            }
        }
    }

    /// <summary>
    /// A wait that may block: first looks with zero-timeout waits for as long as <see cref="pollWindow"/> says,
    /// then blocks, and lets the window learn how long the loop was idle.
    /// </summary>
    private int PollThenWait(int timeoutMs)
    {
        long start = Stopwatch.GetTimestamp();
        if (pollWindow.Ticks > 0)
        {
            long pollUntil = start + pollWindow.Ticks;
            do
            {
                int polled = Libc.epoll_wait(epfd, events, MaxEvents, 0);
                if (polled != 0)
                {
                    return polled; // caught while polling: the window is wide enough
                }
                Thread.SpinWait(PollPause);
            }
            while (Stopwatch.GetTimestamp() < pollUntil);
        }
        // epoll_wait counts whole milliseconds and the polled part is well under one: a timer is never early.
        int n = Libc.epoll_wait(epfd, events, MaxEvents, timeoutMs);
        pollWindow.Learn(Stopwatch.GetTimestamp() - start);
        return n;
    }

    internal override void Wake()
    {
        ulong one = 1;
        // EAGAIN would mean the counter is about to overflow, i.e. wake-ups are already pending: nothing lost.
        Libc.write(wakeFd, (byte*)&one, sizeof(ulong));
    }

    internal override void Dispatch(EventLoop loop)
    {
        int n = ready;
        ready = 0;
        for (int i = 0; i < n && !loop.Faulted; i++)
        {
            byte* ev = events + (i * EventSize);
            ulong data = Unsafe.ReadUnaligned<ulong>(ev + DataOffset);
            if (data == WakeToken)
            {
                continue;
            }
            int slot = (int)(uint)data;
            if ((uint)slot >= (uint)watchers.Length || generations[slot] != (uint)(data >> 32) || watchers[slot] is not { } watcher)
            {
                continue; // unregistered earlier in this batch
            }
            loop.RunIoEvent(watcher, Unsafe.ReadUnaligned<uint>(ev));
        }
    }

    public override void Dispose()
    {
        if (disposed)
        {
            return;
        }
        disposed = true;
        // The loop has ended (this runs on its thread, after its last callback): watchers still registered belong
        // to handles nobody will close on this loop any more, so give their fds back to their SafeHandles (closed
        // when those are disposed or finalized). Closing the epoll fd drops every registration.
        for (int slot = 0; slot < slotsUsed; slot++)
        {
            if (watchers[slot] is { } watcher)
            {
                Unregister(watcher);
            }
        }
        Libc.close(wakeFd);
        Libc.close(epfd);
        NativeMemory.Free(events);
        events = null;
        ready = 0;
    }
}
