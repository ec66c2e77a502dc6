using System.Net;

namespace NodeHttp;

/// <summary>
/// The argument of a server's <c>'drop'</c> event for a TCP connection (Node's <c>data</c> object): the addresses of
/// a connection that was closed at once because <see cref="NetServer.MaxConnections"/> was reached. For a Unix
/// socket server the event passes null, as Node passes <c>undefined</c>.
/// </summary>
public sealed class DropEvent
{
    internal DropEvent(IPEndPoint local, IPEndPoint? remote)
    {
        LocalAddress = NetAddress.Format(local.Address);
        LocalPort = local.Port;
        LocalFamily = NetAddress.FamilyOf(local.AddressFamily);
        if (remote is not null)
        {
            RemoteAddress = NetAddress.Format(remote.Address);
            RemotePort = remote.Port;
            RemoteFamily = NetAddress.FamilyOf(remote.AddressFamily);
        }
    }

    /// <summary>Node's <c>data.localAddress</c>: the server's address the connection came to.</summary>
    public string LocalAddress { get; }

    /// <summary>Node's <c>data.localPort</c>.</summary>
    public int LocalPort { get; }

    /// <summary>Node's <c>data.localFamily</c>: <c>"IPv4"</c> or <c>"IPv6"</c>.</summary>
    public string LocalFamily { get; }

    /// <summary>
    /// Node's <c>data.remoteAddress</c>: the peer's address (<c>::ffff:a.b.c.d</c> for an IPv4 peer of a dual-stack
    /// server); null when the peer was gone before it could be read (Node leaves the field undefined).
    /// </summary>
    public string? RemoteAddress { get; }

    /// <summary>Node's <c>data.remotePort</c>; null when the peer was gone before it could be read.</summary>
    public int? RemotePort { get; }

    /// <summary>Node's <c>data.remoteFamily</c>: <c>"IPv4"</c> or <c>"IPv6"</c>; null when the peer was gone before it could be read.</summary>
    public string? RemoteFamily { get; }
}
