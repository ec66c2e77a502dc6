using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using OsSocket = System.Net.Sockets.Socket;

namespace NodeHttp;

/// <summary>
/// Node's <c>net.Server</c>: listens on a TCP port or a Unix socket path and emits <c>'connection'</c>(Socket)
/// for each accepted connection. Events <c>listening</c>, <c>connection</c>, <c>close</c>, <c>error</c>, <c>drop</c>.
/// </summary>
/// <remarks>
/// The server belongs to the loop that created it; methods called from other threads are queued onto it.
/// A listening, ref'd server keeps <see cref="EventLoop.Run"/> alive. Accepting runs on the loop: with the
/// loop's epoll backend the listening fd is registered with it and the loop accepts itself; otherwise a
/// completed asynchronous accept is queued to the loop, which then takes every further pending connection
/// without waiting.
/// <para>
/// Running out of file descriptors does not stop the server, as in Node: while listening it holds one spare
/// descriptor (libuv's <c>emfile_fd</c>), and when an accept fails with <c>EMFILE</c> or <c>ENFILE</c> it releases
/// it, accepts every pending connection and closes it at once, then takes the spare back, so clients are turned
/// away instead of left waiting and the connections already open go on being served. No <c>'error'</c> is emitted
/// for that; any accept error caused by a lack of resources (descriptors, buffers, memory) is retried after a short
/// delay, without <c>'error'</c> either. On Linux the last 32 descriptors of the process's limit are left to the
/// runtime, which needs some of its own to start threads and load assemblies: a connection accepted into them is
/// closed at once as well. <see cref="MaxConnections"/> caps connections below that.
/// </para>
/// </remarks>
public class NetServer : EventEmitter
{
    /// <summary>Node's default listen backlog (<c>server.listen</c>: 511).</summary>
    public const int DefaultBacklog = 511;

    // Connections taken per readiness before yielding to the loop's other work (libuv accepts until EAGAIN;
    // a bound keeps a connection storm from starving established sockets).
    private const int MaxAcceptsPerTurn = 64;

    private static readonly EventHandler<SocketAsyncEventArgs> AcceptCompleted =
        static (_, e) => { var s = (NetServer)e.UserToken!; s.Loop.QueueIo(OnAcceptCompletedOnLoop, s); };

    private static readonly Action<object?> ContinueAccepting = static s => ((NetServer)s!).AcceptReady();

    private static readonly Action<object?> RetryAccepting = static s =>
    {
        var server = (NetServer)s!;
        server.acceptRetryTimer = null;
        server.ResumeAccepting();
    };

    // The first and the longest wait before accepting again after an accept failed for lack of resources (doubling
    // in between, as Go's net/http server backs off on temporary accept errors).
    private const int FirstAcceptRetryMs = 5;
    private const int MaxAcceptRetryMs = 1000;

    // Descriptors at the top of the process's limit that accepted connections leave free (see AdmitFd); a quarter of
    // the limit when that is smaller.
    private const int FdHeadroom = 32;

    // Accepted descriptors numbered at or above this are closed at once; int.MaxValue when the limit is unknown or
    // unlimited, -1 until read. One per process, as the limit is; read again whenever it trips, so a limit raised
    // later (setrlimit) is seen.
    private static int fdCeiling = -1;

    private AcceptWatcher? acceptWatcher;

    private readonly NetServerOptions? options;
    private OsSocket? listenSocket;
    private SocketAsyncEventArgs? acceptArgs;
    private string? unixPath;
    private bool listenCalled;
    private LoopHandleRef loopRef;
    private int connections;

    // Held while listening and given up for a moment when the process is out of descriptors, so that pending
    // connections can be accepted and closed (libuv's uv__emfile_trick). Null when it could not be opened.
    private SafeFileHandle? spareFd;

    // Set while accepting waits to be retried after a failure; closed when the server closes. Unref'd: the
    // listening server holds the loop alive already.
    private LoopTimer? acceptRetryTimer;
    private int acceptRetryDelay;

