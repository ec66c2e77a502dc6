using System.Buffers;

namespace NodeHttp;

/// <summary>
/// The checks RFC 9112 §3.2 and RFC 9110 §7.2 ask of a server for a request's <c>Host</c> and target, which Node 20
/// leaves out (it keeps the first Host line and looks no further). Each returns the reason a request is rejected,
/// or null. They read strings the request already holds and allocate nothing.
/// </summary>
internal static class HostValidation
{
    // RFC 3986 §3.2.2 reg-name characters but pct-encoded: unreserved / sub-delims.
    private static readonly SearchValues<char> RegNameChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=");

    /// <summary>
    /// Why a request's Host lines and target are refused, or null when they are acceptable.
    /// </summary>
    /// <param name="hostCount">How many Host lines the request has.</param>
    /// <param name="host">The first Host line's value, or null.</param>
    /// <param name="target">The request target as sent.</param>
    /// <param name="method">The request method's name.</param>
    /// <param name="http11">Whether the request is HTTP/1.1 (an empty Host is then refused).</param>
    /// <param name="validHost">A string already found to be a valid host: the same instance (a connection's requests
    /// share their Host string through the header string cache) is not scanned again.</param>
    internal static string? Check(int hostCount, string? host, string target, string method, bool http11, string? validHost = null)
    {
        // RFC 9112 §3.2: "more than one Host header field line" is a 400.
        if (hostCount > 1)
        {
            return "More than one Host header";
        }
        if (target.Length > 0 && target[0] == '*' && (target.Length != 1 || method != "OPTIONS"))
        {
            // RFC 9112 §3.2.4: asterisk-form is only "*", and only for OPTIONS.
            return "Asterisk-form target is only for OPTIONS";
        }
        if (host is null)
        {
            // A missing Host is Node's requireHostHeader check, made later.
            return null;
        }
        if (host.Length == 0)
        {
            // An http(s) URI has a non-empty host (RFC 9110 §4.2.1); HTTP/1.0 may carry an empty Host.
            return http11 ? "Empty Host header" : null;
        }
        if (!ReferenceEquals(host, validHost) && !IsValidHost(host))
        {
            return "Invalid Host header";
        }
        if (method != "CONNECT" && target.Length > 0 && target[0] != '/' && target[0] != '*')
        {
            // RFC 9112 §3.2.2: for absolute-form the target's authority wins over Host; a Host that says otherwise
            // is refused (as Kestrel does) rather than left for the application to trust.
            ReadOnlySpan<char> authority = AbsoluteFormAuthority(target);
            if (!SameAuthority(authority, host, target))
            {
                return "Host header does not match the request target";
            }
        }
        return null;
    }

    /// <summary>RFC 9110 §7.2's <c>Host = uri-host [ ":" port ]</c>, with RFC 3986's <c>uri-host</c>; no userinfo, no path.</summary>
    internal static bool IsValidHost(ReadOnlySpan<char> host)
    {
        // The usual shapes, a name or an IPv4 address with or without a port, in one vectorised scan; an IP literal,
        // a percent-encoded name or a refused character takes the full walk below.
        int first = host.IndexOfAnyExcept(RegNameChars);
        if (first < 0)
        {
            return true;
        }
        if (host[first] == ':')
        {
            return IsValidPort(host[(first + 1)..]);
        }
        return IsValidHostSlow(host);
    }

    private static bool IsValidHostSlow(ReadOnlySpan<char> host)
    {
        int i = 0;
        if (host.Length > 0 && host[0] == '[')
        {
            int close = host.IndexOf(']');
            if (close < 0 || !IsIpLiteral(host[1..close]))
            {
                return false;
            }
            i = close + 1;
        }
        else
        {
            while (i < host.Length && host[i] != ':')
            {
                char c = host[i];
                if (c == '%')
                {
                    if (i + 2 >= host.Length || !char.IsAsciiHexDigit(host[i + 1]) || !char.IsAsciiHexDigit(host[i + 2]))
                    {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                if (!IsRegNameChar(c))
                {
                    return false;
                }
                i++;
            }
        }
        if (i == host.Length)
        {
            return true;
        }
        if (host[i] != ':')
        {
            return false;
        }
        return IsValidPort(host[(i + 1)..]);
    }

    // port = *DIGIT; past five digits it cannot name a port.
    private static bool IsValidPort(ReadOnlySpan<char> port) => port.Length <= 5 && !port.ContainsAnyExceptInRange('0', '9');

    // unreserved / sub-delims (RFC 3986 §3.2.2 reg-name, which also covers IPv4address).
    private static bool IsRegNameChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~'
            or '!' or '$' or '&' or '\'' or '(' or ')' or '*' or '+' or ',' or ';' or '=';

    // IPv6address (hex digits, colons, a dotted IPv4 tail) or IPvFuture ("v" HEXDIG+ "." 1*(unreserved / sub-delims / ":")).
    private static bool IsIpLiteral(ReadOnlySpan<char> literal)
    {
        if (literal.Length == 0)
        {
            return false;
        }
        if (literal[0] is 'v' or 'V')
        {
            int dot = literal.IndexOf('.');
            if (dot < 2 || dot == literal.Length - 1)
            {
                return false;
            }
            foreach (char c in literal[1..dot])
            {
                if (!char.IsAsciiHexDigit(c))
                {
                    return false;
                }
            }
            foreach (char c in literal[(dot + 1)..])
            {
                if (!IsRegNameChar(c) && c != ':')
                {
                    return false;
                }
            }
            return true;
        }
        bool colon = false;
        foreach (char c in literal)
        {
            if (c == ':')
            {
                colon = true;
            }
            else if (!char.IsAsciiHexDigit(c) && c != '.')
            {
                return false;
            }
        }
        return colon;
    }

    // The authority of an absolute-form target: between "//" and the path, query or fragment.
    private static ReadOnlySpan<char> AbsoluteFormAuthority(string target)
    {
        int start = target.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return default;
        }
        ReadOnlySpan<char> rest = target.AsSpan(start + 3);
        int end = rest.IndexOfAny('/', '?', '#');
        return end < 0 ? rest : rest[..end];
    }

    // Equal ignoring case, or equal once the scheme's default port is written out or left off on either side.
    private static bool SameAuthority(ReadOnlySpan<char> authority, ReadOnlySpan<char> host, string target)
    {
        if (authority.IsEmpty)
        {
            return false;
        }
        if (authority.Equals(host, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        ReadOnlySpan<char> defaultPort =
            target.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? ":443" :
            target.StartsWith("http:", StringComparison.OrdinalIgnoreCase) ? ":80" : default;
        if (defaultPort.IsEmpty)
        {
            return false;
        }
        return (authority.EndsWith(defaultPort, StringComparison.Ordinal)
                && authority[..^defaultPort.Length].Equals(host, StringComparison.OrdinalIgnoreCase))
            || (host.EndsWith(defaultPort, StringComparison.Ordinal)
                && host[..^defaultPort.Length].Equals(authority, StringComparison.OrdinalIgnoreCase));
    }
}
