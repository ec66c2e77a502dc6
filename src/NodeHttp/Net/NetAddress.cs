using System.Net;
using System.Net.Sockets;

namespace NodeHttp;

/// <summary>Address helpers shared by <see cref="Socket"/>, <see cref="NetServer"/> and <see cref="Net"/> (Node's lib/internal/net.js).</summary>
internal static class NetAddress
{
    /// <summary>Node's <c>net.isIP</c>: 4, 6 or 0.</summary>
    public static int IsIP(string? input) => IsIPv4(input) ? 4 : IsIPv6(input) ? 6 : 0;

    /// <summary>Node's <c>net.isIPv4</c>: four dotted decimal parts 0-255 without leading zeros.</summary>
    public static bool IsIPv4(string? input)
    {
        if (string.IsNullOrEmpty(input) || input.Length > 15)
        {
            return false;
        }
        int parts = 0;
        int i = 0;
        while (true)
        {
            int start = i;
            int value = 0;
            while (i < input.Length && input[i] >= '0' && input[i] <= '9')
            {
                value = value * 10 + (input[i] - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && input[start] == '0'))
            {
                return false;
            }
            parts++;
            if (i == input.Length)
            {
                return parts == 4;
            }
            if (input[i] != '.' || parts == 4)
            {
                return false;
            }
            i++;
        }
    }

    /// <summary>Node's <c>net.isIPv6</c> (a zone index such as <c>%eth0</c> is allowed, as Node's pattern does).</summary>
    public static bool IsIPv6(string? input)
    {
        if (string.IsNullOrEmpty(input) || input.IndexOf(':', StringComparison.Ordinal) < 0)
        {
            return false;
        }
        return IPAddress.TryParse(input, out IPAddress? address) && address.AddressFamily == AddressFamily.InterNetworkV6
            && input[0] != '[';
    }

    /// <summary>Node's family string for an address family.</summary>
    public static string FamilyOf(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => "IPv4",
        AddressFamily.InterNetworkV6 => "IPv6",
        AddressFamily.Unix => "Unix",
        _ => family.ToString(),
    };

    /// <summary>The text Node shows for an address: an IPv4-mapped IPv6 address stays in its <c>::ffff:a.b.c.d</c> form.</summary>
    public static string Format(IPAddress address) => address.ToString();

    /// <summary>A <see cref="ServerAddress"/> for a bound or connected end point.</summary>
    public static ServerAddress? ToServerAddress(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint ip => new ServerAddress { Address = Format(ip.Address), Family = FamilyOf(ip.AddressFamily), Port = ip.Port },
        UnixDomainSocketEndPoint unix => new ServerAddress { Address = unix.ToString() ?? string.Empty, Family = "Unix", Port = 0 },
        _ => null,
    };

    /// <summary>Throws Node's <c>ERR_SOCKET_BAD_PORT</c> unless 0 ≤ <paramref name="port"/> &lt; 65536.</summary>
    public static void ValidatePort(int port, string name)
    {
        if (port < 0 || port > 65535)
        {
            ErrorCodes.Throw("ERR_SOCKET_BAD_PORT", name, $"type number ({port})");
        }
    }
}
