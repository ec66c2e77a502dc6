using System.Net.Sockets;
using System.Runtime.InteropServices;
using OsSocket = System.Net.Sockets.Socket;

namespace NodeHttp;

/// <summary>The socket options and descriptor flags of <see cref="ListenOptions"/> that .NET has no name for.</summary>
internal static unsafe partial class ListenInterop
{
    private const int SOL_SOCKET = 1; // Linux; FreeBSD's is 0xffff

    // Linux <asm-generic/socket.h> (x86_64 and arm64 alike).
    private const int SO_REUSEPORT_LINUX = 15;

    // FreeBSD 12+: SO_REUSEPORT only lets sockets share the port; the _LB variant spreads connections over them,
    // which is what Linux's SO_REUSEPORT does (libuv picks it too).
    private const int SOL_SOCKET_FREEBSD = 0xffff;
    private const int SO_REUSEPORT_LB_FREEBSD = 0x10000;

    private const int SO_TYPE_LINUX = 3;
    private const int SO_TYPE_BSD = 0x1008;
    private const int SOCK_STREAM = 1;

    private const int F_GETFD = 1;
    private const int F_SETFD = 2;
    private const int FD_CLOEXEC = 1;

    /// <summary>
    /// Sets <c>SO_REUSEPORT</c> (load-balancing) on a socket not bound yet. False when the platform has no such
    /// option (the caller reports <c>ENOTSUP</c>); a failing <c>setsockopt</c> throws its <see cref="SocketException"/>.
    /// </summary>
    internal static bool TrySetReusePort(OsSocket socket)
    {
        int level;
        int name;
        if (OperatingSystem.IsLinux())
        {
            (level, name) = (SOL_SOCKET, SO_REUSEPORT_LINUX);
        }
        else if (OperatingSystem.IsFreeBSD())
        {
            (level, name) = (SOL_SOCKET_FREEBSD, SO_REUSEPORT_LB_FREEBSD);
        }
        else
        {
            return false;
        }
        Span<byte> on = stackalloc byte[sizeof(int)];
        BitConverter.TryWriteBytes(on, 1);
        socket.SetRawSocketOption(level, name, on);
        return true;
    }

    /// <summary>
    /// Whether <paramref name="fd"/> is an open stream socket (<c>getsockopt(SO_TYPE)</c> answers
    /// <c>SOCK_STREAM</c>), asked before a <see cref="OsSocket"/> takes the descriptor: anything else stays the
    /// caller's, untouched. Where the question cannot be asked this way (Windows), true, and the socket's own
    /// checks decide.
    /// </summary>
    internal static bool IsStreamSocket(int fd)
    {
        int level;
        int name;
        if (OperatingSystem.IsLinux())
        {
            (level, name) = (SOL_SOCKET, SO_TYPE_LINUX);
        }
        else if (OperatingSystem.IsFreeBSD() || OperatingSystem.IsMacOS())
        {
            (level, name) = (SOL_SOCKET_FREEBSD, SO_TYPE_BSD);
        }
        else
        {
            return true;
        }
        int type = 0;
        int length = sizeof(int);
        try
        {
            return getsockopt(fd, level, name, &type, &length) == 0 && type == SOCK_STREAM;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return true;
        }
    }

    /// <summary>Marks an inherited descriptor close-on-exec (what <c>sd_listen_fds</c> does to the ones it hands out).</summary>
    internal static void SetCloseOnExec(int fd)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        try
        {
            int flags = fcntl(fd, F_GETFD, 0);
            if (flags >= 0 && (flags & FD_CLOEXEC) == 0)
            {
                fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // A C library this process cannot bind by that name: the descriptor stays inheritable, nothing worse.
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getsockopt(int fd, int level, int name, int* value, int* length);
}
