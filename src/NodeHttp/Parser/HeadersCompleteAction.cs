namespace NodeHttp;

/// <summary>
/// The answer of <see cref="IHttpParserCallbacks.OnHeadersComplete"/>, llhttp's return values of
/// <c>on_headers_complete</c> (Node's <c>parserOnHeadersComplete</c> returns the same numbers).
/// </summary>
public enum HeadersCompleteAction
{
    /// <summary>Read the body as the headers describe it.</summary>
    Continue = 0,
    /// <summary>The message has no body whatever its headers say (a response to HEAD).</summary>
    SkipBody = 1,
    /// <summary>No body, and the connection switches protocol after this message.</summary>
    SkipBodyUpgrade = 2,
    /// <summary>Pause the parser after the headers (<c>HPE_PAUSED</c>).</summary>
    Pause = 21,
    /// <summary>Fail with <c>HPE_CB_HEADERS_COMPLETE</c>.</summary>
    Error = -1,
}
