using System.Text;

namespace NodeHttp;

/// <summary>
/// Common header names as cached lower-case strings, found from the raw bytes without allocating: the http layer
/// uses them for <c>message.headers</c> keys (Node lower-cases names) and makes a string only for unknown names.
/// </summary>
internal static class KnownHeaderNames
{
    // Node's matchKnownFields list (lib/_http_incoming.js) plus the names every browser sends.
    private static readonly string[] Names =
    [
        "accept", "accept-charset", "accept-encoding", "accept-language", "accept-ranges", "access-control-allow-origin",
        "age", "allow", "authorization", "cache-control", "connection", "content-disposition", "content-encoding",
        "content-language", "content-length", "content-location", "content-range", "content-type", "cookie", "date",
        "dnt", "etag", "expect", "expires", "forwarded", "from", "host", "if-match", "if-modified-since", "if-none-match",
        "if-range", "if-unmodified-since", "keep-alive", "last-modified", "location", "max-forwards", "origin", "pragma",
        "proxy-authenticate", "proxy-authorization", "proxy-connection", "range", "referer", "retry-after", "server",
        "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "upgrade-insecure-requests", "user-agent", "vary",
        "via", "warning", "www-authenticate", "x-content-type-options", "x-forwarded-for", "x-forwarded-host",
        "x-forwarded-proto", "x-frame-options", "x-requested-with", "sec-websocket-key", "sec-websocket-version",
        "sec-websocket-protocol", "sec-websocket-extensions", "sec-websocket-accept", "sec-fetch-dest", "sec-fetch-mode",
        "sec-fetch-site", "sec-fetch-user",
    ];

    private static readonly byte[][] Bytes = [.. Names.Select(Encoding.ASCII.GetBytes)];

    // Index of the first name of each length; names are grouped by length below.
    private static readonly (int Start, int Count)[] ByLength = BuildIndex(out OrderedNames, out OrderedBytes);
    private static readonly string[] OrderedNames;
    private static readonly byte[][] OrderedBytes;

    /// <summary>The cached lower-case name equal to <paramref name="name"/> ignoring ASCII case, or null.</summary>
    public static string? Find(ReadOnlySpan<byte> name)
    {
        if (name.Length >= ByLength.Length)
        {
            return null;
        }
        var (start, count) = ByLength[name.Length];
        for (int i = start; i < start + count; i++)
        {
            if (Ascii.EqualsIgnoreCase(name, OrderedBytes[i]))
            {
                return OrderedNames[i];
            }
        }
        return null;
    }

    private static (int, int)[] BuildIndex(out string[] names, out byte[][] bytes)
    {
        var order = Enumerable.Range(0, Names.Length).OrderBy(i => Names[i].Length).ThenBy(i => Names[i], StringComparer.Ordinal).ToArray();
        names = [.. order.Select(i => Names[i])];
        bytes = [.. order.Select(i => Bytes[i])];
        int max = names.Max(n => n.Length);
        var index = new (int, int)[max + 1];
        for (int i = 0; i < names.Length; i++)
        {
            int len = names[i].Length;
            if (index[len].Item2 == 0)
            {
                index[len] = (i, 0);
            }
            index[len].Item2++;
        }
        return index;
    }
}