    /// <summary>Node's <c>new net.Server([options][, connectionListener])</c>.</summary>
    /// <param name="options">Options for accepted sockets; null for Node's defaults.</param>
    /// <param name="connectionListener">Added as a <c>'connection'</c> listener.</param>
    public NetServer(NetServerOptions? options = null, Action<Socket>? connectionListener = null)
    {
        Loop = EventLoop.Current ?? EventLoop.Default;
        if (options is not null && options.HighWaterMark < 0)
        {
            // Node 20 quietly took the default for a negative value; later Node lines refuse it, as here.
            ErrorCodes.Throw("ERR_OUT_OF_RANGE", "options.highWaterMark", ">= 0", options.HighWaterMark);
        }
        this.options = options;
        if (connectionListener is not null)
        {
            On(NetEvents.Connection, connectionListener);
        }
    }

    /// <summary>The loop that owns this server.</summary>
    internal EventLoop Loop { get; }

    /// <summary>
    /// Called on the accepting loop for each new connection instead of making a <see cref="Socket"/> here, when set
    /// (the Http layer hands connections to its own per-loop handling). Null: <c>'connection'</c> is emitted.
    /// </summary>
    internal Action<OsSocket>? AcceptHook { get; set; }

    /// <summary>Node's <c>server.listening</c>.</summary>
    public bool Listening => listenSocket is not null;

    /// <summary>
    /// Node's <c>server.maxConnections</c>: once this many connections are open, each new one is closed as soon as it
    /// is accepted and <c>'drop'</c> is emitted with a <see cref="DropEvent"/> (null for a Unix socket server) instead of
    /// <c>'connection'</c>. Null, or 0 as in Node 20, means no limit. Lets a server stay below the process's file
    /// descriptor limit (<c>ulimit -n</c>).
    /// </summary>
    public int? MaxConnections { get; set; }

    /// <summary>Open connections accepted by this server (Node's <c>server._connections</c>).</summary>
    internal int ConnectionCount => connections;

    /// <summary>Node's <c>server.listen(port[, host][, backlog][, callback])</c>. No host: <c>::</c> dual-stack, else <c>0.0.0.0</c>.</summary>
    /// <param name="port">The port; 0 picks a free one (see <see cref="Address"/>).</param>
    /// <param name="host">An IP address or host name (first resolved address); null for all interfaces.</param>
    /// <param name="backlog">The accept queue length.</param>
    /// <param name="callback">Added as a one-time <c>'listening'</c> listener.</param>
    public NetServer Listen(int port = 0, string? host = null, int backlog = DefaultBacklog, Action? callback = null)
    {
        NetAddress.ValidatePort(port, "options.port");
        BeginListen(callback);
        Loop.Execute(static s =>
        {
            var (server, p, h, b) = ((NetServer, int, string?, int))s!;
            server.ListenTcp(p, h, b, default);
        }, (this, port, host, backlog));
        return this;
    }

    /// <summary>Node's <c>server.listen(port, host, callback)</c>.</summary>
    public NetServer Listen(int port, string host, Action callback) => Listen(port, host, DefaultBacklog, callback);

    /// <summary>Node's <c>server.listen(port, callback)</c>.</summary>
    public NetServer Listen(int port, Action callback) => Listen(port, null, DefaultBacklog, callback);

    /// <summary>Node's <c>server.listen(path[, callback])</c>: a Unix domain socket. An existing file at the path fails with EADDRINUSE, as Node.</summary>
    /// <param name="path">The socket file path.</param>
    /// <param name="callback">Added as a one-time <c>'listening'</c> listener.</param>
    public NetServer Listen(string path, Action? callback = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        BeginListen(callback);
        Loop.Execute(static s =>
        {
            var (server, p) = ((NetServer, string))s!;
            server.ListenUnix(p, DefaultBacklog, readableAll: false, writableAll: false);
        }, (this, path));
        return this;
    }

