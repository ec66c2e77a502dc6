using System.Globalization;
using System.Text;

namespace NodeHttp;

/// <summary>
/// Node's <c>server.listen(options)</c> object: where and how a <see cref="NetServer"/> (or an http server) listens. Exactly one of three forms is used, in Node's order: <see cref="Fd"/> (a socket
/// someone else opened), else <see cref="Port"/> (TCP, with <see cref="Host"/>), else <see cref="Path"/> (a Unix
/// domain socket).
/// </summary>
/// <remarks>
/// The options are read when <c>Listen</c> is called; changing them afterwards has no effect on that server.
/// </remarks>
public sealed class ListenOptions
{
    // sd_listen_fds(3): the first descriptor passed by socket activation (SD_LISTEN_FDS_START).
    private const int SystemdFirstFd = 3;

    /// <summary>Node's <c>options.port</c>: the TCP port; 0 picks a free one. Null: not a TCP listener.</summary>
    public int? Port { get; set; }

    /// <summary>
    /// Node's <c>options.host</c>: an IP address or host name (the first address it resolves to). Null listens on
    /// every interface: <c>::</c> (dual stack) when IPv6 is available, else <c>0.0.0.0</c>.
    /// </summary>
    public string? Host { get; set; }

    /// <summary>Node's <c>options.path</c>: a Unix domain socket file; used when neither <see cref="Fd"/> nor <see cref="Port"/> is set.</summary>
    public string? Path { get; set; }

    /// <summary>Node's <c>options.backlog</c> (511): the length of the queue of connections not accepted yet.</summary>
    public int Backlog { get; set; } = NetServer.DefaultBacklog;

    /// <summary>
    /// Node's <c>options.ipv6Only</c> (false): an IPv6 listener takes IPv6 connections only (<c>IPV6_V6ONLY</c>), so
    /// <c>::</c> does not also take IPv4 ones and another process may listen on <c>0.0.0.0</c> with the same port.
    /// </summary>
    public bool Ipv6Only { get; set; }

    /// <summary>
    /// Node's <c>options.reusePort</c> (Node 22.12+/23.1+; false): sets <c>SO_REUSEPORT</c> before binding, so
    /// several sockets — in this process or in others of the same user — listen on one port and the kernel spreads
    /// incoming connections over them. Every listener on the port has to set it. Lets a new process start on the
    /// port while the old one still drains, and lets several processes share the cores. Linux 3.9+ and FreeBSD 12+
    /// (<c>SO_REUSEPORT_LB</c>); elsewhere listening fails with <c>ENOTSUP</c>.
    /// </summary>
    public bool ReusePort { get; set; }

    /// <summary>
    /// Node's <c>options.exclusive</c> (false). In Node it keeps a cluster worker from sharing the primary's handle;
    /// NodeHttp has no cluster module, so every listener is already the process's own. On Windows it also sets
    /// <c>SO_EXCLUSIVEADDRUSE</c>.
    /// </summary>
    public bool Exclusive { get; set; }

    /// <summary>
    /// Node's <c>options.fd</c> (the <c>handle</c> form of <c>server.listen</c>): a stream socket descriptor this
    /// process inherited, typically already bound and listening, from a supervisor (systemd, a process manager, a
    /// parent that binds a privileged port). <see cref="Port"/>, <see cref="Host"/> and <see cref="Path"/> are then
    /// ignored. As in Node, <c>listen(2)</c> is called on it with <see cref="Backlog"/>, which is harmless on a
    /// socket that listens already (the kernel takes the new queue length). The server owns the descriptor from
    /// then on and closes it when it closes. Anything but a stream socket fails with <c>EINVAL</c>.
    /// </summary>
    public int? Fd { get; set; }

    /// <summary>Node's <c>options.readableAll</c> (false): a Unix socket file is made readable by all users.</summary>
    public bool ReadableAll { get; set; }

