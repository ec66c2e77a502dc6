namespace NodeHttp;

/// <summary>
/// Where a server connection is in its life (Go's <c>http.ConnState</c>, with the reading states Node's
/// connections list tells apart for its timeouts). The read side: with pipelining, responses of earlier requests
/// may still be queued in any of the reading states.
/// </summary>
internal enum ConnectionPhase
{
    /// <summary>Accepted, no byte of a request yet. <c>headersTimeout</c> counts from the accept.</summary>
    New,

    /// <summary>A request's head is arriving. <c>headersTimeout</c> and <c>requestTimeout</c> count from its first byte.</summary>
    ReadingHead,

    /// <summary>A request's head is complete and its body is arriving. <c>requestTimeout</c> counts.</summary>
    ReadingBody,

    /// <summary>
    /// Every response finished while the last request's body still arrives (read, or drained when nobody reads it).
    /// <c>requestTimeout</c> counts, and the keep-alive timer too: Node sets it when the last response finishes.
    /// </summary>
    Draining,

    /// <summary>The last request was read whole; its response, or one before it, is not finished. No timer counts.</summary>
    Answering,

    /// <summary>Keep-alive: every request read and answered, waiting for the next. The keep-alive timer counts.</summary>
    Idle,

    /// <summary>
    /// <c>headersTimeout</c> or <c>requestTimeout</c> expired and was reported: no timer counts until another request
    /// starts (the socket goes, unless a <c>'clientError'</c> listener keeps it).
    /// </summary>
    TimedOut,

    /// <summary>After <c>'upgrade'</c> or <c>'connect'</c>: the socket is the user's, the connection lets go of it. Final.</summary>
    Upgraded,

    /// <summary>The socket closed. Final.</summary>
    Closed,
}
