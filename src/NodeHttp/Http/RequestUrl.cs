namespace NodeHttp;

/// <summary>Node's <c>urlToHttpOptions(new URL(input))</c>: a URL string turned into request options.</summary>
internal static class RequestUrl
{
    /// <summary>
    /// Parses <paramref name="url"/> as an absolute URL and fills <paramref name="into"/> (or new options) with its protocol,
    /// hostname (IPv6 brackets removed), port (only when not the scheme's default), path with query, and
    /// user info as <c>Auth</c>. Throws <c>ERR_INVALID_URL</c> as Node's <c>new URL</c> does.
    /// </summary>
    public static RequestOptions ToOptions(string url, RequestOptions? into = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        string text = url.Trim();
        string? userInfo = TakeUserInfo(ref text);
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri) || uri.IsFile || uri.IsUnc)
        {
            if (OtherScheme(url.Trim()) is { } scheme)
            {
                // A one-letter scheme ("f://host/") reads as a drive letter to Uri, but it is a URL to WHATWG (and
                // to Node); its protocol is what the request refuses (ERR_INVALID_PROTOCOL).
                RequestOptions other = into ?? new RequestOptions();
                other.Protocol = scheme + ":";
                return other;
            }
            NodeHttpException error = ErrorCodes.Create("ERR_INVALID_URL");
            error.Data["input"] = url;
            throw error;
        }
        RequestOptions options = into ?? new RequestOptions();
        options.Protocol = uri.Scheme + ":";
        string host = uri.Host;
        if (host.Length > 1 && host[0] == '[' && host[^1] == ']')
        {
            // WHATWG URL keeps the brackets in hostname; urlToHttpOptions strips them for net.connect.
            host = host[1..^1];
        }
        options.Hostname = host;
        options.Port = uri.IsDefaultPort ? null : uri.Port;
        options.Path = uri.PathAndQuery;
        if (userInfo is { Length: > 0 })
        {
            int colon = userInfo.IndexOf(':');
            options.Auth = colon < 0
                ? Uri.UnescapeDataString(userInfo) + ":"
                : Uri.UnescapeDataString(userInfo[..colon]) + ":" + Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        }
        return options;
    }

    // WHATWG URL: the user info runs to the authority's last '@' and may hold '@', '"', '^' that System.Uri refuses
    // (Node's test-http-decoded-auth); it is cut out here and the rest parsed without it.
    private static string? TakeUserInfo(ref string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            return null;
        }
        int start = scheme + 3;
        int end = url.AsSpan(start).IndexOfAny('/', '?', '#');
        end = end < 0 ? url.Length : start + end;
        int at = url.AsSpan(start, end - start).LastIndexOf('@');
        if (at < 0)
        {
            return null;
        }
        string info = url.Substring(start, at);
        url = string.Concat(url.AsSpan(0, start), url.AsSpan(start + at + 1));
        return info;
    }

    /// <summary>The scheme of a URL that names one of WHATWG's non-special schemes (RFC 3986 §3.1), or null.</summary>
    private static string? OtherScheme(string url)
    {
        int colon = url.IndexOf(':', StringComparison.Ordinal);
        if (colon < 1 || !char.IsAsciiLetter(url[0]))
        {
            return null;
        }
        for (int i = 1; i < colon; i++)
        {
            char c = url[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return null;
            }
        }
        string scheme = url[..colon].ToLowerInvariant();
        // WHATWG URL's special schemes have a host grammar: one Uri refused is an invalid URL there too. Any other
        // scheme takes an opaque host, so the URL parses and only its protocol is wrong.
        return scheme is "file" or "http" or "https" or "ws" or "wss" or "ftp" ? null : scheme;
    }
}
