namespace NodeHttp;

/// <summary>Node's <c>net</c> module: servers, client connections and IP address checks.</summary>
public static class Net
{
    /// <summary>Node's <c>net.createServer([connectionListener])</c>.</summary>
    /// <param name="connectionListener">Added as a <c>'connection'</c> listener.</param>
    public static NetServer CreateServer(Action<Socket>? connectionListener = null) => new(null, connectionListener);

    /// <summary>Node's <c>net.createServer(options[, connectionListener])</c>.</summary>
    /// <param name="options"><c>AllowHalfOpen</c>, <c>PauseOnConnect</c>, <c>NoDelay</c>, <c>KeepAlive</c>, <c>KeepAliveInitialDelay</c>, <c>Loops</c>.</param>
    /// <param name="connectionListener">Added as a <c>'connection'</c> listener.</param>
    public static NetServer CreateServer(NetServerOptions options, Action<Socket>? connectionListener = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(options, connectionListener);
    }

    /// <summary>Node's <c>net.createConnection(port[, host][, connectListener])</c>: a new <see cref="Socket"/> connecting over TCP.</summary>
    /// <param name="port">The port.</param>
    /// <param name="host">Host name or IP address (Node's default: <c>localhost</c>).</param>
    /// <param name="connectListener">Added as a one-time <c>'connect'</c> listener.</param>
    public static Socket CreateConnection(int port, string host = "localhost", Action? connectListener = null) =>
        new Socket().Connect(port, host, connectListener);

    /// <summary>Node's <c>net.createConnection(path[, connectListener])</c>: a new <see cref="Socket"/> connecting to a Unix socket.</summary>
    /// <param name="path">The socket file path.</param>
    /// <param name="connectListener">Added as a one-time <c>'connect'</c> listener.</param>
    public static Socket CreateConnection(string path, Action? connectListener = null) =>
        new Socket().Connect(path, connectListener);

    /// <summary>Node's <c>net.createConnection(options[, connectListener])</c>: host and port (with family and local
    /// address and port), or a Unix socket path.</summary>
    /// <param name="options">Where to connect and from where.</param>
    /// <param name="connectListener">Added as a one-time <c>'connect'</c> listener.</param>
    public static Socket CreateConnection(SocketConnectOptions options, Action? connectListener = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new Socket(allowHalfOpen: false, options.ReadableHighWaterMark).Connect(options, connectListener);
    }

    /// <summary>Node's <c>net.connect(port[, host][, connectListener])</c>: alias of <see cref="CreateConnection(int, string, Action?)"/>.</summary>
    /// <param name="port">The port.</param>
    /// <param name="host">Host name or IP address.</param>
    /// <param name="connectListener">Added as a one-time <c>'connect'</c> listener.</param>
    public static Socket Connect(int port, string host = "localhost", Action? connectListener = null) =>
        CreateConnection(port, host, connectListener);

    /// <summary>Node's <c>net.connect(path[, connectListener])</c>: alias of <see cref="CreateConnection(string, Action?)"/>.</summary>
    /// <param name="path">The socket file path.</param>
    /// <param name="connectListener">Added as a one-time <c>'connect'</c> listener.</param>
    public static Socket Connect(string path, Action? connectListener = null) => CreateConnection(path, connectListener);

    /// <summary>Node's <c>net.isIP(input)</c>: 4 for an IPv4 address, 6 for IPv6, else 0.</summary>
    public static int IsIP(string? input) => NetAddress.IsIP(input);

    /// <summary>Node's <c>net.isIPv4(input)</c>.</summary>
    public static bool IsIPv4(string? input) => NetAddress.IsIPv4(input);

    /// <summary>Node's <c>net.isIPv6(input)</c>.</summary>
    public static bool IsIPv6(string? input) => NetAddress.IsIPv6(input);
}
