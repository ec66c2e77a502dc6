namespace NodeHttp;

/// <summary>
/// llhttp's error numbers (<c>llhttp_errno_t</c>), with the same names and values; Node reports each as
/// <c>err.code = "HPE_" + NAME</c>. <see cref="HeaderOverflow"/> and <see cref="ChunkExtensionsOverflow"/>
/// are the limits Node's binding adds on top of llhttp (node_http_parser.cc).
/// </summary>
public enum HpeCode
{
    /// <summary>No error (<c>HPE_OK</c>).</summary>
    Ok = 0,
    /// <summary><c>HPE_INTERNAL</c>.</summary>
    Internal = 1,
    /// <summary><c>HPE_STRICT</c>: a byte a strict parser refuses (for example a CR not followed by LF).</summary>
    Strict = 2,
    /// <summary><c>HPE_LF_EXPECTED</c>.</summary>
    LfExpected = 3,
    /// <summary><c>HPE_UNEXPECTED_CONTENT_LENGTH</c>: a second Content-Length.</summary>
    UnexpectedContentLength = 4,
    /// <summary><c>HPE_CLOSED_CONNECTION</c>: data after a message that closes the connection.</summary>
    ClosedConnection = 5,
    /// <summary><c>HPE_INVALID_METHOD</c>.</summary>
    InvalidMethod = 6,
    /// <summary><c>HPE_INVALID_URL</c>.</summary>
    InvalidUrl = 7,
    /// <summary><c>HPE_INVALID_CONSTANT</c>: the protocol name is not HTTP, RTSP or ICE.</summary>
    InvalidConstant = 8,
    /// <summary><c>HPE_INVALID_VERSION</c>.</summary>
    InvalidVersion = 9,
    /// <summary><c>HPE_INVALID_HEADER_TOKEN</c>: a bad byte in a header name or value.</summary>
    InvalidHeaderToken = 10,
    /// <summary><c>HPE_INVALID_CONTENT_LENGTH</c>.</summary>
    InvalidContentLength = 11,
    /// <summary><c>HPE_INVALID_CHUNK_SIZE</c>.</summary>
    InvalidChunkSize = 12,
    /// <summary><c>HPE_INVALID_STATUS</c>.</summary>
    InvalidStatus = 13,
    /// <summary><c>HPE_INVALID_EOF_STATE</c>: the input ended in the middle of a message.</summary>
    InvalidEofState = 14,
    /// <summary><c>HPE_INVALID_TRANSFER_ENCODING</c>.</summary>
    InvalidTransferEncoding = 15,
    /// <summary><c>HPE_CB_MESSAGE_BEGIN</c>: the message-begin callback failed.</summary>
    CbMessageBegin = 16,
    /// <summary><c>HPE_CB_HEADERS_COMPLETE</c>: the headers-complete callback failed.</summary>
    CbHeadersComplete = 17,
    /// <summary><c>HPE_CB_MESSAGE_COMPLETE</c>: the message-complete callback failed.</summary>
    CbMessageComplete = 18,
    /// <summary><c>HPE_CB_CHUNK_HEADER</c>: the chunk-header callback failed.</summary>
    CbChunkHeader = 19,
    /// <summary><c>HPE_CB_CHUNK_COMPLETE</c>: the chunk-complete callback failed.</summary>
    CbChunkComplete = 20,
    /// <summary><c>HPE_PAUSED</c>: a callback or <see cref="HttpParser.Pause"/> paused the parser; resume to go on.</summary>
    Paused = 21,
    /// <summary><c>HPE_PAUSED_UPGRADE</c>: the message was a CONNECT or an upgrade; the bytes from the error offset belong to the new protocol.</summary>
    PausedUpgrade = 22,
    /// <summary><c>HPE_PAUSED_H2_UPGRADE</c>: an HTTP/2 connection preface was read.</summary>
    PausedH2Upgrade = 23,
    /// <summary><c>HPE_USER</c>: a data callback failed.</summary>
    User = 24,
    /// <summary><c>HPE_CR_EXPECTED</c>: a line ended in a bare LF.</summary>
    CrExpected = 25,
    /// <summary><c>HPE_CB_URL_COMPLETE</c>.</summary>
    CbUrlComplete = 26,
    /// <summary><c>HPE_CB_STATUS_COMPLETE</c>.</summary>
    CbStatusComplete = 27,
    /// <summary><c>HPE_CB_HEADER_FIELD_COMPLETE</c>.</summary>
    CbHeaderFieldComplete = 28,
    /// <summary><c>HPE_CB_HEADER_VALUE_COMPLETE</c>.</summary>
    CbHeaderValueComplete = 29,
    /// <summary><c>HPE_UNEXPECTED_SPACE</c>: whitespace before the first header line.</summary>
    UnexpectedSpace = 30,
    /// <summary><c>HPE_CB_RESET</c>.</summary>
    CbReset = 31,
    /// <summary><c>HPE_CB_METHOD_COMPLETE</c>.</summary>
    CbMethodComplete = 32,
    /// <summary><c>HPE_CB_VERSION_COMPLETE</c>.</summary>
    CbVersionComplete = 33,
    /// <summary><c>HPE_CB_CHUNK_EXTENSION_NAME_COMPLETE</c>.</summary>
    CbChunkExtensionNameComplete = 34,
    /// <summary><c>HPE_CB_CHUNK_EXTENSION_VALUE_COMPLETE</c>.</summary>
    CbChunkExtensionValueComplete = 35,
    /// <summary><c>HPE_CB_PROTOCOL_COMPLETE</c>.</summary>
    CbProtocolComplete = 38,
    /// <summary><c>HPE_HEADER_OVERFLOW</c>: the start line and headers exceed <see cref="HttpParser.MaxHeaderSize"/> (Node's limit, not llhttp's).</summary>
    HeaderOverflow = 100,
    /// <summary><c>HPE_CHUNK_EXTENSIONS_OVERFLOW</c>: a chunk's extensions exceed 16384 bytes (Node's limit, not llhttp's).</summary>
    ChunkExtensionsOverflow = 101,
}
