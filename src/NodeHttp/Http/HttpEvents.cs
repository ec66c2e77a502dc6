namespace NodeHttp;

/// <summary>The event names of Node's <c>http</c> objects.</summary>
public static class HttpEvents
{
    /// <summary><c>'request'</c>: a server received a request.</summary>
    public const string Request = "request";

    /// <summary><c>'connection'</c>: a server accepted a socket.</summary>
    public const string Connection = "connection";

    /// <summary><c>'close'</c>.</summary>
    public const string Close = "close";

    /// <summary><c>'listening'</c>.</summary>
    public const string Listening = "listening";

    /// <summary><c>'error'</c>.</summary>
    public const string Error = "error";

    /// <summary><c>'checkContinue'</c>: a request carried <c>Expect: 100-continue</c>.</summary>
    public const string CheckContinue = "checkContinue";

    /// <summary><c>'checkExpectation'</c>: a request carried another <c>Expect</c> value.</summary>
    public const string CheckExpectation = "checkExpectation";

    /// <summary><c>'clientError'</c>: a connection sent something the server could not parse, or timed out.</summary>
    public const string ClientError = "clientError";

    /// <summary><c>'connect'</c>: a CONNECT request (server) or its 2xx response (client).</summary>
    public const string Connect = "connect";

    /// <summary><c>'upgrade'</c>: a protocol switch was asked for (server) or granted (client).</summary>
    public const string Upgrade = "upgrade";

    /// <summary><c>'timeout'</c>.</summary>
    public const string Timeout = "timeout";

    /// <summary><c>'dropRequest'</c>: a request past <c>maxRequestsPerSocket</c> was answered 503.</summary>
    public const string DropRequest = "dropRequest";

    /// <summary><c>'finish'</c>: an outgoing message was handed to the socket entirely.</summary>
    public const string Finish = "finish";

    /// <summary><c>'aborted'</c>: an incoming message was cut short.</summary>
    public const string Aborted = "aborted";

    /// <summary><c>'response'</c>: a client request got its response head.</summary>
    public const string Response = "response";

    /// <summary><c>'socket'</c>: a client request was given a socket.</summary>
    public const string Socket = "socket";

    /// <summary><c>'continue'</c>: a client request got <c>100 Continue</c>.</summary>
    public const string Continue = "continue";

    /// <summary><c>'information'</c>: a client request got a 1xx response other than 101.</summary>
    public const string Information = "information";

    /// <summary><c>'abort'</c>: a client request was aborted.</summary>
    public const string Abort = "abort";

    /// <summary><c>'free'</c>: an agent's socket became free for reuse.</summary>
    public const string Free = "free";
}
