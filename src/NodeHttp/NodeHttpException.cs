namespace NodeHttp;

/// <summary>
/// An error raised by NodeHttp, carrying Node's error <see cref="Code"/> (for example
/// <c>ERR_HTTP_HEADERS_SENT</c>, <c>ECONNRESET</c> or <c>HPE_INVALID_METHOD</c>).
/// Node's <c>err.code</c>, <c>err.syscall</c>, <c>err.address</c>, <c>err.port</c> and, for parse
/// errors, <c>err.reason</c>, <c>err.bytesParsed</c> and <c>err.rawPacket</c> map to the properties here.
/// </summary>
public class NodeHttpException : Exception
{
    /// <summary>Creates an error with Node's code and message.</summary>
    public NodeHttpException(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Node's <c>err.code</c>: <c>ERR_*</c>, a system code such as <c>ECONNRESET</c>, or an llhttp <c>HPE_*</c> code.</summary>
    public string Code { get; }

    /// <summary>The JavaScript error class Node would use for this code.</summary>
    public ErrorKind Kind { get; init; } = ErrorKind.Error;

    /// <summary>For parse errors, llhttp's reason text (Node's <c>err.reason</c>).</summary>
    public string? Reason { get; init; }

    /// <summary>For parse errors, how many bytes of the input were consumed (Node's <c>err.bytesParsed</c>).</summary>
    public int? BytesParsed { get; init; }

    /// <summary>For parse errors, the bytes the parser was given (Node's <c>err.rawPacket</c>).</summary>
    public NodeBuffer? RawPacket { get; init; }

    /// <summary>For system errors, the failed call (<c>connect</c>, <c>read</c>, <c>write</c>, <c>listen</c>...).</summary>
    public string? Syscall { get; init; }

    /// <summary>For system errors, libuv's negative error number (Node's <c>err.errno</c>).</summary>
    public int? Errno { get; init; }

    /// <summary>For network system errors, the address involved.</summary>
    public string? Address { get; init; }

    /// <summary>For network system errors, the port involved.</summary>
    public int? Port { get; init; }

    /// <summary>For file-system errors (a Unix socket path), the path involved.</summary>
    public string? Path { get; init; }

    /// <summary>Formats as Node prints an error: <c>TypeError [ERR_X]: message</c>.</summary>
    public override string ToString()
    {
        string head = Code.StartsWith("ERR_", StringComparison.Ordinal)
            ? $"{Kind} [{Code}]: {Message}"
            : $"{Kind}: {Message}";
        return StackTrace is null ? head : head + Environment.NewLine + StackTrace;
    }
}
