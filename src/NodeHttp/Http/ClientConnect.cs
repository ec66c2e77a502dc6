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
        var socket = new Socket();
        CancellationToken signal = options.Signal;
        if (signal.IsCancellationRequested)
        {
            // Node's net.Socket with an aborted signal: destroyed with an AbortError, never connected.
            socket.Destroy(ErrorCodes.Create("ABORT_ERR"));
            return socket;
        }
        socket.Connect(connect);
        if (options.KeepAlive)
        {
            socket.SetKeepAlive(true, options.KeepAliveInitialDelay);
        }
        if (signal.CanBeCanceled)
        {
            AddAbortSignal(socket, signal);
        }
        return socket;
    }

    /// <summary>Node's <c>addAbortSignal(signal, socket)</c>: the signal destroys the socket with an AbortError until it closes.</summary>
    private static void AddAbortSignal(Socket socket, CancellationToken signal)
    {
        CancellationTokenRegistration registration = signal.Register(static s =>
        {
            var sock = (Socket)s!;
            sock.Loop.Execute(static x => ((Socket)x!).Destroy(ErrorCodes.Create("ABORT_ERR")), sock);
        }, socket);
        socket.Once(NetEvents.Close, () => registration.Dispose());
    }
}
