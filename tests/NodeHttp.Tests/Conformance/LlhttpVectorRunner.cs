using System.Globalization;
using System.Text;

namespace NodeHttp.Tests.Conformance;

/// <summary>Runs one <see cref="LlhttpVector"/> through <see cref="HttpParser"/> and compares its event log with the expected one.</summary>
internal static class LlhttpVectorRunner
{
    /// <summary>Runs whole and with every chunk size; returns null on success, else a description of the first mismatch.</summary>
    public static string? Run(LlhttpVector v)
    {
        int n = v.Input.Length;
        var sizes = v.NoScan || n == 0 ? [Math.Max(n, 1)] : Enumerable.Range(1, n).Reverse().ToArray();
        foreach (int k in sizes)
        {
            var actual = RunOnce(v, k);
            string? diff = Compare(v.ExpectedLog, actual);
            if (diff is not null)
            {
                return $"chunk size {k}: {diff}\n--- actual ---\n{string.Join("\n", actual)}";
            }
        }
        return null;
    }

    public static List<string> RunOnce(LlhttpVector v, int k) =>
        v.Kind == "url" ? RunUrlOnce(v, k) : RunHttpOnce(v, k);

    // url.md: a target-only parser (llhttp's URL fixture), its parts logged as url.schema, url.host...
    private static List<string> RunUrlOnce(LlhttpVector v, int k)
    {
        var parser = HttpParser.CreateUrlParser();
        var log = new EventLog(parser, null, false);
        var cb = new UrlLoggingCallbacks(log);
        Feed(parser, log, v.Input, k, ref cb);
        return log.Render();
    }

    private static List<string> RunHttpOnce(LlhttpVector v, int k)
    {
        string type = v.Type;
        bool finish = type.EndsWith("-finish", StringComparison.Ordinal);
        HttpParserType ptype = type.StartsWith("request", StringComparison.Ordinal) ? HttpParserType.Request : HttpParserType.Response;
        LenientFlags lenient = LenientFlags.None;
        int li = type.IndexOf("-lenient-", StringComparison.Ordinal);
        if (li >= 0)
        {
            lenient = type[(li + 9)..] switch
            {
                "headers" => LenientFlags.Headers,
                "chunked-length" => LenientFlags.ChunkedLength,
                "keep-alive" => LenientFlags.KeepAlive,
                "transfer-encoding" => LenientFlags.TransferEncoding,
                "version" => LenientFlags.Version,
                "data-after-close" => LenientFlags.DataAfterClose,
                "optional-lf-after-cr" => LenientFlags.OptionalLfAfterCr,
                "optional-cr-before-lf" => LenientFlags.OptionalCrBeforeLf,
                "optional-crlf-after-chunk" => LenientFlags.OptionalCrlfAfterChunk,
                "spaces-after-chunk-size" => LenientFlags.SpacesAfterChunkSize,
                "header-value-relaxed" => LenientFlags.HeaderValueRelaxed,
                "all" => (LenientFlags)0x1ff,
                var other => throw new InvalidOperationException("unknown lenient type " + other),
            };
        }

        var parser = new HttpParser(ptype, lenient, int.MaxValue);
        var log = new EventLog(parser, v.Pause, v.SkipBody);
        var cb = new LoggingCallbacks(log);
        Feed(parser, log, v.Input, k, ref cb);
        if (finish)
        {
            log.Add($"off=NULL finish={parser.FinishState}");
        }
        return log.Render();
    }

