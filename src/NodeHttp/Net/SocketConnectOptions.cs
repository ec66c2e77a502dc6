namespace NodeHttp;

/// <summary>The options of Node's <c>socket.connect(options)</c> / <c>net.createConnection(options)</c>.</summary>
public sealed class SocketConnectOptions
{
    /// <summary>Node's <c>port</c>: the TCP port to connect to.</summary>
    public int Port { get; set; }

    /// <summary>Node's <c>host</c>: a host name or IP address (default <c>localhost</c>).</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>Node's <c>family</c>: 4 or 6 restricts the host name lookup to that IP version; 0 takes the first address.</summary>
    public int Family { get; set; }

    /// <summary>Node's <c>localAddress</c>: the local address to bind before connecting.</summary>
    public string? LocalAddress { get; set; }

    /// <summary>Node's <c>localPort</c>: the local port to bind before connecting (0 = any).</summary>
    public int LocalPort { get; set; }

    /// <summary>Node's <c>path</c>: a Unix domain socket to connect to instead of TCP.</summary>
    public string? Path { get; set; }

    /// <summary>
    /// Node's <c>readableHighWaterMark</c> (a <c>new net.Socket</c> option that <c>net.createConnection</c> passes on):
    /// the highWaterMark of the socket's readable side, and so of the messages an http client or server reads from
    /// it. Null keeps the default (16 KiB).
    /// </summary>
    public int? ReadableHighWaterMark { get; set; }
}