    /// <summary>
    /// Node's <c>server.listen(options[, callback])</c>: an inherited descriptor (<see cref="ListenOptions.Fd"/>), a TCP
    /// port (<see cref="ListenOptions.Port"/>, with <see cref="ListenOptions.ReusePort"/>, <see cref="ListenOptions.Ipv6Only"/>)
    /// or a Unix socket (<see cref="ListenOptions.Path"/>, with its file modes), in that order of precedence. Failures to
    /// bind or listen (<c>EADDRINUSE</c>, <c>EACCES</c>, <c>EINVAL</c> for a descriptor that is no stream socket, ...)
    /// are <c>'error'</c> events, as in Node.
    /// </summary>
    /// <param name="options">Where and how to listen; read now.</param>
    /// <param name="callback">Added as a one-time <c>'listening'</c> listener.</param>
    /// <exception cref="NodeHttpException"><c>ERR_INVALID_ARG_VALUE</c> with neither a descriptor, a port nor a path;
    /// <c>ERR_SOCKET_BAD_PORT</c> for a port out of range; <c>ERR_SERVER_ALREADY_LISTEN</c>.</exception>
    public NetServer Listen(ListenOptions options, Action? callback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        BeginListen(callback);
        Loop.Execute(static s =>
        {
            var (server, o) = ((NetServer, ListenOptions))s!;
            server.ListenWith(o);
        }, (this, options.Snapshot()));
        return this;
    }

    // Node's listen(options): handle/fd first, then port, then path.
    private void ListenWith(ListenOptions o)
    {
        if (o.Fd is int fd && fd >= 0)
        {
            ListenFd(fd, o.Backlog);
        }
        else if (o.Port is int port)
        {
            ListenTcp(port, o.Host, o.Backlog, new TcpFlags(o.Ipv6Only, o.ReusePort, o.Exclusive));
        }
        else
        {
            ListenUnix(o.Path!, o.Backlog, o.ReadableAll, o.WritableAll);
        }
    }

    /// <summary>How a TCP listener is set up before it binds (<see cref="ListenOptions"/>).</summary>
    private readonly record struct TcpFlags(bool Ipv6Only, bool ReusePort, bool Exclusive);

    // Node's createServerHandle for an fd: a TCP or pipe handle opened on it, then listen(backlog); any other kind of
    // descriptor is EINVAL (guessHandleType). The descriptor is left open when it is refused, as Node leaves it.
    private void ListenFd(int fd, int backlog)
    {
        OsSocket os;
        if (!ListenInterop.IsStreamSocket(fd))
        {
            FailListen(SystemErrors.Create("EINVAL", "listen", withDescription: true));
            return;
        }
        try
        {
            os = new OsSocket(new SafeSocketHandle(fd, ownsHandle: true));
        }
        catch (SocketException)
        {
            FailListen(SystemErrors.Create("EINVAL", "listen", withDescription: true));
            return;
        }
        try
        {
            os.Listen(backlog);
        }
        catch (SocketException ex)
        {
            os.Dispose();
            FailListen(SystemErrors.Create(SystemErrors.CodeOf(ex.SocketErrorCode), "listen", withDescription: true));
            return;
        }
        StartListening(os);
    }

    private void BeginListen(Action? callback)
    {
        if (listenCalled)
        {
            ErrorCodes.Throw("ERR_SERVER_ALREADY_LISTEN");
        }
        listenCalled = true;
        if (callback is not null)
        {
            Once(NetEvents.Listening, callback);
        }
    }

