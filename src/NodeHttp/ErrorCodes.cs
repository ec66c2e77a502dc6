using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace NodeHttp;

/// <summary>
/// Node's error codes with their message templates and kinds (lib/internal/errors.js, Node 20).
/// Templates use <c>{0}</c>, <c>{1}</c>... where Node uses <c>%s</c>. Every code NodeHttp raises is here.
/// </summary>
internal static class ErrorCodes
{
    private static readonly Dictionary<string, (string Template, ErrorKind Kind)> Table = new(StringComparer.Ordinal)
    {
        // arguments
        ["ERR_INVALID_ARG_TYPE"] = ("The \"{0}\" argument must be {1}. Received {2}", ErrorKind.TypeError),
        ["ERR_INVALID_ARG_VALUE"] = ("The argument '{0}' is invalid. Received {1}", ErrorKind.TypeError),
        ["ERR_OUT_OF_RANGE"] = ("The value of \"{0}\" is out of range. It must be {1}. Received {2}", ErrorKind.RangeError),
        ["ABORT_ERR"] = ("The operation was aborted", ErrorKind.Error),
        ["ERR_MISSING_ARGS"] = ("The \"{0}\" argument must be specified", ErrorKind.TypeError),
        ["ERR_INVALID_STATE"] = ("Invalid state: {0}", ErrorKind.Error),
        ["ERR_METHOD_NOT_IMPLEMENTED"] = ("The {0} method is not implemented", ErrorKind.Error),
        ["ERR_INVALID_URL"] = ("Invalid URL", ErrorKind.TypeError),
        ["ERR_INVALID_PROTOCOL"] = ("Protocol \"{0}\" not supported. Expected \"{1}\"", ErrorKind.TypeError),

        // events
        ["ERR_UNHANDLED_ERROR"] = ("Unhandled error. ({0})", ErrorKind.Error),
        ["ERR_LISTENER_SIGNATURE"] = ("The listener for \"{0}\" takes ({1}) but the event passes ({2})", ErrorKind.TypeError),

        // buffers
        ["ERR_UNKNOWN_ENCODING"] = ("Unknown encoding: {0}", ErrorKind.TypeError),
        ["ERR_BUFFER_OUT_OF_BOUNDS"] = ("\"{0}\" is outside of buffer bounds", ErrorKind.RangeError),

        // streams
        ["ERR_STREAM_WRITE_AFTER_END"] = ("write after end", ErrorKind.Error),
        ["ERR_STREAM_PUSH_AFTER_EOF"] = ("stream.push() after EOF", ErrorKind.Error),
        ["ERR_STREAM_UNSHIFT_AFTER_END_EVENT"] = ("stream.unshift() after end event", ErrorKind.Error),
        ["ERR_STREAM_DESTROYED"] = ("Cannot call {0} after a stream was destroyed", ErrorKind.Error),
        ["ERR_STREAM_ALREADY_FINISHED"] = ("Cannot call {0} after a stream was finished", ErrorKind.Error),
        ["ERR_STREAM_PREMATURE_CLOSE"] = ("Premature close", ErrorKind.Error),
        ["ERR_STREAM_NULL_VALUES"] = ("May not write null values to stream", ErrorKind.TypeError),
        ["ERR_STREAM_CANNOT_PIPE"] = ("Cannot pipe, not readable", ErrorKind.Error),
        ["ERR_MULTIPLE_CALLBACK"] = ("Callback called multiple times", ErrorKind.Error),
        ["ERR_BODY_TOO_LARGE"] = ("The body is larger than the limit of {0} bytes", ErrorKind.RangeError),

        // net
        ["ERR_SOCKET_CLOSED"] = ("Socket is closed", ErrorKind.Error),
        ["ERR_SOCKET_CLOSED_BEFORE_CONNECTION"] = ("Socket closed before the connection was established", ErrorKind.Error),
        ["ERR_INVALID_IP_ADDRESS"] = ("Invalid IP address: {0}", ErrorKind.TypeError),
        ["ERR_SOCKET_BAD_PORT"] = ("{0} should be >= 0 and < 65536. Received {1}.", ErrorKind.RangeError),
        ["ERR_SERVER_ALREADY_LISTEN"] = ("Listen method has been called more than once without closing.", ErrorKind.Error),
        ["ERR_SERVER_NOT_RUNNING"] = ("Server is not running.", ErrorKind.Error),

        // http
        ["ERR_HTTP_HEADERS_SENT"] = ("Cannot {0} headers after they are sent to the client", ErrorKind.Error),
        ["ERR_HTTP_INVALID_HEADER_VALUE"] = ("Invalid value \"{0}\" for header \"{1}\"", ErrorKind.TypeError),
        ["ERR_HTTP_INVALID_STATUS_CODE"] = ("Invalid status code: {0}", ErrorKind.RangeError),
        ["ERR_HTTP_TRAILER_INVALID"] = ("Trailers are invalid with this transfer encoding", ErrorKind.Error),
        ["ERR_HTTP_SOCKET_ENCODING"] = ("Changing the socket encoding is not allowed per RFC7230 Section 3.", ErrorKind.Error),
        ["ERR_HTTP_SOCKET_ASSIGNED"] = ("ServerResponse has an already assigned socket", ErrorKind.Error),
        ["ERR_HTTP_CONTENT_LENGTH_MISMATCH"] = ("Response body's content-length of {0} byte(s) does not match the content-length of {1} byte(s) set in header", ErrorKind.Error),
        ["ERR_HTTP_BODY_NOT_ALLOWED"] = ("Adding content for this request method or response status is not allowed.", ErrorKind.Error),
        ["ERR_HTTP_REQUEST_TIMEOUT"] = ("Request timeout", ErrorKind.Error),
        ["ERR_INVALID_HTTP_TOKEN"] = ("{0} must be a valid HTTP token [\"{1}\"]", ErrorKind.TypeError),
        ["ERR_INVALID_CHAR"] = ("Invalid character in {0}", ErrorKind.TypeError),
        ["ERR_UNESCAPED_CHARACTERS"] = ("{0} contains unescaped characters", ErrorKind.TypeError),

        // tls (Node's own codes; OpenSSL's verify and ERR_SSL_* codes are made in Tls/TlsErrors.cs)
        ["ERR_TLS_CERT_ALTNAME_INVALID"] = ("Hostname/IP does not match certificate's altnames: {0}", ErrorKind.Error),
        ["ERR_TLS_HANDSHAKE_TIMEOUT"] = ("TLS handshake timeout", ErrorKind.Error),
        ["ERR_TLS_INVALID_PROTOCOL_VERSION"] = ("{0} is not a valid {1} TLS protocol version", ErrorKind.TypeError),
        ["ERR_TLS_PROTOCOL_VERSION_CONFLICT"] = ("TLS protocol version {0} conflicts with secureProtocol {1}", ErrorKind.TypeError),
        ["ERR_TLS_NO_CERTIFICATE"] = ("No certificate was given for this side of the TLS connection", ErrorKind.Error),
        ["ERR_TLS_KEY_MISSING"] = ("A certificate was given without its key", ErrorKind.Error),
        ["ERR_SSL_NO_CIPHER_MATCH"] = ("No cipher match", ErrorKind.Error),
        ["ERR_TLS_CIPHERS_UNSUPPORTED"] = ("Choosing ciphers is not supported on this platform", ErrorKind.Error),
    };

    /// <summary>Builds the error for <paramref name="code"/> with Node's message.</summary>
    public static NodeHttpException Create(string code, params object?[] args)
    {
        if (!Table.TryGetValue(code, out var entry))
        {
            throw new ArgumentException($"Unknown error code {code}", nameof(code));
        }
        string message = args.Length == 0 ? entry.Template : string.Format(CultureInfo.InvariantCulture, entry.Template, args);
        return new NodeHttpException(code, message) { Kind = entry.Kind };
    }

    /// <summary>The message template for <paramref name="code"/> (tests compare against Node's text).</summary>
    public static string Template(string code) => Table[code].Template;

    /// <summary>Throws the error for <paramref name="code"/>; kept out of line so callers stay inlinable.</summary>
    [DoesNotReturn]
    public static void Throw(string code, params object?[] args) => throw Create(code, args);
}
