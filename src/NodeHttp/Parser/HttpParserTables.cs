using System.Buffers;
using System.Text;

namespace NodeHttp;

/// <summary>Byte classes, method names and match tables of <see cref="HttpParser"/>, as llhttp's constants.ts defines them.</summary>
internal static class HttpParserTables
{
    public const byte Token = 1;          // RFC 7230 tchar
    public const byte HeaderChar = 2;     // HTAB / SP / VCHAR / obs-text
    public const byte UrlChar = 4;        // llhttp's URL_CHAR
    public const byte UserInfo = 8;       // llhttp's USERINFO_CHARS
    public const byte ConnToken = 16;     // HTAB / SP / VCHAR except ',' / obs-text
    public const byte QdText = 32;        // RFC 9110 qdtext
    public const byte Relaxed = 64;       // HeaderChar plus controls other than NUL, CR, LF
    public const byte Alpha = 128;

    public static readonly byte[] Class = BuildClasses();

    public static readonly SearchValues<byte> TokenValues = Values(Token);
    public static readonly SearchValues<byte> HeaderValueValues = Values(HeaderChar);
    public static readonly SearchValues<byte> UrlValues = Values(UrlChar);
    public static readonly SearchValues<byte> CrLf = SearchValues.Create("\r\n"u8);

    public static readonly byte[][] MethodNames = BuildMethodNames(out MethodIds);
    public static readonly HttpMethodId[] MethodIds;

    /// <summary>Methods llhttp allows with <c>HTTP/</c>, <c>RTSP/</c> and <c>ICE/</c>, one bit per method id.</summary>
    public static readonly ulong HttpMethodsMask = ~0UL & ~(((1UL << 11) - 1) << 35) | (1UL << 46);
    public static readonly ulong RtspMethodsMask = (((1UL << 11) - 1) << 35) | (1UL << 6) | (1UL << 1) | (1UL << 3);
    public const ulong IceMethodsMask = 1UL << 33;

    public static readonly byte[][] Protocols = [.. new[] { "HTTP", "RTSP", "ICE" }.Select(Encoding.ASCII.GetBytes)];
    public static readonly byte[][] HeadOrHttp = [.. new[] { "HEAD", "HTTP/" }.Select(Encoding.ASCII.GetBytes)];
    public static readonly byte[][] ConnectionTokens = [.. new[] { "close", "upgrade", "keep-alive" }.Select(Encoding.ASCII.GetBytes)];
    public static readonly byte[][] Chunked = [Encoding.ASCII.GetBytes("chunked")];
    public static readonly byte[][] H2Preface = [Encoding.ASCII.GetBytes("\r\n\r\nSM\r\n\r\n")];
    public static readonly byte[][] SpecialHeaders =
        [.. new[] { "connection", "content-length", "proxy-connection", "transfer-encoding", "upgrade" }.Select(Encoding.ASCII.GetBytes)];

    /// <summary>Header state for each entry of <see cref="SpecialHeaders"/> (llhttp's HEADER_STATE).</summary>
    public static readonly byte[] SpecialHeaderStates = [1, 2, 1, 3, 4];

    private static SearchValues<byte> Values(byte mask)
    {
        var list = new List<byte>();
        for (int i = 0; i < 256; i++)
        {
            if ((Class[i] & mask) != 0)
            {
                list.Add((byte)i);
            }
        }
        return SearchValues.Create(list.ToArray());
    }

    private static byte[] BuildClasses()
    {
        var t = new byte[256];
        void Add(byte mask, string chars)
        {
            foreach (char c in chars)
            {
                t[c] |= mask;
            }
        }
        const string alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        const string alnum = alpha + "0123456789";
        Add(Alpha, alpha);
        Add(Token, "!#$%&'*+-.^_`|~" + alnum);
        Add(UrlChar, "!\"$%&'()*+,-./:;<=>@[\\]^_`{|}~" + alnum);
        Add(UserInfo, alnum + "-_.!~*'()" + "%;:&=+$,");
        for (int i = 0; i < 256; i++)
        {
            bool vchar = i >= 0x21 && i <= 0x7e;
            bool obs = i >= 0x80;
            if (i == '\t' || i == ' ' || vchar || obs)
            {
                t[i] |= HeaderChar | Relaxed;
                if (i != ',')
                {
                    t[i] |= ConnToken;
                }
                if (i != '"' && i != '\\')
                {
                    t[i] |= QdText;
                }
            }
            else if (i != 0 && i != '\r' && i != '\n')
            {
                t[i] |= Relaxed;
            }
        }
        return t;
    }

    private static byte[][] BuildMethodNames(out HttpMethodId[] ids)
    {
        var names = new List<byte[]>();
        var list = new List<HttpMethodId>();
        foreach (HttpMethodId id in Enum.GetValues<HttpMethodId>())
        {
            names.Add(Encoding.ASCII.GetBytes(MethodName(id)));
            list.Add(id);
        }
        ids = [.. list];
        return [.. names];
    }

