namespace NodeHttp;

/// <summary>
/// Node's <c>http</c> module: its constants and functions (<c>http.METHODS</c>, <c>http.STATUS_CODES</c>,
/// <c>http.createServer</c>, <c>http.request</c>...).
/// </summary>
public static partial class Http
{
    /// <summary>Node's default <c>maxHeaderSize</c> (16 KiB since Node 13.13 / 12.18): start line plus headers.</summary>
    public const int DefaultMaxHeaderSize = 16384;

    /// <summary>Node's <c>http.METHODS</c>: the methods the parser accepts, sorted.</summary>
    public static IReadOnlyList<string> Methods { get; } = Array.AsReadOnly(HttpCommon.Methods);

    /// <summary>Node's <c>http.STATUS_CODES</c>: standard reason phrases by status code (404 → "Not Found").</summary>
    public static IReadOnlyDictionary<int, string> StatusCodes => HttpCommon.StatusCodes;

    /// <summary>Node's <c>http.maxHeaderSize</c>: the default limit on start line plus header bytes.</summary>
    public static int MaxHeaderSize => DefaultMaxHeaderSize;

    /// <summary>
    /// Node's <c>http.validateHeaderName(name)</c>: throws <c>ERR_INVALID_HTTP_TOKEN</c> unless
    /// <paramref name="name"/> is a valid HTTP token.
    /// </summary>
    public static void ValidateHeaderName(string name)
    {
        if (name is null || !HttpCommon.IsToken(name))
        {
            ErrorCodes.Throw("ERR_INVALID_HTTP_TOKEN", "Header name", name);
        }
    }

    /// <summary>
    /// Node's <c>http.validateHeaderValue(name, value)</c>: throws <c>ERR_HTTP_INVALID_HEADER_VALUE</c> for a
    /// missing value and <c>ERR_INVALID_CHAR</c> for a value with a forbidden character.
    /// </summary>
    public static void ValidateHeaderValue(string name, string value)
    {
        if (value is null)
        {
            ErrorCodes.Throw("ERR_HTTP_INVALID_HEADER_VALUE", "undefined", name);
        }
        if (HttpCommon.HasInvalidHeaderChar(value))
        {
            ErrorCodes.Throw("ERR_INVALID_CHAR", $"header content [\"{name}\"]");
        }
    }
}
