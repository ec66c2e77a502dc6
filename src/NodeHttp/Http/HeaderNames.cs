using System.Collections.Frozen;

namespace NodeHttp;

/// <summary>
/// Lower-cased header names without allocating for the common ones: a received name that matches a known
/// header in any case maps to one shared lower-case string.
/// </summary>
internal static class HeaderNames
{
    private static readonly string[] Known =
    [
        "accept", "accept-charset", "accept-encoding", "accept-language", "accept-ranges", "age",
        "authorization", "cache-control", "connection", "content-disposition", "content-encoding",
        "content-language", "content-length", "content-location", "content-range", "content-type", "cookie",
        "date", "etag", "expect", "expires", "forwarded", "from", "host", "if-match", "if-modified-since",
        "if-none-match", "if-range", "if-unmodified-since", "keep-alive", "last-modified", "link", "location",
        "max-forwards", "origin", "pragma", "proxy-authenticate", "proxy-authorization", "proxy-connection",
        "range", "referer", "retry-after", "sec-websocket-accept", "sec-websocket-extensions",
        "sec-websocket-key", "sec-websocket-protocol", "sec-websocket-version", "server", "set-cookie", "te",
        "trailer", "transfer-encoding", "upgrade", "upgrade-insecure-requests", "user-agent", "vary", "via",
        "warning", "www-authenticate", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
        "x-requested-with", "dnt", "sec-fetch-dest", "sec-fetch-mode", "sec-fetch-site", "sec-fetch-user",
    ];

    private static readonly FrozenSet<string> KnownSet = Known.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary><paramref name="name"/> lower-cased; a known header (any case) returns the shared string.</summary>
    public static string ToLower(string name)
    {
        if (KnownSet.TryGetValue(name, out string? known))
        {
            return known;
        }
        foreach (char c in name)
        {
            if (char.IsAsciiLetterUpper(c))
            {
                return name.ToLowerInvariant();
            }
        }
        return name;
    }
}