    // The harness's execute loop: slices of k bytes, resume after a pause within the slice, stop at an error.
    private static void Feed<TCallbacks>(HttpParser parser, EventLog log, byte[] input, int k, ref TCallbacks cb)
        where TCallbacks : struct, IHttpParserCallbacks
    {
        bool stopped = false;
        for (int off = 0; off < input.Length && !stopped; off += k)
        {
            var slice = input.AsSpan(off, Math.Min(k, input.Length - off));
            int start = 0;
            while (true)
            {
                log.Base = off + start;
                HpeCode rc = parser.Execute(slice[start..], ref cb);
                if (rc == HpeCode.Ok)
                {
                    break;
                }
                int at = log.Base + parser.ErrorOffset;
                if (rc == HpeCode.Paused)
                {
                    log.Add($"off={at} pause");
                    parser.Resume();
                    start += parser.ErrorOffset;
                    continue;
                }
                log.Add($"off={at} error code={(int)rc} reason=\"{parser.ErrorReason}\"");
                stopped = true;
                break;
            }
        }
    }

    private static string? Compare(IReadOnlyList<string> expected, List<string> actual)
    {
        for (int i = 0; i < Math.Max(expected.Count, actual.Count); i++)
        {
            string? e = i < expected.Count ? expected[i] : null;
            string? a = i < actual.Count ? actual[i] : null;
            if (e != a)
            {
                return $"line {i + 1}: expected [{e}] got [{a}]";
            }
        }
        return null;
    }

    /// <summary>The harness's log, with span pieces kept as bytes so pieces of one span join before rendering.</summary>
    internal sealed class EventLog(HttpParser parser, string? pause, bool skipBody)
    {
        private readonly List<(string? Text, string? Span, int Off, List<byte>? Bytes)> entries = [];

        public HttpParser Parser { get; } = parser;
        public string? PauseAt { get; } = pause;
        public bool SkipBody { get; } = skipBody;
        public int Base { get; set; }

        public int Off => Base + Parser.Position;

        public void Add(string line) => entries.Add((line, null, 0, null));

        public HpeCode Event(string name, string line)
        {
            Add($"off={Off} {line}");
            return PauseAt == name ? HpeCode.Paused : HpeCode.Ok;
        }

        public HpeCode Span(string name, ReadOnlySpan<byte> data)
        {
            int off = Off;
            for (int i = entries.Count - 1; i >= 0; i--)
            {
                var e = entries[i];
                if (e.Span == name)
                {
                    if (e.Off + e.Bytes!.Count == off)
                    {
                        entries.RemoveAt(i);
                        e.Bytes.AddRange(data.ToArray());
                        entries.Add(e);
                        return HpeCode.Ok;
                    }
                    break;
                }
            }
            entries.Add((null, name, off, [.. data.ToArray()]));
            return HpeCode.Ok;
        }

        public List<string> Render()
        {
            var lines = new List<string>();
            foreach (var e in entries)
            {
                if (e.Text is not null)
                {
                    lines.Add(e.Text);
                    continue;
                }
                var bytes = e.Bytes!;
                if (bytes.Count == 0)
                {
                    lines.Add($"off={e.Off} len=0 span[{e.Span}]=\"\"");
                    continue;
                }
                int i = 0;
                while (i < bytes.Count)
                {
                    byte b = bytes[i];
                    if (b == '\r' || b == '\n')
                    {
                        lines.Add($"off={e.Off + i} len=1 span[{e.Span}]={(b == '\r' ? "cr" : "lf")}");
                        i++;
                        continue;
                    }
                    int j = i;
                    while (j < bytes.Count && bytes[j] != '\r' && bytes[j] != '\n')
                    {
                        j++;
                    }
                    string text = Encoding.UTF8.GetString(bytes.GetRange(i, j - i).ToArray());
                    lines.Add($"off={e.Off + i} len={j - i} span[{e.Span}]=\"{text}\"");
                    i = j;
                }
            }
            return lines;
        }
    }

