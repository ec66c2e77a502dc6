namespace NodeHttp;

/// <summary>
/// The argument of a <see cref="ClientRequest"/>'s <c>'information'</c> event: a 1xx interim response
/// other than <c>101</c> (Node's <c>info</c> object).
/// </summary>
public sealed class InformationEvent
{
    internal InformationEvent(IncomingMessage message)
    {
        HttpVersionMajor = message.HttpVersionMajor;
        HttpVersionMinor = message.HttpVersionMinor;
        HttpVersion = message.HttpVersion;
        StatusCode = message.StatusCode ?? 0;
        StatusMessage = message.StatusMessage ?? string.Empty;
        Headers = message.Headers;
        RawHeaders = message.RawHeaders;
    }

    /// <summary>Node's <c>info.httpVersion</c>.</summary>
    public string HttpVersion { get; }

    /// <summary>Node's <c>info.httpVersionMajor</c>.</summary>
    public int HttpVersionMajor { get; }

    /// <summary>Node's <c>info.httpVersionMinor</c>.</summary>
    public int HttpVersionMinor { get; }

    /// <summary>Node's <c>info.statusCode</c> (100, 102, 103...).</summary>
    public int StatusCode { get; }

    /// <summary>Node's <c>info.statusMessage</c>.</summary>
    public string StatusMessage { get; }

    /// <summary>Node's <c>info.headers</c>.</summary>
    public HeaderMap Headers { get; }

    /// <summary>Node's <c>info.rawHeaders</c>.</summary>
    public IReadOnlyList<string> RawHeaders { get; }
}
