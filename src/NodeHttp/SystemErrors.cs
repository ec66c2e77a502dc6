using System.Net.Sockets;

namespace NodeHttp;

/// <summary>
/// Operating-system errors as Node reports them: libuv's code names, negative errno values and
/// descriptions, and the one mapping from <see cref="SocketError"/> to them.
/// </summary>
internal static class SystemErrors
{
    // libuv's errno values on Linux (negated errno) and descriptions (uv_strerror).
    private static readonly Dictionary<string, (int Errno, string Description)> Table = new(StringComparer.Ordinal)
    {
        ["EADDRINUSE"] = (-98, "address already in use"),
        ["EADDRNOTAVAIL"] = (-99, "address not available"),
        ["EAFNOSUPPORT"] = (-97, "address family not supported"),
        ["EACCES"] = (-13, "permission denied"),
        ["ECONNREFUSED"] = (-111, "connection refused"),
        ["ECONNRESET"] = (-104, "connection reset by peer"),
        ["ECONNABORTED"] = (-103, "software caused connection abort"),
        ["EPIPE"] = (-32, "broken pipe"),
        ["ENOENT"] = (-2, "no such file or directory"),
        ["ENOTFOUND"] = (-3008, "getaddrinfo ENOTFOUND"),
        ["EAI_AGAIN"] = (-3001, "temporary failure"),
        ["ETIMEDOUT"] = (-110, "connection timed out"),
        ["EHOSTUNREACH"] = (-113, "host is unreachable"),
        ["ENETUNREACH"] = (-101, "network is unreachable"),
        ["EINVAL"] = (-22, "invalid argument"),
        ["ENOTCONN"] = (-107, "socket is not connected"),
        ["EMFILE"] = (-24, "too many open files"),
        ["ENFILE"] = (-23, "file table overflow"),
        ["ENOTSUP"] = (-95, "operation not supported on socket"),
        ["ENOBUFS"] = (-105, "no buffer space available"),
        ["ECANCELED"] = (-125, "operation canceled"),
        ["EIO"] = (-5, "i/o error"),
    };

    /// <summary>Node's code for a socket error (the one place this mapping lives).</summary>
    public static string CodeOf(SocketError error) => error switch
    {
        SocketError.AddressAlreadyInUse => "EADDRINUSE",
        SocketError.AddressNotAvailable => "EADDRNOTAVAIL",
        SocketError.AddressFamilyNotSupported => "EAFNOSUPPORT",
        SocketError.AccessDenied => "EACCES",
        SocketError.ConnectionRefused => "ECONNREFUSED",
        SocketError.ConnectionReset => "ECONNRESET",
        SocketError.ConnectionAborted => "ECONNABORTED",
        SocketError.Shutdown => "EPIPE",
        SocketError.HostNotFound => "ENOTFOUND",
        SocketError.NoData => "ENOTFOUND",
        SocketError.TryAgain => "EAI_AGAIN",
        SocketError.TimedOut => "ETIMEDOUT",
        SocketError.HostUnreachable => "EHOSTUNREACH",
        SocketError.NetworkUnreachable => "ENETUNREACH",
        SocketError.InvalidArgument => "EINVAL",
        SocketError.NotConnected => "ENOTCONN",
        SocketError.TooManyOpenSockets => "EMFILE",
        SocketError.OperationNotSupported => "ENOTSUP",
        SocketError.NoBufferSpaceAvailable => "ENOBUFS",
        SocketError.OperationAborted => "ECANCELED",
        _ => "EIO",
    };

    /// <summary>Every code this table knows, with libuv's errno and description.</summary>
    public static IEnumerable<(string Code, int Errno, string Description)> Known =>
        Table.Select(e => (e.Key, e.Value.Errno, e.Value.Description));

    /// <summary>libuv's errno for a code, or 0 when unknown.</summary>
    public static int ErrnoOf(string code) => Table.TryGetValue(code, out var e) ? e.Errno : 0;

    /// <summary>
    /// Node's system error. With an address, the message is Node's <c>exceptionWithHostPort</c>
    /// form (<c>connect ECONNREFUSED 127.0.0.1:1</c>); <paramref name="withDescription"/> adds libuv's
    /// text as <c>uvExceptionWithHostPort</c> does (<c>listen EADDRINUSE: address already in use 127.0.0.1:80</c>).
    /// </summary>
    public static NodeHttpException Create(string code, string syscall, string? address = null, int? port = null, string? path = null, bool withDescription = false)
    {
        Table.TryGetValue(code, out var entry);
        string message = $"{syscall} {code}";
        if (withDescription && entry.Description is not null)
        {
            message += ": " + entry.Description;
        }
        if (path is not null)
        {
            message += " " + path;
        }
        else if (address is not null)
        {
            message += port is int p && p > 0 ? $" {address}:{p}" : " " + address;
        }
        return new NodeHttpException(code, message)
        {
            Kind = ErrorKind.SystemError,
            Syscall = syscall,
            Errno = entry.Errno == 0 ? null : entry.Errno,
            Address = address,
            Port = port,
            Path = path,
        };
    }

    /// <summary>Node's system error for a <see cref="SocketException"/> raised by <paramref name="syscall"/>.</summary>
    public static NodeHttpException FromSocket(SocketException error, string syscall, string? address = null, int? port = null)
        => Create(CodeOf(error.SocketErrorCode), syscall, address, port);
}
