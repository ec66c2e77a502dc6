using System.Runtime.InteropServices;

namespace NodeHttp;

/// <summary>
/// The few Linux system calls the epoll backend makes itself (<see cref="EpollPoller"/>, the accept path), and the
/// descriptor limit a server keeps clear of.
/// Everything else on a socket still goes through <see cref="System.Net.Sockets.Socket"/>'s synchronous,
/// non-blocking calls, which are direct system calls without any of .NET's asynchronous machinery.
/// </summary>
internal static unsafe partial class Libc
{
    internal const int EPOLL_CLOEXEC = 0x80000; // == O_CLOEXEC
    internal const int EPOLL_CTL_ADD = 1;
    internal const int EPOLL_CTL_DEL = 2;
    internal const int EPOLL_CTL_MOD = 3;

    internal const uint EPOLLIN = 0x001;
    internal const uint EPOLLOUT = 0x004;
    internal const uint EPOLLERR = 0x008;
    internal const uint EPOLLHUP = 0x010;
    internal const uint EPOLLRDHUP = 0x2000;
    internal const uint EPOLLET = 0x80000000;

    internal const int EFD_CLOEXEC = 0x80000;
    internal const int EFD_NONBLOCK = 0x800;

    internal const int RLIMIT_NOFILE = 7;

    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int SOCK_NONBLOCK = 0x800;

    // errno values shared by x86_64 and arm64 (asm-generic numbering).
    internal const int EINTR = 4;
    internal const int EAGAIN = 11;
    internal const int ENOMEM = 12;
    internal const int ENFILE = 23;
    internal const int EMFILE = 24;
    internal const int EPROTO = 71;
    internal const int ECONNABORTED = 103;
    internal const int ENOBUFS = 105;

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int epoll_create1(int flags);

    /// <summary><paramref name="ev"/> points at one <c>struct epoll_event</c> in the platform's layout (see <see cref="EpollPoller"/>).</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial nint read(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial nint write(int fd, byte* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);

    /// <summary><paramref name="rlim"/> points at a <c>struct rlimit</c>: two 64-bit values, the soft then the hard limit.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int getrlimit(int resource, ulong* rlim);

    /// <summary>Accepts one connection as a non-blocking, close-on-exec fd; the peer address is read later if needed.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int accept4(int sockfd, nint addr, nint addrlen, int flags);
}
