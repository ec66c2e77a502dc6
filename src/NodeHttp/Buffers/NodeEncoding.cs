namespace NodeHttp;

/// <summary>The encodings Node's <c>Buffer</c> knows, after alias resolution.</summary>
internal enum NodeEncoding
{
    /// <summary><c>utf8</c>, <c>utf-8</c>.</summary>
    Utf8,

    /// <summary><c>utf16le</c>, <c>utf-16le</c>, <c>ucs2</c>, <c>ucs-2</c>.</summary>
    Utf16Le,

    /// <summary><c>latin1</c>, <c>binary</c>.</summary>
    Latin1,

    /// <summary><c>ascii</c>.</summary>
    Ascii,

    /// <summary><c>base64</c>.</summary>
    Base64,

    /// <summary><c>base64url</c>.</summary>
    Base64Url,

    /// <summary><c>hex</c>.</summary>
    Hex,
}
