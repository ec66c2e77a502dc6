using System.Buffers;
using System.Collections.Frozen;

namespace NodeHttp;

/// <summary>Rules shared by the server and client sides (Node's <c>_http_common.js</c>).</summary>
internal static class HttpCommon
{
    // RFC 9110 §5.6.2 tchar; Node's checkIsHttpToken.
    private static readonly SearchValues<char> TokenChars =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    // Node's checkInvalidHeaderChar allows HTAB, visible ASCII, SP and obs-text (0x80-0xFF).
    private static readonly SearchValues<char> HeaderValueChars = SearchValues.Create(BuildHeaderValueChars());

    /// <summary>Node's <c>http.METHODS</c> (Node 20, from llhttp's method table), sorted.</summary>
    public static readonly string[] Methods =
    [
        "ACL", "BIND", "CHECKOUT", "CONNECT", "COPY", "DELETE", "GET", "HEAD", "LINK", "LOCK", "M-SEARCH",
        "MERGE", "MKACTIVITY", "MKCALENDAR", "MKCOL", "MOVE", "NOTIFY", "OPTIONS", "PATCH", "POST",
        "PROPFIND", "PROPPATCH", "PURGE", "PUT", "QUERY", "REBIND", "REPORT", "SEARCH", "SOURCE",
        "SUBSCRIBE", "TRACE", "UNBIND", "UNLINK", "UNLOCK", "UNSUBSCRIBE",
    ];

    /// <summary>Node's <c>http.STATUS_CODES</c> (Node 20).</summary>
    public static readonly FrozenDictionary<int, string> StatusCodes = new Dictionary<int, string>
    {
        [100] = "Continue", [101] = "Switching Protocols", [102] = "Processing", [103] = "Early Hints",
        [200] = "OK", [201] = "Created", [202] = "Accepted", [203] = "Non-Authoritative Information",
        [204] = "No Content", [205] = "Reset Content", [206] = "Partial Content", [207] = "Multi-Status",
        [208] = "Already Reported", [226] = "IM Used",
        [300] = "Multiple Choices", [301] = "Moved Permanently", [302] = "Found", [303] = "See Other",
        [304] = "Not Modified", [305] = "Use Proxy", [307] = "Temporary Redirect", [308] = "Permanent Redirect",
        [400] = "Bad Request", [401] = "Unauthorized", [402] = "Payment Required", [403] = "Forbidden",
        [404] = "Not Found", [405] = "Method Not Allowed", [406] = "Not Acceptable",
        [407] = "Proxy Authentication Required", [408] = "Request Timeout", [409] = "Conflict", [410] = "Gone",
        [411] = "Length Required", [412] = "Precondition Failed", [413] = "Payload Too Large",
        [414] = "URI Too Long", [415] = "Unsupported Media Type", [416] = "Range Not Satisfiable",
        [417] = "Expectation Failed", [418] = "I'm a Teapot", [421] = "Misdirected Request",
        [422] = "Unprocessable Entity", [423] = "Locked", [424] = "Failed Dependency", [425] = "Too Early",
        [426] = "Upgrade Required", [428] = "Precondition Required", [429] = "Too Many Requests",
        [431] = "Request Header Fields Too Large", [451] = "Unavailable For Legal Reasons",
        [500] = "Internal Server Error", [501] = "Not Implemented", [502] = "Bad Gateway",
        [503] = "Service Unavailable", [504] = "Gateway Timeout", [505] = "HTTP Version Not Supported",
        [506] = "Variant Also Negotiates", [507] = "Insufficient Storage", [508] = "Loop Detected",
        [509] = "Bandwidth Limit Exceeded", [510] = "Not Extended", [511] = "Network Authentication Required",
    }.ToFrozenDictionary();

    /// <summary>Node's <c>checkIsHttpToken</c>: non-empty and only tchar.</summary>
    public static bool IsToken(ReadOnlySpan<char> value) => !value.IsEmpty && !value.ContainsAnyExcept(TokenChars);

    /// <summary>Node's <c>checkInvalidHeaderChar</c>: true when <paramref name="value"/> has a forbidden character.</summary>
    public static bool HasInvalidHeaderChar(ReadOnlySpan<char> value) => value.ContainsAnyExcept(HeaderValueChars);

    private static string BuildHeaderValueChars()
    {
        var chars = new List<char> { '\t' };
        for (char c = ' '; c <= '~'; c++)
        {
            chars.Add(c);
        }
        for (char c = (char)0x80; c <= (char)0xFF; c++)
        {
            chars.Add(c);
        }
        return new string(chars.ToArray());
    }
}
