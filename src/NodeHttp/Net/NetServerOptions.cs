namespace NodeHttp;

/// <summary>Node's <c>net.createServer(options)</c> options.</summary>
public sealed class NetServerOptions
{
    /// <summary>Node's <c>allowHalfOpen</c> (false): when false, accepted sockets end their side when the peer ends.</summary>
    public bool AllowHalfOpen { get; set; }

    /// <summary>Node's <c>pauseOnConnect</c> (false): accepted sockets do not read until resumed.</summary>
    public bool PauseOnConnect { get; set; }

    /// <summary>Node's <c>noDelay</c> (false): disable Nagle's algorithm on accepted sockets.</summary>
    public bool NoDelay { get; set; }

    /// <summary>Node's <c>keepAlive</c> (false): enable TCP keep-alive on accepted sockets.</summary>
    public bool KeepAlive { get; set; }

    /// <summary>Node's <c>keepAliveInitialDelay</c> in milliseconds (0: the system default).</summary>
    public int KeepAliveInitialDelay { get; set; }

    /// <summary>
    /// Node's <c>highWaterMark</c> (Node 20: the default highWaterMark, 16 KiB): the highWaterMark of both sides of
    /// every accepted socket. A negative value throws <c>ERR_OUT_OF_RANGE</c> when the server is made.
    /// </summary>
    public int HighWaterMark { get; set; } = Socket.DefaultHighWaterMark;

    /// <summary>
    /// Loops to spread accepted connections over, round-robin, each connection pinned to one loop (null: the
    /// server's own loop). <c>'connection'</c> then runs on the connection's loop.
    /// </summary>
    public EventLoopGroup? Loops { get; set; }
}
