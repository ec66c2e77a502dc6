namespace NodeHttp;

/// <summary>Node's <c>tls.connect(options)</c>: where to connect, plus the client's TLS options.</summary>
public sealed class TlsConnectOptions : TlsSocketOptions
{
    /// <summary>Node's <c>host</c> (default <c>"localhost"</c>).</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>Node's <c>port</c>.</summary>
    public int Port { get; set; }

    /// <summary>Node's <c>path</c>: connect over a Unix domain socket instead.</summary>
    public string? Path { get; set; }

    /// <summary>Node's <c>socket</c>: run TLS over this already-created socket instead of opening a connection.</summary>
    public Socket? Socket { get; set; }
}