    /// <summary>Node's <c>options.writableAll</c> (false): a Unix socket file is made writable by all users (needed to connect to it).</summary>
    public bool WritableAll { get; set; }

    /// <summary>
    /// The first listening socket passed by systemd socket activation, as <c>sd_listen_fds(1)</c> finds it: when
    /// <c>LISTEN_PID</c> is this process's id and <c>LISTEN_FDS</c> is at least 1, options with <see cref="Fd"/> = 3;
    /// otherwise null. The descriptors passed are marked close-on-exec, and <c>LISTEN_PID</c>, <c>LISTEN_FDS</c> and
    /// <c>LISTEN_FDNAMES</c> are removed from the environment whatever the outcome (as <c>sd_listen_fds</c> does when
    /// asked to unset them), so child processes do not take the sockets for their own and a second call returns null.
    /// The removal is from the environment .NET keeps (<see cref="Environment.GetEnvironmentVariable(string)"/> and
    /// processes started with <see cref="System.Diagnostics.Process"/>). Pair it with a systemd <c>.socket</c> unit
    /// (<c>ListenStream=</c>) or <c>systemd-socket-activate -l PORT</c>; see docs/deploy.md.
    /// </summary>
    /// <returns>The options to pass to <c>Listen</c>, or null when this process was not socket-activated.</returns>
    public static ListenOptions? FromSystemd()
    {
        string? pidText = Environment.GetEnvironmentVariable("LISTEN_PID");
        string? countText = Environment.GetEnvironmentVariable("LISTEN_FDS");
        Environment.SetEnvironmentVariable("LISTEN_PID", null);
        Environment.SetEnvironmentVariable("LISTEN_FDS", null);
        Environment.SetEnvironmentVariable("LISTEN_FDNAMES", null);
        if (pidText is null || countText is null
            || !int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid != Environment.ProcessId
            || !int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
        {
            return null;
        }
        for (int fd = SystemdFirstFd; fd < SystemdFirstFd + count; fd++)
        {
            ListenInterop.SetCloseOnExec(fd);
        }
        return new ListenOptions { Fd = SystemdFirstFd };
    }

    /// <summary>A copy, so the server reads the options as they were when <c>Listen</c> was called.</summary>
    internal ListenOptions Snapshot() => (ListenOptions)MemberwiseClone();

    /// <summary>Node's synchronous checks of <c>server.listen(options)</c>: a usable fd, port or path, and a port in range.</summary>
    internal void Validate()
    {
        if (Fd is int fd && fd >= 0)
        {
            return;
        }
        if (Port is int port)
        {
            NetAddress.ValidatePort(port, "options.port");
            return;
        }
        if (!string.IsNullOrEmpty(Path))
        {
            return;
        }
        throw new NodeHttpException(
            "ERR_INVALID_ARG_VALUE",
            "The argument 'options' must have the property \"port\" or \"path\". Received " + Describe())
        {
            Kind = ErrorKind.TypeError,
        };
    }

    // The options as Node's util.inspect shows them in that message: only what was set.
    private string Describe()
    {
        var parts = new List<string>();
        if (Fd is int fd)
        {
            parts.Add("fd: " + fd.ToString(CultureInfo.InvariantCulture));
        }
        if (Host is not null)
        {
            parts.Add("host: '" + Host + "'");
        }
        if (Path is not null)
        {
            parts.Add("path: '" + Path + "'");
        }
        if (Backlog != NetServer.DefaultBacklog)
        {
            parts.Add("backlog: " + Backlog.ToString(CultureInfo.InvariantCulture));
        }
        if (Ipv6Only)
        {
            parts.Add("ipv6Only: true");
        }
        if (ReusePort)
        {
            parts.Add("reusePort: true");
        }
        if (Exclusive)
        {
            parts.Add("exclusive: true");
        }
        if (parts.Count == 0)
        {
            return "{}";
        }
        var text = new StringBuilder("{ ");
        text.AppendJoin(", ", parts);
        return text.Append(" }").ToString();
    }
}