    internal struct LoggingCallbacks(EventLog log) : IHttpParserCallbacks
    {
        public readonly HpeCode OnMessageBegin() => log.Event("on_message_begin", "message begin");
        public readonly HpeCode OnReset() => log.Event("on_reset", "reset");
        public readonly HpeCode OnMethod(ReadOnlySpan<byte> data) => log.Span("method", data);
        public readonly HpeCode OnMethodComplete() => log.Event("on_method_complete", "method complete");
        public readonly HpeCode OnUrl(ReadOnlySpan<byte> data) => log.Span("url", data);
        public readonly HpeCode OnUrlComplete() => log.Event("on_url_complete", "url complete");
        public readonly HpeCode OnProtocol(ReadOnlySpan<byte> data) => log.Span("protocol", data);
        public readonly HpeCode OnProtocolComplete() => log.Event("on_protocol_complete", "protocol complete");
        public readonly HpeCode OnVersion(ReadOnlySpan<byte> data) => log.Span("version", data);
        public readonly HpeCode OnVersionComplete() => log.Event("on_version_complete", "version complete");
        public readonly HpeCode OnStatus(ReadOnlySpan<byte> data) => log.Span("status", data);
        public readonly HpeCode OnStatusComplete() => log.Event("on_status_complete", "status complete");
        public readonly HpeCode OnHeaderField(ReadOnlySpan<byte> data) => log.Span("header_field", data);
        public readonly HpeCode OnHeaderFieldComplete() => log.Event("on_header_field_complete", "header_field complete");
        public readonly HpeCode OnHeaderValue(ReadOnlySpan<byte> data) => log.Span("header_value", data);
        public readonly HpeCode OnHeaderValueComplete() => log.Event("on_header_value_complete", "header_value complete");

        public readonly HeadersCompleteAction OnHeadersComplete(HttpParser parser)
        {
            string who = parser.Type == HttpParserType.Request
                ? $"method={(int)parser.Method}"
                : $"status={parser.StatusCode}";
            string flags = ((int)parser.Flags).ToString("x", CultureInfo.InvariantCulture);
            log.Add($"off={log.Off} headers complete {who} v={parser.HttpMajor}/{parser.HttpMinor} flags={flags} content_length={parser.ContentLength}");
            if (log.SkipBody)
            {
                log.Add($"off={log.Off} skip body");
                return HeadersCompleteAction.SkipBody;
            }
            return log.PauseAt == "on_headers_complete" ? HeadersCompleteAction.Pause : HeadersCompleteAction.Continue;
        }

        public readonly HpeCode OnBody(ReadOnlySpan<byte> data) => log.Span("body", data);
        public readonly HpeCode OnChunkHeader() => log.Event("on_chunk_header", $"chunk header len={log.Parser.ContentLength}");
        public readonly HpeCode OnChunkExtensionName(ReadOnlySpan<byte> data) => log.Span("chunk_extension_name", data);
        public readonly HpeCode OnChunkExtensionNameComplete() => log.Event("on_chunk_extension_name", "chunk_extension_name complete");
        public readonly HpeCode OnChunkExtensionValue(ReadOnlySpan<byte> data) => log.Span("chunk_extension_value", data);
        public readonly HpeCode OnChunkExtensionValueComplete() => log.Event("on_chunk_extension_value", "chunk_extension_value complete");
        public readonly HpeCode OnChunkComplete() => log.Event("on_chunk_complete", "chunk complete");
        public readonly HpeCode OnMessageComplete() => log.Event("on_message_complete", "message complete");
    }

    /// <summary>Logs only the target's parts, as llhttp's URL fixture does (its whole-url span is a stub there).</summary>
    internal readonly struct UrlLoggingCallbacks(EventLog log) : IHttpParserCallbacks, IHttpUrlPartCallbacks
    {
        public HpeCode OnUrlPart(HttpUrlPart part, ReadOnlySpan<byte> data) => log.Span(part switch
        {
            HttpUrlPart.Schema => "url.schema",
            HttpUrlPart.Host => "url.host",
            HttpUrlPart.Path => "url.path",
            HttpUrlPart.Query => "url.query",
            _ => "url.fragment",
        }, data);

        public HpeCode OnMessageBegin() => HpeCode.Ok;
        public HpeCode OnReset() => HpeCode.Ok;
        public HpeCode OnMethod(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnMethodComplete() => HpeCode.Ok;
        public HpeCode OnUrl(ReadOnlySpan<byte> data) => HpeCode.Ok;
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
}
