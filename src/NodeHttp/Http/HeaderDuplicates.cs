namespace NodeHttp;

/// <summary>How a repeated received header is combined (Node's <c>matchKnownFields</c>, Node 20).</summary>
internal enum DuplicateRule
{
    /// <summary>Values joined with <c>", "</c> (the default, RFC 9110 §5.3).</summary>
    JoinComma,

    /// <summary>Only the first value is kept (headers Node treats as single-valued).</summary>
    KeepFirst,

    /// <summary>Every value kept as an array (<c>set-cookie</c>).</summary>
    Array,

    /// <summary>Values joined with <c>"; "</c> (<c>cookie</c>).</summary>
    JoinSemicolon,
}

/// <summary>Node's table of header duplicate rules.</summary>
internal static class HeaderDuplicates
{
    /// <summary>The rule for a lower-cased header name.</summary>
    public static DuplicateRule RuleFor(string lowerName) => lowerName switch
    {
        "set-cookie" => DuplicateRule.Array,
        "cookie" => DuplicateRule.JoinSemicolon,
        "content-type" or "content-length" or "user-agent" or "referer" or "host" or "authorization"
            or "proxy-authorization" or "if-modified-since" or "if-unmodified-since" or "from"
            or "location" or "max-forwards" or "retry-after" or "etag" or "last-modified"
            or "server" or "age" or "expires" => DuplicateRule.KeepFirst,
        _ => DuplicateRule.JoinComma,
    };
}
