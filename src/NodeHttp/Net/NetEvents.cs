namespace NodeHttp;

/// <summary>The event names of Node's <c>net</c> module (<see cref="Socket"/> and <see cref="NetServer"/>).</summary>
public static class NetEvents
{
    /// <summary><c>'connect'</c>: a socket's connection is established.</summary>
    public const string Connect = "connect";

    /// <summary><c>'ready'</c>: a socket is ready to use, right after <c>'connect'</c>.</summary>
    public const string Ready = "ready";

    /// <summary><c>'lookup'</c>(Exception? error, string? address, int? family, string host): a socket resolved its host name.</summary>
    public const string Lookup = "lookup";

    /// <summary><c>'timeout'</c>: a socket was idle for its <see cref="Socket.SetTimeout"/> time.</summary>
    public const string Timeout = "timeout";

    /// <summary><c>'close'</c>: a socket (with <c>bool hadError</c>) or a server has closed.</summary>
    public const string Close = "close";

    /// <summary><c>'connection'</c>(Socket): a server accepted a connection.</summary>
    public const string Connection = "connection";

    /// <summary><c>'listening'</c>: a server is bound and accepting.</summary>
    public const string Listening = "listening";

    /// <summary><c>'drop'</c>: a server dropped a connection because <see cref="NetServer.MaxConnections"/> was reached.</summary>
    public const string Drop = "drop";

    /// <summary><c>'error'</c>(Exception).</summary>
    public const string Error = "error";
}
