namespace NodeHttp;

/// <summary>
/// What an <see cref="HttpParser"/> reports, llhttp's <c>llhttp_settings_t</c>. Implement it on a struct and
/// pass it to <see cref="HttpParser.Execute{TCallbacks}(ReadOnlySpan{byte}, ref TCallbacks)"/>: the calls are then
/// direct and inlinable.
/// </summary>
/// <remarks>
/// Data callbacks receive a span of the input being parsed, valid only during the call; a value cut by the
/// end of an input arrives in several calls, one per input. Data callbacks return <see cref="HpeCode.Ok"/> or an
/// error, which stops the parser for good. Notification callbacks return <see cref="HpeCode.Ok"/>,
/// <see cref="HpeCode.Paused"/> to pause the parser at that point (resume with <see cref="HttpParser.Resume"/>
/// and parse the rest from <see cref="HttpParser.ErrorOffset"/>), or anything else to fail with the callback's
/// <c>HPE_CB_*</c> code. <see cref="HttpParser.Position"/> tells where in the input each call happens.
/// </remarks>
public interface IHttpParserCallbacks
{
    /// <summary>A message starts (<c>on_message_begin</c>).</summary>
    HpeCode OnMessageBegin();

    /// <summary>Another message starts on the same connection (<c>on_reset</c>), before its <see cref="OnMessageBegin"/>.</summary>
    HpeCode OnReset();

    /// <summary>Bytes of the request method (<c>on_method</c>).</summary>
    HpeCode OnMethod(ReadOnlySpan<byte> data);

    /// <summary>The method is complete; <see cref="HttpParser.Method"/> holds it (<c>on_method_complete</c>).</summary>
    HpeCode OnMethodComplete();

    /// <summary>Bytes of the request target (<c>on_url</c>).</summary>
    HpeCode OnUrl(ReadOnlySpan<byte> data);

    /// <summary>The request target is complete (<c>on_url_complete</c>).</summary>
    HpeCode OnUrlComplete();

    /// <summary>Bytes of the protocol name, <c>HTTP</c> (<c>on_protocol</c>).</summary>
    HpeCode OnProtocol(ReadOnlySpan<byte> data);

    /// <summary>The protocol name is complete (<c>on_protocol_complete</c>).</summary>
    HpeCode OnProtocolComplete();

    /// <summary>Bytes of the version, <c>1.1</c> (<c>on_version</c>).</summary>
    HpeCode OnVersion(ReadOnlySpan<byte> data);

    /// <summary>The version is complete (<c>on_version_complete</c>).</summary>
    HpeCode OnVersionComplete();

    /// <summary>Bytes of a response's reason phrase (<c>on_status</c>).</summary>
    HpeCode OnStatus(ReadOnlySpan<byte> data);

    /// <summary>The status line is complete; <see cref="HttpParser.StatusCode"/> holds the code (<c>on_status_complete</c>).</summary>
    HpeCode OnStatusComplete();

    /// <summary>Bytes of a header name (<c>on_header_field</c>).</summary>
    HpeCode OnHeaderField(ReadOnlySpan<byte> data);

    /// <summary>The header name is complete (<c>on_header_field_complete</c>).</summary>
    HpeCode OnHeaderFieldComplete();

    /// <summary>Bytes of a header value, leading whitespace removed (<c>on_header_value</c>).</summary>
    HpeCode OnHeaderValue(ReadOnlySpan<byte> data);

    /// <summary>The header value is complete (<c>on_header_value_complete</c>).</summary>
    HpeCode OnHeaderValueComplete();

    /// <summary>
    /// The head is complete (<c>on_headers_complete</c>); the parser's properties describe the message. The answer
    /// decides whether a body follows.
    /// </summary>
    HeadersCompleteAction OnHeadersComplete(HttpParser parser);

    /// <summary>Bytes of the body, after any chunked framing is removed (<c>on_body</c>).</summary>
    HpeCode OnBody(ReadOnlySpan<byte> data);

    /// <summary>A chunk-size line was read; <see cref="HttpParser.ContentLength"/> holds the size, 0 for the last chunk (<c>on_chunk_header</c>).</summary>
    HpeCode OnChunkHeader();

    /// <summary>Bytes of a chunk extension's name (<c>on_chunk_extension_name</c>).</summary>
    HpeCode OnChunkExtensionName(ReadOnlySpan<byte> data);

    /// <summary>The chunk extension's name is complete (<c>on_chunk_extension_name_complete</c>).</summary>
    HpeCode OnChunkExtensionNameComplete();

    /// <summary>Bytes of a chunk extension's value, quotes included (<c>on_chunk_extension_value</c>).</summary>
    HpeCode OnChunkExtensionValue(ReadOnlySpan<byte> data);

    /// <summary>The chunk extension's value is complete (<c>on_chunk_extension_value_complete</c>).</summary>
    HpeCode OnChunkExtensionValueComplete();

    /// <summary>A chunk, or the trailer section after the last chunk, is complete (<c>on_chunk_complete</c>).</summary>
    HpeCode OnChunkComplete();

    /// <summary>The message is complete (<c>on_message_complete</c>).</summary>
    HpeCode OnMessageComplete();
}
