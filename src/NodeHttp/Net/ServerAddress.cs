namespace NodeHttp;

/// <summary>
/// The bound address of a server or socket: Node's <c>server.address()</c> / <c>socket.address()</c> result
/// <c>{ address, family, port }</c>. For a Unix socket Node returns the path; here <see cref="Address"/> is the
/// path, <see cref="Family"/> is <c>"Unix"</c> and <see cref="Port"/> is 0.
/// </summary>
public sealed record ServerAddress
{
    /// <summary>Node's <c>address</c>: the IP address as text (<c>"127.0.0.1"</c>, <c>"::"</c>), or the Unix socket path.</summary>
    public required string Address { get; init; }

    /// <summary>Node's <c>family</c>: <c>"IPv4"</c> or <c>"IPv6"</c> (<c>"Unix"</c> for a Unix socket path).</summary>
    public required string Family { get; init; }

    /// <summary>Node's <c>port</c> (0 for a Unix socket).</summary>
    public int Port { get; init; }
}
