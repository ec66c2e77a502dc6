namespace NodeHttp;

/// <summary>The JavaScript error class Node raises for an error code.</summary>
public enum ErrorKind
{
    /// <summary>A plain <c>Error</c>.</summary>
    Error,

    /// <summary>A <c>TypeError</c>: an argument of the wrong type or form.</summary>
    TypeError,

    /// <summary>A <c>RangeError</c>: a value out of its allowed range.</summary>
    RangeError,

    /// <summary>A system error from the operating system (libuv's <c>SystemError</c>).</summary>
    SystemError,
}