    /// <summary>The method's name as it appears on the wire (Node's <c>http.METHODS</c> entries).</summary>
    public static string MethodName(HttpMethodId id) => id switch
    {
        HttpMethodId.Delete => "DELETE",
        HttpMethodId.Get => "GET",
        HttpMethodId.Head => "HEAD",
        HttpMethodId.Post => "POST",
        HttpMethodId.Put => "PUT",
        HttpMethodId.Connect => "CONNECT",
        HttpMethodId.Options => "OPTIONS",
        HttpMethodId.Trace => "TRACE",
        HttpMethodId.Copy => "COPY",
        HttpMethodId.Lock => "LOCK",
        HttpMethodId.MkCol => "MKCOL",
        HttpMethodId.Move => "MOVE",
        HttpMethodId.PropFind => "PROPFIND",
        HttpMethodId.PropPatch => "PROPPATCH",
        HttpMethodId.Search => "SEARCH",
        HttpMethodId.Unlock => "UNLOCK",
        HttpMethodId.Bind => "BIND",
        HttpMethodId.Rebind => "REBIND",
        HttpMethodId.Unbind => "UNBIND",
        HttpMethodId.Acl => "ACL",
        HttpMethodId.Report => "REPORT",
        HttpMethodId.MkActivity => "MKACTIVITY",
        HttpMethodId.Checkout => "CHECKOUT",
        HttpMethodId.Merge => "MERGE",
        HttpMethodId.MSearch => "M-SEARCH",
        HttpMethodId.Notify => "NOTIFY",
        HttpMethodId.Subscribe => "SUBSCRIBE",
        HttpMethodId.Unsubscribe => "UNSUBSCRIBE",
        HttpMethodId.Patch => "PATCH",
        HttpMethodId.Purge => "PURGE",
        HttpMethodId.MkCalendar => "MKCALENDAR",
        HttpMethodId.Link => "LINK",
        HttpMethodId.Unlink => "UNLINK",
        HttpMethodId.Source => "SOURCE",
        HttpMethodId.Pri => "PRI",
        HttpMethodId.Describe => "DESCRIBE",
        HttpMethodId.Announce => "ANNOUNCE",
        HttpMethodId.Setup => "SETUP",
        HttpMethodId.Play => "PLAY",
        HttpMethodId.Pause => "PAUSE",
        HttpMethodId.Teardown => "TEARDOWN",
        HttpMethodId.GetParameter => "GET_PARAMETER",
        HttpMethodId.SetParameter => "SET_PARAMETER",
        HttpMethodId.Redirect => "REDIRECT",
        HttpMethodId.Record => "RECORD",
        HttpMethodId.Flush => "FLUSH",
        HttpMethodId.Query => "QUERY",
        _ => throw new ArgumentOutOfRangeException(nameof(id)),
    };

    /// <summary>
    /// The method whose name is exactly <paramref name="name"/>, matched by length then bytes; -1 if none.
    /// Used where the whole name is in one input, the per-byte walk covers the rest.
    /// </summary>
    public static int FindMethod(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 3:
                if (name.SequenceEqual("GET"u8)) return (int)HttpMethodId.Get;
                if (name.SequenceEqual("PUT"u8)) return (int)HttpMethodId.Put;
                break;
            case 4:
                if (name.SequenceEqual("POST"u8)) return (int)HttpMethodId.Post;
                if (name.SequenceEqual("HEAD"u8)) return (int)HttpMethodId.Head;
                break;
        }
        var names = MethodNames;
        for (int i = 0; i < names.Length; i++)
        {
            if (name.SequenceEqual(names[i]))
            {
                return (int)MethodIds[i];
            }
        }
        return -1;
    }

    /// <summary>
    /// One step of a walk through a set of names (llparse's <c>select</c>/<c>match</c>): the index of a name
    /// that extends the current prefix (<paramref name="table"/>[<paramref name="cand"/>][..<paramref name="n"/>])
    /// with <paramref name="c"/>, or -1.
    /// </summary>
    public static int Extend(byte[][] table, int cand, int n, byte c)
    {
        for (int j = 0; j < table.Length; j++)
        {
            byte[] s = table[j];
            if (s.Length > n && s[n] == c && (n == 0 || s.AsSpan(0, n).SequenceEqual(table[cand].AsSpan(0, n))))
            {
                return j;
            }
        }
        return -1;
    }

    /// <summary>The index of the name equal to the current prefix, or -1.</summary>
    public static int Exact(byte[][] table, int cand, int n)
    {
        for (int j = 0; j < table.Length; j++)
        {
            if (table[j].Length == n && table[j].AsSpan().SequenceEqual(table[cand].AsSpan(0, n)))
            {
                return j;
            }
        }
        return -1;
    }

    /// <summary>Whether some name is longer than the prefix and starts with it.</summary>
    public static bool HasLonger(byte[][] table, int cand, int n)
    {
        for (int j = 0; j < table.Length; j++)
        {
            if (table[j].Length > n && table[j].AsSpan(0, n).SequenceEqual(table[cand].AsSpan(0, n)))
            {
                return true;
            }
        }
        return false;
    }
}
