using System.Text;

namespace NodeHttp.Tests.Parser;

/// <summary>Behaviours of <see cref="HttpParser"/> the http layer relies on.</summary>
public sealed class HttpParserTests
{
    private sealed class Message
    {
        public HttpMethodId Method;
        public int Status;
        public string Url = "";
        public List<(string Name, string Value)> Headers = [];
        public string Body = "";
        public bool KeepAlive;
        public bool Upgrade;
        public bool Complete;
    }

    private sealed class Recorder
    {
        public readonly List<Message> Messages = [];
        public HpeCode PauseOnComplete = HpeCode.Ok;
        public HeadersCompleteAction OnHeaders = HeadersCompleteAction.Continue;
        public bool LastWasValue = true;

        public Message Current => Messages[^1];
    }

    private readonly struct Callbacks(Recorder r) : IHttpParserCallbacks
    {
        private static string S(ReadOnlySpan<byte> d) => Encoding.Latin1.GetString(d);

        public HpeCode OnMessageBegin()
        {
            r.Messages.Add(new Message());
            r.LastWasValue = true;
            return HpeCode.Ok;
        }

        public HpeCode OnReset() => HpeCode.Ok;
        public HpeCode OnMethod(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnMethodComplete() => HpeCode.Ok;

        public HpeCode OnUrl(ReadOnlySpan<byte> data)
        {
            r.Current.Url += S(data);
            return HpeCode.Ok;
        }

        public HpeCode OnUrlComplete() => HpeCode.Ok;
        public HpeCode OnProtocol(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnProtocolComplete() => HpeCode.Ok;
        public HpeCode OnVersion(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnVersionComplete() => HpeCode.Ok;
        public HpeCode OnStatus(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnStatusComplete() => HpeCode.Ok;

        public HpeCode OnHeaderField(ReadOnlySpan<byte> data)
        {
            if (r.LastWasValue)
            {
                r.Current.Headers.Add(("", ""));
                r.LastWasValue = false;
            }
            var h = r.Current.Headers[^1];
            r.Current.Headers[^1] = (h.Name + S(data), h.Value);
            return HpeCode.Ok;
        }

        public HpeCode OnHeaderFieldComplete() => HpeCode.Ok;

        public HpeCode OnHeaderValue(ReadOnlySpan<byte> data)
        {
            r.LastWasValue = true;
            var h = r.Current.Headers[^1];
            r.Current.Headers[^1] = (h.Name, h.Value + S(data));
            return HpeCode.Ok;
        }

        public HpeCode OnHeaderValueComplete() => HpeCode.Ok;

        public HeadersCompleteAction OnHeadersComplete(HttpParser parser)
        {
            r.Current.Method = parser.Method;
            r.Current.Status = parser.StatusCode;
            r.Current.KeepAlive = parser.ShouldKeepAlive;
            r.Current.Upgrade = parser.Upgrade;
            return r.OnHeaders;
        }

        public HpeCode OnBody(ReadOnlySpan<byte> data)
        {
            r.Current.Body += S(data);
            return HpeCode.Ok;
        }

        public HpeCode OnChunkHeader() => HpeCode.Ok;
        public HpeCode OnChunkExtensionName(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnChunkExtensionNameComplete() => HpeCode.Ok;
        public HpeCode OnChunkExtensionValue(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnChunkExtensionValueComplete() => HpeCode.Ok;
        public HpeCode OnChunkComplete() => HpeCode.Ok;

        public HpeCode OnMessageComplete()
        {
            r.Current.Complete = true;
            return r.PauseOnComplete;
        }
    }

    private static (HpeCode Code, Recorder Rec, HttpParser Parser) Parse(string input, HttpParserType type = HttpParserType.Request,
        LenientFlags lenient = LenientFlags.None, int maxHeaderSize = HttpParser.DefaultMaxHeaderSize, int chunk = int.MaxValue)
    {
        var parser = new HttpParser(type, lenient, maxHeaderSize);
        var rec = new Recorder();
        var cb = new Callbacks(rec);
        byte[] bytes = Encoding.Latin1.GetBytes(input);
        for (int off = 0; off < bytes.Length; off += chunk)
        {
            HpeCode rc = parser.Execute(bytes.AsSpan(off, Math.Min(chunk, bytes.Length - off)), ref cb);
            if (rc != HpeCode.Ok)
            {
                return (rc, rec, parser);
            }
        }
        return (HpeCode.Ok, rec, parser);
    }

    private const string TwoRequests =
        "POST /upload?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello" +
        "GET /next HTTP/1.1\r\nHost: b\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void PipelinedRequestsInAnySplit(int chunk)
    {
        var (code, rec, _) = Parse(TwoRequests, chunk: chunk);
        Assert.Equal(HpeCode.Ok, code);
        Assert.Equal(2, rec.Messages.Count);
        Assert.Equal(HttpMethodId.Post, rec.Messages[0].Method);
        Assert.Equal("/upload?x=1", rec.Messages[0].Url);
        Assert.Equal([("Host", "a"), ("Content-Length", "5")], rec.Messages[0].Headers);
        Assert.Equal("hello", rec.Messages[0].Body);
        Assert.Equal(HttpMethodId.Get, rec.Messages[1].Method);
        Assert.Equal("abc", rec.Messages[1].Body);
        Assert.True(rec.Messages.All(m => m.Complete && m.KeepAlive));
    }

    [Fact]
    public void PauseAtMessageBoundaryThenResume()
    {
        var parser = new HttpParser(HttpParserType.Request);
        var rec = new Recorder { PauseOnComplete = HpeCode.Paused };
        var cb = new Callbacks(rec);
        byte[] bytes = Encoding.ASCII.GetBytes(TwoRequests);

        Assert.Equal(HpeCode.Paused, parser.Execute(bytes, ref cb));
        int firstEnd = TwoRequests.IndexOf("GET", StringComparison.Ordinal);
        Assert.Equal(firstEnd, parser.ErrorOffset);
        Assert.Single(rec.Messages);
        // Paused is sticky until resumed.
        Assert.Equal(HpeCode.Paused, parser.Execute(bytes.AsSpan(firstEnd), ref cb));
        Assert.Single(rec.Messages);

        parser.Resume();
        rec.PauseOnComplete = HpeCode.Ok;
        Assert.Equal(HpeCode.Ok, parser.Execute(bytes.AsSpan(firstEnd), ref cb));
        Assert.Equal(2, rec.Messages.Count);
        Assert.True(rec.Messages[1].Complete);
    }

    [Fact]
    public void PauseFromOutsideStopsTheNextCall()
    {
        var parser = new HttpParser(HttpParserType.Request);
        var cb = new Callbacks(new Recorder());
        parser.Pause();
        Assert.Equal(HpeCode.Paused, parser.Execute("GET / HTTP/1.1\r\n\r\n"u8, ref cb));
        Assert.Equal(0, parser.ErrorOffset);
        parser.Resume();
        Assert.Equal(HpeCode.Ok, parser.Execute("GET / HTTP/1.1\r\n\r\n"u8, ref cb));
    }

    [Theory]
    [InlineData("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n", "TUNNEL")]
    [InlineData("GET /chat HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", "\x81\x05hello")]
    public void UpgradeStopsWhereTunnelBytesStart(string head, string tunnel)
    {
        var (code, rec, parser) = Parse(head + tunnel);
        Assert.Equal(HpeCode.PausedUpgrade, code);
        Assert.Equal(head.Length, parser.ErrorOffset);
        Assert.True(rec.Messages[0].Upgrade);
        Assert.True(rec.Messages[0].Complete);
        Assert.True(parser.Upgrade);
    }

    [Fact]
    public void UpgradeHeaderWithoutConnectionUpgradeIsNotAnUpgrade()
    {
        var (code, rec, _) = Parse("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n");
        Assert.Equal(HpeCode.Ok, code);
        Assert.False(rec.Messages[0].Upgrade);
    }

    [Fact]
    public void ResponseToHeadSkipsTheBody()
    {
        var parser = new HttpParser(HttpParserType.Response);
        var rec = new Recorder { OnHeaders = HeadersCompleteAction.SkipBody };
        var cb = new Callbacks(rec);
        var bytes = "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"u8;
        Assert.Equal(HpeCode.Ok, parser.Execute(bytes, ref cb));
        Assert.Equal(2, rec.Messages.Count);
        Assert.Equal(204, rec.Messages[1].Status);
        Assert.Equal("", rec.Messages[0].Body);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    [InlineData(102)]
    public void NoBodyStatuses(int status)
    {
        var (code, rec, _) = Parse($"HTTP/1.1 {status} X\r\nContent-Length: 5\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", HttpParserType.Response);
        Assert.Equal(HpeCode.Ok, code);
        Assert.Equal(2, rec.Messages.Count);
        Assert.Equal("ok", rec.Messages[1].Body);
    }

    [Fact]
    public void ResponseReadUntilCloseCompletesOnFinish()
    {
        var parser = new HttpParser(HttpParserType.Response);
        var rec = new Recorder();
        var cb = new Callbacks(rec);
        Assert.Equal(HpeCode.Ok, parser.Execute("HTTP/1.1 200 OK\r\n\r\nsome body"u8, ref cb));
        Assert.False(rec.Messages[0].Complete);
        Assert.True(parser.MessageNeedsEof);
        Assert.Equal(HpeCode.Ok, parser.Finish(ref cb));
        Assert.True(rec.Messages[0].Complete);
        Assert.Equal("some body", rec.Messages[0].Body);
    }

    [Fact]
    public void FinishInsideAMessageIsInvalidEofState()
    {
        var (_, rec, parser) = Parse("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
        var cb = new Callbacks(rec);
        Assert.Equal(HpeCode.InvalidEofState, parser.Finish(ref cb));
        Assert.Equal("Invalid EOF state", parser.ErrorReason);
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n\r\n", true)]
    [InlineData("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\n\r\n", false)]
    [InlineData("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true)]
    public void KeepAliveAsLlhttpShouldKeepAlive(string input, bool keepAlive)
    {
        var (_, rec, _) = Parse(input);
        Assert.Equal(keepAlive, rec.Messages[0].KeepAlive);
    }

    [Fact]
    public void ErrorsAreStickyAndCarryNodesFields()
    {
        byte[] bytes = "GEX / HTTP/1.1\r\n\r\n"u8.ToArray();
        var parser = new HttpParser(HttpParserType.Request);
        var cb = new Callbacks(new Recorder());
        Assert.Equal(HpeCode.InvalidMethod, parser.Execute(bytes, ref cb));
        Assert.Equal(2, parser.ErrorOffset);
        Assert.Equal(HpeCode.InvalidMethod, parser.Execute("GET / HTTP/1.1\r\n\r\n"u8, ref cb));

        var ex = parser.CreateException(bytes);
        Assert.Equal("HPE_INVALID_METHOD", ex.Code);
        Assert.Equal("Invalid method encountered", ex.Reason);
        Assert.Equal(2, ex.BytesParsed);
        Assert.Equal(bytes, ex.RawPacket!.Span.ToArray());
        Assert.Equal("Parse Error: Invalid method encountered", ex.Message);

        parser.Reset();
        Assert.Equal(HpeCode.Ok, parser.Execute("GET / HTTP/1.1\r\n\r\n"u8, ref cb));
    }

    // Node counts the target, header names and values of one head and fails once the count reaches the limit.
    [Fact]
    public void HeaderOverflowAtNodesLimit()
    {
        string head = "GET /12345 HTTP/1.1\r\nName: value\r\n\r\n";
        int counted = "/12345".Length + "Name".Length + "value".Length;
        Assert.Equal(HpeCode.Ok, Parse(head, maxHeaderSize: counted + 1).Code);
        var (code, _, parser) = Parse(head, maxHeaderSize: counted);
        Assert.Equal(HpeCode.HeaderOverflow, code);
        Assert.Equal("HPE_HEADER_OVERFLOW", HttpParser.CodeName(code));
        Assert.Equal("Header overflow", parser.ErrorReason);
    }

    [Fact]
    public void HeaderCountRestartsForEachMessage()
    {
        string one = "GET /a HTTP/1.1\r\nName: value\r\n\r\n";
        var (code, rec, _) = Parse(one + one + one, maxHeaderSize: 12);
        Assert.Equal(HpeCode.Ok, code);
        Assert.Equal(3, rec.Messages.Count);
    }

    [Fact]
    public void DefaultHeaderLimitIsSixteenKiB()
    {
        string big = "GET / HTTP/1.1\r\nX-Big: " + new string('a', 16384) + "\r\n\r\n";
        Assert.Equal(HpeCode.HeaderOverflow, Parse(big).Code);
        Assert.Equal(HpeCode.HeaderOverflow, Parse(big, chunk: 1000).Code);
    }

    public static TheoryData<LenientFlags, string, HpeCode> LenientCases => new()
    {
        { LenientFlags.Headers, "GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", HpeCode.InvalidHeaderToken },
        { LenientFlags.ChunkedLength, "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", HpeCode.InvalidTransferEncoding },
        { LenientFlags.KeepAlive, "GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n", HpeCode.ClosedConnection },
        { LenientFlags.TransferEncoding, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", HpeCode.InvalidTransferEncoding },
        { LenientFlags.Version, "GET / HTTP/5.6\r\n\r\n", HpeCode.InvalidVersion },
        { LenientFlags.OptionalLfAfterCr, "GET / HTTP/1.1\rHost: a\r\n\r\n", HpeCode.Strict },
        { LenientFlags.OptionalCrBeforeLf, "GET / HTTP/1.1\r\nHost: a\n\r\n", HpeCode.CrExpected },
        { LenientFlags.OptionalCrlfAfterChunk, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc0\r\n\r\n", HpeCode.Strict },
        { LenientFlags.SpacesAfterChunkSize, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3 \r\nabc\r\n0\r\n\r\n", HpeCode.InvalidChunkSize },
        { LenientFlags.HeaderValueRelaxed, "GET / HTTP/1.1\r\nX: a\u0001b\r\n\r\n", HpeCode.InvalidHeaderToken },
    };

    [Theory]
    [MemberData(nameof(LenientCases))]
    public void EachLenientFlagRelaxesOneCheck(LenientFlags flag, string input, HpeCode strictError)
    {
        Assert.Equal(strictError, Parse(input).Code);
        Assert.Equal(HpeCode.Ok, Parse(input, lenient: flag).Code);
    }

    [Fact]
    public void DataAfterCloseOnResponses()
    {
        const string input = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\nextra";
        Assert.Equal(HpeCode.ClosedConnection, Parse(input, HttpParserType.Response).Code);
        Assert.Equal(HpeCode.Ok, Parse(input, HttpParserType.Response, LenientFlags.DataAfterClose).Code);
    }

    [Theory]
    [InlineData("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", HpeCode.UnexpectedContentLength)]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n", HpeCode.InvalidContentLength)]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", HpeCode.InvalidTransferEncoding)]
    [InlineData("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\n", HpeCode.InvalidChunkSize)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", HpeCode.LfExpected)]
    [InlineData("GET / HTTP/1.1\r\nHo st: a\r\n\r\n", HpeCode.InvalidHeaderToken)]
    [InlineData("GET / HTTP/1.1\r\nHost: a\u0000\r\n\r\n", HpeCode.InvalidHeaderToken)]
    [InlineData("GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", HpeCode.InvalidContentLength)]
    public void SmugglingDefencesAreOnByDefault(string input, HpeCode expected)
    {
        Assert.Equal(expected, Parse(input).Code);
    }

    [Fact]
    public void InsecureHttpParserIsNodesSet()
    {
        Assert.Equal(0x3ff, (int)LenientFlags.InsecureHttpParser);
        Assert.Equal(HpeCode.Ok, Parse("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", lenient: LenientFlags.InsecureHttpParser).Code);
    }

    [Fact]
    public void MethodNamesAreCached()
    {
        Assert.Same(HttpParser.MethodName(HttpMethodId.MSearch), HttpParser.MethodName(HttpMethodId.MSearch));
        Assert.Equal("M-SEARCH", HttpParser.MethodName(HttpMethodId.MSearch));
        Assert.Equal("QUERY", HttpParser.MethodName(HttpMethodId.Query));
    }

    private struct NullCallbacks : IHttpParserCallbacks
    {
        public int Messages;

        public readonly HpeCode OnMessageBegin() => HpeCode.Ok;
        public readonly HpeCode OnReset() => HpeCode.Ok;
        public readonly HpeCode OnMethod(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public readonly HpeCode OnMethodComplete() => HpeCode.Ok;
        public readonly HpeCode OnUrl(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public readonly HpeCode OnUrlComplete() => HpeCode.Ok;
        public readonly HpeCode OnProtocol(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public readonly HpeCode OnProtocolComplete() => HpeCode.Ok;
        public readonly HpeCode OnVersion(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public readonly HpeCode OnVersionComplete() => HpeCode.Ok;
        public readonly HpeCode OnStatus(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public readonly HpeCode OnStatusComplete() => HpeCode.Ok;
        public readonly HpeCode OnHeaderField(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public readonly HpeCode OnHeaderFieldComplete() => HpeCode.Ok;
        public readonly HpeCode OnHeaderValue(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public readonly HpeCode OnHeaderValueComplete() => HpeCode.Ok;
        public readonly HeadersCompleteAction OnHeadersComplete(HttpParser parser) => HeadersCompleteAction.Continue;
        public readonly HpeCode OnBody(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public readonly HpeCode OnChunkHeader() => HpeCode.Ok;
        public readonly HpeCode OnChunkExtensionName(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public readonly HpeCode OnChunkExtensionNameComplete() => HpeCode.Ok;
        public readonly HpeCode OnChunkExtensionValue(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public readonly HpeCode OnChunkExtensionValueComplete() => HpeCode.Ok;
        public readonly HpeCode OnChunkComplete() => HpeCode.Ok;

        public HpeCode OnMessageComplete()
        {
            Messages++;
            return HpeCode.Ok;
        }
    }

    [Fact]
    public void ParsingAllocatesNothing()
    {
        byte[] input = Encoding.ASCII.GetBytes(TwoRequests + "HTTP/1.1 200 OK\r\n");
        input = input[..^"HTTP/1.1 200 OK\r\n".Length];
        var parser = new HttpParser(HttpParserType.Request);
        var cb = new NullCallbacks();
        for (int i = 0; i < 100; i++)
        {
            parser.Execute(input, ref cb);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            parser.Execute(input, ref cb);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(2200, cb.Messages);
    }
}

/// <summary>Header names the http layer can key without making strings.</summary>
public sealed class KnownHeaderNamesTests
{
    [Theory]
    [InlineData("Content-Type", "content-type")]
    [InlineData("HOST", "host")]
    [InlineData("user-agent", "user-agent")]
    [InlineData("Sec-WebSocket-Key", "sec-websocket-key")]
    public void FindsCachedLowerCaseName(string raw, string expected)
    {
        string? found = KnownHeaderNames.Find(System.Text.Encoding.ASCII.GetBytes(raw));
        Assert.Equal(expected, found);
        Assert.Same(found, KnownHeaderNames.Find(System.Text.Encoding.ASCII.GetBytes(raw.ToUpperInvariant())));
    }

    [Theory]
    [InlineData("X-Custom")]
    [InlineData("Hosts")]
    [InlineData("")]
    [InlineData("a-very-long-header-name-that-is-not-known-anywhere")]
    public void UnknownNamesAreNull(string raw) => Assert.Null(KnownHeaderNames.Find(System.Text.Encoding.ASCII.GetBytes(raw)));
}
