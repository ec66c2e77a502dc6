namespace NodeHttp;

/// <summary>
/// Where an <see cref="IncomingMessage"/>'s body comes from: the server connection or the client request
/// that parses the socket. The message calls back when its consumer wants more (back-pressure release).
/// </summary>
internal interface IIncomingMessageSource
{
    /// <summary>The consumer drained the body buffer below its highWaterMark: read from the socket again.</summary>
    void ResumeBody(IncomingMessage message);
}
