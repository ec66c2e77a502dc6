namespace NodeHttp;

/// <summary>Node's <c>net.createConnection(options)</c> as the HTTP client calls it (the agent's default <c>createConnection</c>).</summary>
internal static class ClientConnect
{
    /// <summary>Opens the connection <paramref name="options"/> describe: a Unix socket path, or host and port
    /// with the request's <c>family</c>, <c>localAddress</c> and <c>localPort</c>.</summary>
    public static Socket Connect(RequestOptions options)
    {
        var connect = new SocketConnectOptions
        {
            Path = options.SocketPath,
            Host = options.Host is { Length: > 0 } h ? h : "localhost",
            Port = options.Port ?? options.DefaultPort ?? 80,
            Family = options.Family ?? 0,
            LocalAddress = options.LocalAddress,
            LocalPort = options.LocalPort,
        };
        return new Socket().Connect(connect);
    }
}
