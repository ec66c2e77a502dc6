namespace NodeHttp;

/// <summary>What an <see cref="HttpParser"/> reads: llhttp's <c>llhttp_type_t</c> (Node's <c>HTTPParser.REQUEST</c>/<c>RESPONSE</c>).</summary>
public enum HttpParserType
{
    /// <summary>Requests or responses, decided by the first message (<c>HTTP_BOTH</c>).</summary>
    Both = 0,
    /// <summary>Requests (a server's side of a connection).</summary>
    Request = 1,
    /// <summary>Responses (a client's side of a connection).</summary>
    Response = 2,
}
