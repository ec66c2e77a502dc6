using System.Text;
using NodeHttp.Tests.Conformance;

namespace NodeHttp.Tests.Parser;

/// <summary>
/// The target-only parser (<see cref="HttpParser.CreateUrlParser"/>) and URL-part reporting: they run the request
/// parser's own target states, so a target must fare the same alone as inside a request line.
/// </summary>
public sealed class HttpUrlPartTests
{
    private const string RequestPrefix = "GET ";

    private sealed class Log
    {
        public readonly List<(HttpUrlPart Part, int Off, string Text)> Parts = [];
        public string Url = "";
        public HttpParser Parser = null!;
        public int Base;
        public HpeCode PartAnswer = HpeCode.Ok;
    }

    private readonly struct PartCallbacks(Log log) : IHttpParserCallbacks, IHttpUrlPartCallbacks
    {
        public HpeCode OnUrlPart(HttpUrlPart part, ReadOnlySpan<byte> data)
        {
            int off = log.Base + log.Parser.Position;
            string text = Encoding.Latin1.GetString(data);
            // Pieces of one part cut by input boundaries are joined, as the conformance harness does.
            if (log.Parts.Count > 0 && log.Parts[^1] is var last && last.Part == part && last.Off + last.Text.Length == off)
            {
                log.Parts[^1] = (part, last.Off, last.Text + text);
            }
            else
            {
                log.Parts.Add((part, off, text));
            }
            return log.PartAnswer;
        }

        public HpeCode OnMessageBegin() => HpeCode.Ok;
        public HpeCode OnReset() => HpeCode.Ok;
        public HpeCode OnMethod(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnMethodComplete() => HpeCode.Ok;

        public HpeCode OnUrl(ReadOnlySpan<byte> data)
        {
            log.Url += Encoding.Latin1.GetString(data);
            return HpeCode.Ok;
        }

        public HpeCode OnUrlComplete() => HpeCode.Ok;
        public HpeCode OnProtocol(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnProtocolComplete() => HpeCode.Ok;
        public HpeCode OnVersion(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnVersionComplete() => HpeCode.Ok;
        public HpeCode OnStatus(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnStatusComplete() => HpeCode.Ok;
        public HpeCode OnHeaderField(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnHeaderFieldComplete() => HpeCode.Ok;
        public HpeCode OnHeaderValue(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnHeaderValueComplete() => HpeCode.Ok;
        public HeadersCompleteAction OnHeadersComplete(HttpParser parser) => HeadersCompleteAction.Continue;
        public HpeCode OnBody(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnChunkHeader() => HpeCode.Ok;
        public HpeCode OnChunkExtensionName(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnChunkExtensionNameComplete() => HpeCode.Ok;
        public HpeCode OnChunkExtensionValue(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnChunkExtensionValueComplete() => HpeCode.Ok;
        public HpeCode OnChunkComplete() => HpeCode.Ok;
        public HpeCode OnMessageComplete() => HpeCode.Ok;
    }

    private sealed record Outcome(HpeCode Code, string? Reason, int Offset, Log Log);

    // Feeds `input` in slices of `chunk` bytes; stops at the first error, whose offset is made absolute.
    private static Outcome Parse(HttpParser parser, byte[] input, int chunk, HpeCode partAnswer = HpeCode.Ok)
    {
        var log = new Log { Parser = parser, PartAnswer = partAnswer };
        var cb = new PartCallbacks(log);
        for (int off = 0; off < input.Length; off += chunk)
        {
            log.Base = off;
            HpeCode rc = parser.Execute(input.AsSpan(off, Math.Min(chunk, input.Length - off)), ref cb);
            if (rc != HpeCode.Ok)
            {
                return new Outcome(rc, parser.ErrorReason, off + parser.ErrorOffset, log);
            }
        }
        return new Outcome(HpeCode.Ok, null, input.Length, log);
    }

    private static Outcome ParseTarget(byte[] target, int chunk) => Parse(HttpParser.CreateUrlParser(), target, chunk);

    private static Outcome ParseRequestLine(byte[] target)
    {
        byte[] request = [.. Encoding.ASCII.GetBytes(RequestPrefix), .. target, .. " HTTP/1.1\r\n\r\n"u8];
        return Parse(new HttpParser(HttpParserType.Request), request, request.Length);
    }

    // Targets beyond url.md: the host part's '?' quirk, '*', and bytes each target state rejects.
    private static readonly string[] ExtraTargets =
    [
        "http://host?q=1#f", "*", "/a\u007fb", "/a?b\u007f", "/a#b\u007f", "http://h\u007f/", "1http://h/",
        "http:/x", "http://a@b@c/", "http://[::1]:8080/p?q#f#g", "/p??q", "HTTP://H/", "/\u00e9",
    ];

    /// <summary>Every url.md input and some extra targets.</summary>
    public static TheoryData<string> Targets()
    {
        var data = new TheoryData<string>();
        foreach (var v in LlhttpVectors.All.Where(v => v.Kind == "url"))
        {
            data.Add(v.Id);
        }
        foreach (string t in ExtraTargets)
        {
            data.Add(t);
        }
        return data;
    }

    private static byte[] TargetBytes(string idOrTarget) =>
        LlhttpVectors.All.FirstOrDefault(v => v.Id == idOrTarget) is { } v ? v.Input : Encoding.Latin1.GetBytes(idOrTarget);

    [Theory]
    [MemberData(nameof(Targets))]
    public void TargetAloneAndInRequestLineAgree(string idOrTarget)
    {
        byte[] target = TargetBytes(idOrTarget);
        var alone = ParseTarget(target, target.Length);
        var inRequest = ParseRequestLine(target);
        var shifted = inRequest.Log.Parts.Select(p => (p.Part, p.Off - RequestPrefix.Length, p.Text)).ToList();

        if (alone.Code == HpeCode.Ok)
        {
            Assert.Equal(HpeCode.Ok, inRequest.Code);
            Assert.Equal(Encoding.Latin1.GetString(target), inRequest.Log.Url);
        }
        else
        {
            Assert.Equal(alone.Code, inRequest.Code);
            Assert.Equal(alone.Reason, inRequest.Reason);
            Assert.Equal(alone.Offset, inRequest.Offset - RequestPrefix.Length);
        }
        Assert.Equal(alone.Log.Parts, shifted);
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void PartsDoNotDependOnChunking(string idOrTarget)
    {
        byte[] target = TargetBytes(idOrTarget);
        var whole = ParseTarget(target, Math.Max(target.Length, 1));
        for (int k = 1; k < target.Length; k++)
        {
            var split = ParseTarget(target, k);
            Assert.Equal((whole.Code, whole.Reason, whole.Offset), (split.Code, split.Reason, split.Offset));
            if (whole.Code == HpeCode.Ok)
            {
                Assert.Equal(whole.Log.Parts, split.Log.Parts);
            }
            else
            {
                // An error reports no open span, but earlier inputs already handed over their pieces of it
                // (why llhttp's failing url.md vectors are noScan): the whole run's parts come first.
                Assert.Equal(whole.Log.Parts, split.Log.Parts.Take(whole.Log.Parts.Count));
            }
        }
    }

    [Fact]
    public void HostPartKeepsTheQuestionMarkAsInLlhttp()
    {
        // llhttp consumes the '?' before it ends the host span, so the host part carries it.
        var r = ParseTarget("http://host?q=1"u8.ToArray(), 100);
        Assert.Equal(HpeCode.Ok, r.Code);
        Assert.Equal([(HttpUrlPart.Schema, 0, "http"), (HttpUrlPart.Host, 7, "host?"), (HttpUrlPart.Query, 12, "q=1")], r.Log.Parts);
    }

    [Fact]
    public void ConnectTargetIsOneHostPart()
    {
        byte[] request = "CONNECT example.com:443 HTTP/1.1\r\n\r\n"u8.ToArray();
        var r = Parse(new HttpParser(HttpParserType.Request), request, request.Length);
        Assert.Equal(HpeCode.PausedUpgrade, r.Code);
        Assert.Equal([(HttpUrlPart.Host, 8, "example.com:443")], r.Log.Parts);
    }

    [Fact]
    public void TargetOnlyParserReadsAnotherTargetAfterASpaceOrLineBreak()
    {
        var r = ParseTarget("/a /b?c\r\n/d#e\nhttp://h/"u8.ToArray(), 3);
        Assert.Equal(HpeCode.Ok, r.Code);
        Assert.Equal(
            [
                (HttpUrlPart.Path, 0, "/a"), (HttpUrlPart.Path, 3, "/b"), (HttpUrlPart.Query, 6, "c"),
                (HttpUrlPart.Path, 9, "/d"), (HttpUrlPart.Fragment, 12, "e"),
                (HttpUrlPart.Schema, 14, "http"), (HttpUrlPart.Host, 21, "h"), (HttpUrlPart.Path, 22, "/"),
            ],
            r.Log.Parts);
    }

    [Fact]
    public void DoubleAtFailsAfterTheSecondAt()
    {
        var r = ParseRequestLine("http://a:b@@hostname:443/"u8.ToArray());
        Assert.Equal((HpeCode.InvalidUrl, "Double @ in url", RequestPrefix.Length + 12), (r.Code, r.Reason, r.Offset));
    }

    [Fact]
    public void PartCallbackErrorStopsTheParser()
    {
        var r = Parse(HttpParser.CreateUrlParser(), "http://h/"u8.ToArray(), 100, HpeCode.User);
        Assert.Equal((HpeCode.User, "Span callback error", 4), (r.Code, r.Reason, r.Offset));
    }

    [Fact]
    public void ResetKeepsTheTargetOnlyMode()
    {
        var parser = HttpParser.CreateUrlParser();
        Assert.Equal(HpeCode.InvalidUrl, Parse(parser, "\t"u8.ToArray(), 1).Code);
        parser.Reset();
        var r = Parse(parser, "/x?y"u8.ToArray(), 1);
        Assert.Equal(HpeCode.Ok, r.Code);
        Assert.Equal([(HttpUrlPart.Path, 0, "/x"), (HttpUrlPart.Query, 3, "y")], r.Log.Parts);
    }
}
