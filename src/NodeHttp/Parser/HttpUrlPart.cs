namespace NodeHttp;

/// <summary>A part of a request target as llhttp's URL splitter names it (its separate-span <c>on_url_*</c> callbacks).</summary>
internal enum HttpUrlPart : byte
{
    /// <summary>No part is open.</summary>
    None,
    /// <summary><c>http</c> in <c>http://host/</c>, without the colon (<c>on_url_schema</c>).</summary>
    Schema,
    /// <summary>Userinfo, host and port: everything between <c>//</c> and the path (<c>on_url_host</c>).</summary>
    Host,
    /// <summary>From the first <c>/</c> or <c>*</c> up to <c>?</c>, <c>#</c> or the end (<c>on_url_path</c>).</summary>
    Path,
    /// <summary>After the first <c>?</c>, up to <c>#</c> or the end (<c>on_url_query</c>).</summary>
    Query,
    /// <summary>After the <c>#</c> (<c>on_url_fragment</c>).</summary>
    Fragment,
}