    private void ListenTcp(int port, string? host, int backlog, TcpFlags flags)
    {
        if (host is null)
        {
            // Node: no host → '::' when IPv6 is available (dual-stack), else '0.0.0.0'.
            NodeHttpException? error = null;
            if (OsSocket.OSSupportsIPv6 && TryBind(IPAddress.IPv6Any, port, backlog, flags, out error))
            {
                return;
            }
            if (error is null || error.Code is "EAFNOSUPPORT" or "EADDRNOTAVAIL" or "EINVAL")
            {
                TryBind(IPAddress.Any, port, backlog, flags, out error);
            }
            if (error is not null)
            {
                FailListen(error);
            }
            return;
        }
        if (IPAddress.TryParse(host, out IPAddress? literal))
        {
            if (!TryBind(literal, port, backlog, flags, out NodeHttpException? error))
            {
                FailListen(error!);
            }
            return;
        }
        // The lookup keeps the loop alive, as libuv's getaddrinfo request does, until the bind is tried.
        Loop.AddRef();
        Dns.GetHostAddressesAsync(host).ContinueWith(static (t, s) =>
        {
            var (server, p, h, b, f) = ((NetServer, int, string, int, TcpFlags))s!;
            server.Loop.QueueIo(static st =>
            {
                var (srv, task, po, ho, ba, fl) = ((NetServer, Task<IPAddress[]>, int, string, int, TcpFlags))st!;
                IPAddress? address = task.IsCompletedSuccessfully
                    ? Array.Find(task.Result, a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
                    : null;
                if (address is null)
                {
                    srv.FailListen(SystemErrors.Create("ENOTFOUND", "getaddrinfo", ho));
                }
                else if (!srv.TryBind(address, po, ba, fl, out NodeHttpException? error))
                {
                    srv.FailListen(error!);
                }
                srv.Loop.RemoveRef();
            }, (server, t, p, h, b, f));
        }, (this, port, host, backlog, flags), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private bool TryBind(IPAddress address, int port, int backlog, TcpFlags flags, out NodeHttpException? error)
    {
        error = null;
        OsSocket? os = null;
        try
        {
            os = new OsSocket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            if (address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                if (flags.Ipv6Only)
                {
                    os.DualMode = false;
                }
                else if (address.Equals(IPAddress.IPv6Any))
                {
                    os.DualMode = true;
                }
            }
            // Before bind: the kernel lets a port be shared only by sockets that all asked for it when they bound.
            if (flags.ReusePort && !ListenInterop.TrySetReusePort(os))
            {
                os.Dispose();
                error = SystemErrors.Create("ENOTSUP", "listen", NetAddress.Format(address), port, withDescription: true);
                return false;
            }
            if (flags.Exclusive && OperatingSystem.IsWindows())
            {
                os.ExclusiveAddressUse = true;
            }
            os.Bind(new IPEndPoint(address, port));
            os.Listen(backlog);
        }
        catch (SocketException ex)
        {
            os?.Dispose();
            error = SystemErrors.Create(SystemErrors.CodeOf(ex.SocketErrorCode), "listen", NetAddress.Format(address), port, withDescription: true);
            return false;
        }
        StartListening(os);
        return true;
    }

    private void ListenUnix(string path, int backlog, bool readableAll, bool writableAll)
    {
        var os = new OsSocket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            os.Bind(new UnixDomainSocketEndPoint(path));
            os.Listen(backlog);
        }
        catch (SocketException ex)
        {
            os.Dispose();
            string code = SystemErrors.CodeOf(ex.SocketErrorCode);
            if (ex.SocketErrorCode == SocketError.AddressNotAvailable && !Directory.Exists(System.IO.Path.GetDirectoryName(path)))
            {
                code = "ENOENT";
            }
            FailListen(SystemErrors.Create(code, "listen", path: path, withDescription: true));
            return;
        }
        if ((readableAll || writableAll) && !TryChmodUnix(path, readableAll, writableAll))
        {
            os.Dispose();
            TryDeleteSocketFile(path);
            return;
        }
        unixPath = path;
        StartListening(os);
    }

    // libuv's uv_pipe_chmod, which Node's listen calls after listen(2) for readableAll/writableAll: the bits for
    // user, group and others added to the socket file's mode. A failure closes the listener (Node throws it with
    // syscall 'uv_pipe_chmod'; here it is the listen's 'error').
    private bool TryChmodUnix(string path, bool readableAll, bool writableAll)
    {
        if (OperatingSystem.IsWindows())
        {
            return true;
        }
        UnixFileMode wanted = (readableAll ? UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead : 0)
            | (writableAll ? UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite : 0);
        try
        {
            UnixFileMode mode = File.GetUnixFileMode(path);
            if ((mode & wanted) != wanted)
            {
                File.SetUnixFileMode(path, mode | wanted);
            }
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string code = e is UnauthorizedAccessException ? "EACCES" : e is FileNotFoundException ? "ENOENT" : "EIO";
            FailListen(SystemErrors.Create(code, "uv_pipe_chmod", path: path, withDescription: true));
            return false;
        }
    }

    private void FailListen(NodeHttpException error)
    {
        listenCalled = false;
        // Node reports listen errors on the next tick (emitErrorNT).
        Loop.NextTick(static s => { var (srv, e) = ((NetServer, Exception))s!; srv.Emit<Exception>(NetEvents.Error, e); }, (this, (Exception)error));
    }

    private void StartListening(OsSocket os)
    {
        listenSocket = os;
        ReserveSpareFd();
        AcquireRef();
        Loop.NextTick(static s => ((NetServer)s!).Emit(NetEvents.Listening), this);
        if (Loop.Epoll is { } epoll)
        {
            // Edge-triggered: an edge comes when connections arrive; AcceptReady takes them until EAGAIN (or
            // reschedules itself when it stops early), so nothing is left behind without a further edge.
            // Registering reports connections already queued.
            os.Blocking = false;
            var watcher = new AcceptWatcher(this);
            if (epoll.Register(watcher, os.SafeHandle, Libc.EPOLLIN | Libc.EPOLLET) == 0)
            {
                acceptWatcher = watcher;
                return;
            }
            os.Blocking = true;
        }
        acceptArgs = new SocketAsyncEventArgs { UserToken = this };
        acceptArgs.Completed += AcceptCompleted;
        AcceptLoop();
    }

    /// <summary>The listening fd is readable (epoll backend): accept with non-blocking <c>accept4</c> until EAGAIN.</summary>
    private void AcceptReady()
    {
        for (int i = 0; i < MaxAcceptsPerTurn; i++)
        {
            if (acceptWatcher is not { IsRegistered: true } watcher || listenSocket is null || acceptRetryTimer is not null)
            {
                return;
            }
            int fd = Libc.accept4(watcher.PollFd, 0, 0, Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC);
            if (fd < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == Libc.EAGAIN)
                {
                    acceptRetryDelay = 0;
                    return;
                }
                if (errno is Libc.EINTR or Libc.ECONNABORTED or Libc.EPROTO)
                {
                    continue; // that connection went away before it was taken (libuv skips it as well)
                }
                if (errno is Libc.EMFILE or Libc.ENFILE && DropPendingAtFdLimit(watcher.PollFd))
                {
                    return;
                }
                AcceptFailed(errno switch
                {
                    Libc.EMFILE => "EMFILE",
                    Libc.ENFILE => "ENFILE",
                    Libc.ENOBUFS => "ENOBUFS",
                    Libc.ENOMEM => "ENOMEM",
                    _ => "EIO",
                });
                return;
            }
            if (!AdmitFd(fd))
            {
                Libc.close(fd);
                continue;
            }
            var handle = new SafeSocketHandle(fd, ownsHandle: true);
            OsSocket accepted;
            try
            {
                accepted = new OsSocket(handle);
            }
            catch (SocketException)
            {
                handle.Dispose(); // the peer is already gone
                continue;
            }
            Accepted(accepted);
        }
        Loop.Post(ContinueAccepting, this);
    }

    /// <summary>
    /// Out of descriptors (epoll backend): gives up the spare, accepts and closes every pending connection until
    /// EAGAIN, takes the spare back (libuv's <c>uv__emfile_trick</c>). False when there was no spare or the
    /// queue could not be emptied.
    /// </summary>
    private bool DropPendingAtFdLimit(int listenFd)
    {
        if (spareFd is null)
        {
            return false;
        }
        spareFd.Dispose();
        spareFd = null;
        int errno;
        while (true)
        {
            int fd = Libc.accept4(listenFd, 0, 0, Libc.SOCK_CLOEXEC);
            if (fd >= 0)
            {
                Libc.close(fd);
                continue;
            }
            errno = Marshal.GetLastPInvokeError();
            if (errno is not (Libc.EINTR or Libc.ECONNABORTED or Libc.EPROTO))
            {
                break;
            }
        }
        ReserveSpareFd();
        return errno == Libc.EAGAIN;
    }

    /// <summary>
    /// Out of descriptors (portable backend): as <see cref="DropPendingAtFdLimit(int)"/>, taking connections while
    /// <see cref="OsSocket.AcceptAsync(SocketAsyncEventArgs)"/> completes at once. True when it stopped at an accept
    /// left pending (its completion arrives as usual); false when the queue could not be emptied.
    /// </summary>
    private bool DropPendingAtFdLimit(OsSocket os, SocketAsyncEventArgs args)
    {
        if (spareFd is null)
        {
            return false;
        }
        spareFd.Dispose();
        spareFd = null;
        bool pending = false;
        while (true)
        {
            args.AcceptSocket = null;
            try
            {
                pending = os.AcceptAsync(args);
            }
            catch (SocketException)
            {
                break;
            }
            if (pending)
            {
                break;
            }
            args.AcceptSocket?.Dispose();
            args.AcceptSocket = null;
            if (args.SocketError is not (SocketError.Success or SocketError.ConnectionAborted or SocketError.ConnectionReset))
            {
                break;
            }
        }
        ReserveSpareFd();
        return pending;
    }

    /// <summary>
    /// Accepting failed with <paramref name="code"/> and stopped: it is tried again after a growing delay (or as soon
    /// as one of this server's connections closes). A lack of descriptors, buffers or memory passes, so it is not
    /// reported; anything else is Node's <c>'error'</c>.
    /// </summary>
    private void AcceptFailed(string code)
    {
        acceptRetryDelay = acceptRetryDelay == 0 ? FirstAcceptRetryMs : Math.Min(acceptRetryDelay * 2, MaxAcceptRetryMs);
        acceptRetryTimer = Loop.SetTimeout(RetryAccepting, this, acceptRetryDelay);
        acceptRetryTimer.Unref();
        if (code is not ("EMFILE" or "ENFILE" or "ENOBUFS" or "ENOMEM"))
        {
            Emit<Exception>(NetEvents.Error, SystemErrors.Create(code, "accept"));
        }
    }

    private void ResumeAccepting()
    {
        if (listenSocket is null)
        {
            return;
        }
        ReserveSpareFd();
        if (acceptWatcher is not null)
        {
            AcceptReady();
        }
        else
        {
            AcceptLoop();
        }
    }

    /// <summary>
    /// Whether an accepted descriptor may be kept: false when it lies within the last <see cref="FdHeadroom"/>
    /// descriptors of the process's limit (<c>RLIMIT_NOFILE</c>), which stay free for the runtime, and the connection
    /// is then closed as one accepted at the limit would be. A .NET process needs descriptors at moments no server
    /// controls (a pipe to start each thread, as the thread pool adds workers; two for each assembly it loads) and
    /// ends when it gets none, so a burst of connections must not take the last of them. Linux hands out the lowest
    /// free number, so while connections are held only below the ceiling the numbers above it stay free.
    /// </summary>
    private static bool AdmitFd(nint fd)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }
        int ceiling = Volatile.Read(ref fdCeiling);
        if (ceiling < 0 || fd >= ceiling)
        {
            ceiling = ReadFdCeiling();
            Volatile.Write(ref fdCeiling, ceiling);
        }
        return fd < ceiling;
    }

    private static unsafe int ReadFdCeiling()
    {
        ulong* limit = stackalloc ulong[2];
        try
        {
            if (Libc.getrlimit(Libc.RLIMIT_NOFILE, limit) != 0 || limit[0] >= int.MaxValue)
            {
                return int.MaxValue;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return int.MaxValue; // a C library this process cannot bind by that name (the portable backend needs none)
        }
        int soft = (int)limit[0];
        return soft - Math.Min(FdHeadroom, soft / 4);
    }

    private void ReserveSpareFd()
    {
        if (spareFd is not null || OperatingSystem.IsWindows())
        {
            return;
        }
        try
        {
            spareFd = File.OpenHandle("/dev/null", FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (IOException)
        {
            // Out of descriptors already, or no /dev/null: tried again when accepting next fails or resumes.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Registers a listening socket with the loop's epoll on the server's behalf (NetServer is public and stays free of internal base types).</summary>
    private sealed class AcceptWatcher : IoWatcher
    {
        private readonly NetServer server;

        internal AcceptWatcher(NetServer server) => this.server = server;

        internal override void OnIoReady(uint events) => server.AcceptReady();
    }

    private void AcceptLoop()
    {
        while (listenSocket is { } os && acceptArgs is { } args && acceptRetryTimer is null)
        {
            args.AcceptSocket = null;
            bool pending;
            try
            {
                pending = os.AcceptAsync(args);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                AcceptFailed(SystemErrors.CodeOf(ex.SocketErrorCode));
                return;
            }
            if (pending || !HandleAccepted(args))
            {
                return;
            }
        }
    }

    private static void OnAcceptCompletedOnLoop(object? state)
    {
        var server = (NetServer)state!;
        SocketAsyncEventArgs? args = server.acceptArgs;
        if (args is null)
        {
            return;
        }
        if (server.listenSocket is null)
        {
            args.AcceptSocket?.Dispose();
            args.Dispose();
            server.acceptArgs = null;
            return;
        }
        if (server.HandleAccepted(args))
        {
            server.AcceptLoop();
        }
    }

    /// <summary>Takes a completed accept; false when no further accept is to be started now (one is pending, or accepting resumes later).</summary>
    private bool HandleAccepted(SocketAsyncEventArgs args)
    {
        OsSocket? accepted = args.AcceptSocket;
        args.AcceptSocket = null;
        SocketError error = args.SocketError;
        if (error == SocketError.Success && accepted is not null)
        {
            acceptRetryDelay = 0;
            if (AdmitFd(accepted.SafeHandle.DangerousGetHandle()))
            {
                Accepted(accepted);
            }
            else
            {
                accepted.Dispose();
            }
            return true;
        }
        accepted?.Dispose();
        if (listenSocket is not { } os)
        {
            return false;
        }
        if (error is SocketError.OperationAborted or SocketError.ConnectionAborted or SocketError.ConnectionReset)
        {
            return true;
        }
        if (error == SocketError.TooManyOpenSockets && DropPendingAtFdLimit(os, args))
        {
            return false;
        }
        AcceptFailed(SystemErrors.CodeOf(error));
        return false;
    }

    private void Accepted(OsSocket accepted)
    {
        if (MaxConnections is int max && max != 0 && connections >= max)
        {
            Drop(accepted);
            return;
        }
        connections++;
        if (AcceptHook is { } hook)
        {
            hook(accepted);
            return;
        }
        EventLoop? target = options?.Loops?.Next();
        if (target is null || target == Loop)
        {
            Emit<Socket>(NetEvents.Connection, new Socket(accepted, this, options));
            return;
        }
        // Pinned to another loop: the Socket is made there so it belongs to that loop, and 'connection' runs there.
        target.QueueIo(static s =>
        {
            var (server, os) = ((NetServer, OsSocket))s!;
            server.Emit<Socket>(NetEvents.Connection, new Socket(os, server, server.options));
        }, (this, accepted));
    }

    // Node's onconnection past maxConnections (Node 20: a zero limit is no limit): 'drop' with the addresses, then
    // the handle is closed.
    private void Drop(OsSocket accepted)
    {
        try
        {
            DropEvent? data = null;
            try
            {
                if (accepted.LocalEndPoint is IPEndPoint local)
                {
                    data = new DropEvent(local, accepted.RemoteEndPoint as IPEndPoint);
                }
            }
            catch (SocketException)
            {
                // The peer is gone already; Node passes what getsockname/getpeername could tell.
            }
            Emit<DropEvent?>(NetEvents.Drop, data);
        }
        finally
        {
            accepted.Dispose();
        }
    }

    /// <summary>A connection of this server closed (from its socket's loop).</summary>
    internal void OnConnectionClosed(Socket socket)
    {
        Loop.Execute(static s =>
        {
            var server = (NetServer)s!;
            server.connections--;
            if (server.acceptRetryTimer is { } retry)
            {
                // A descriptor was just given back: accepting that waited for one goes on now.
                retry.Close();
                server.acceptRetryTimer = null;
                server.ResumeAccepting();
            }
            server.EmitCloseIfDrained();
        }, this);
    }

    /// <summary>Counts a connection the Http layer made through <see cref="AcceptHook"/> as closed.</summary>
    internal void OnHookedConnectionClosed() => OnConnectionClosed(null!);

    /// <summary>
    /// Node's <c>server.close([callback])</c>: stops accepting; <c>'close'</c> follows once every connection has
    /// ended. <paramref name="callback"/> runs then, with null, or with <c>ERR_SERVER_NOT_RUNNING</c> when the
    /// server was not listening.
    /// </summary>
    public NetServer Close(Action<Exception?>? callback = null)
    {
        Loop.Execute(static s =>
        {
            var (server, cb) = ((NetServer, Action<Exception?>?))s!;
            server.CloseOnLoop(cb);
        }, (this, callback));
        return this;
    }

    private void CloseOnLoop(Action<Exception?>? callback)
    {
        if (callback is not null)
        {
            if (listenSocket is null)
            {
                Once(NetEvents.Close, () => callback(ErrorCodes.Create("ERR_SERVER_NOT_RUNNING")));
            }
            else
            {
                Once(NetEvents.Close, () => callback(null));
            }
        }
        if (listenSocket is not null)
        {
            if (acceptWatcher is not null)
            {
                // EPOLL_CTL_DEL and the handle reference dropped before the fd is closed.
                Loop.Epoll!.Unregister(acceptWatcher);
                acceptWatcher = null;
            }
            listenSocket.Dispose();
            listenSocket = null;
            if (acceptRetryTimer is not null)
            {
                // No accept is in flight while a retry waits, so nothing will complete to release the args.
                acceptRetryTimer.Close();
                acceptRetryTimer = null;
                acceptArgs?.Dispose();
                acceptArgs = null;
            }
            spareFd?.Dispose();
            spareFd = null;
            if (unixPath is not null)
            {
                // libuv unlinks the socket file when a pipe server closes.
                TryDeleteSocketFile(unixPath);
            }
            ReleaseRef();
        }
        listenCalled = false;
        EmitCloseIfDrained();
    }

    private static void TryDeleteSocketFile(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // Node's _emitCloseIfDrained.
    private void EmitCloseIfDrained()
    {
        if (listenSocket is not null || connections > 0 || listenCalled)
        {
            return;
        }
        Loop.NextTick(static s => ((NetServer)s!).Emit(NetEvents.Close), this);
    }

    /// <summary>Node's <c>server.address()</c>: the bound address (the path for a Unix socket); null when not listening.</summary>
    public ServerAddress? Address()
    {
        if (unixPath is not null && listenSocket is not null)
        {
            return new ServerAddress { Address = unixPath, Family = "Unix", Port = 0 };
        }
        try
        {
            return NetAddress.ToServerAddress(listenSocket?.LocalEndPoint);
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>Node's <c>server.getConnections(callback)</c>: the number of open connections, on a later tick.</summary>
    public NetServer GetConnections(Action<Exception?, int> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Loop.Execute(static s =>
        {
            var (server, cb) = ((NetServer, Action<Exception?, int>))s!;
            server.Loop.NextTick(static st => { var (srv, c) = ((NetServer, Action<Exception?, int>))st!; c(null, srv.connections); }, (server, cb));
        }, (this, callback));
        return this;
    }

    /// <summary>Node's <c>server.ref()</c>: a listening server keeps the loop alive (the default).</summary>
    public NetServer Ref()
    {
        Loop.Execute(static s =>
        {
            var server = (NetServer)s!;
            server.loopRef.SetWanted(server.Loop, wanted: true, active: server.listenSocket is not null);
        }, this);
        return this;
    }

    /// <summary>Node's <c>server.unref()</c>: this server alone does not keep the loop alive.</summary>
    public NetServer Unref()
    {
        Loop.Execute(static s =>
        {
            var server = (NetServer)s!;
            server.loopRef.SetWanted(server.Loop, wanted: false, active: false);
        }, this);
        return this;
    }

    private void AcquireRef() => loopRef.Acquire(Loop);

    private void ReleaseRef() => loopRef.Release(Loop);
}
