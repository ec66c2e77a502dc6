using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace NodeHttp.Tests.Parser;

/// <summary>One input for the differential run: parser type, lenient flags, header limit and the pieces fed one per execute.</summary>
internal sealed record DifferentialCase(HttpParserType Type, LenientFlags Lenient, int MaxHeaderSize, byte[][] Pieces);

/// <summary>What a parser reported for a <see cref="DifferentialCase"/>: the events and how it ended, in the oracle script's format.</summary>
internal sealed record DifferentialOutcome(IReadOnlyList<string> Events, string Result);

/// <summary>Runs cases through Node's own parser (<c>require('_http_common').HTTPParser</c>) in one node process.</summary>
internal static class NodeParserOracle
{
    public static string ScriptPath => Path.Combine(RepoPaths.Root, "tests", "NodeHttp.Tests", "Parser", "node-parser-oracle.js");

    public static List<DifferentialOutcome> Run(IReadOnlyList<DifferentialCase> cases, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo("node", $"\"{ScriptPath}\"")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var proc = Process.Start(psi) ?? throw new InvalidOperationException("could not start node");
        try
        {
            var writer = Task.Run(() =>
            {
                using var stdin = proc.StandardInput;
                foreach (var c in cases)
                {
                    var json = JsonSerializer.Serialize(new
                    {
                        type = (int)c.Type,
                        lenient = (int)c.Lenient,
                        maxHeaderSize = c.MaxHeaderSize,
                        pieces = c.Pieces.Select(Convert.ToBase64String).ToArray(),
                    });
                    stdin.WriteLine(json);
                }
            });
            var stderr = proc.StandardError.ReadToEndAsync();
            var reader = Task.Run(() =>
            {
                var results = new List<DifferentialOutcome>(cases.Count);
                string? line;
                while ((line = proc.StandardOutput.ReadLine()) is not null)
                {
                    using var doc = JsonDocument.Parse(line);
                    var events = doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetString()!).ToList();
                    var r = doc.RootElement.GetProperty("result");
                    results.Add(new DifferentialOutcome(events, FormatResult(r)));
                }
                return results;
            });
            if (!reader.Wait(timeout))
            {
                throw new TimeoutException($"node did not answer {cases.Count} cases within {timeout}");
            }
            writer.Wait(TimeSpan.FromSeconds(5));
            proc.WaitForExit(5000);
            var list = reader.Result;
            if (list.Count != cases.Count)
            {
                throw new InvalidOperationException($"node answered {list.Count} of {cases.Count} cases: {stderr.Result}");
            }
            return list;
        }
        finally
        {
            if (!proc.HasExited)
            {
                proc.Kill(entireProcessTree: true);
            }
        }
    }

    private static string FormatResult(JsonElement r)
    {
        string code = r.GetProperty("code").GetString()!;
        int piece = r.GetProperty("piece").GetInt32();
        string reason = r.TryGetProperty("reason", out var re) ? re.GetString() ?? "" : "";
        string at = r.TryGetProperty("at", out var a) ? a.GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) : "";
        return Format(piece, code, reason, at);
    }

    public static string Format(int piece, string code, string reason, string at) =>
        code is "OK" ? "OK" : code is "UPGRADE" or "STOP" ? $"{code} piece={piece} at={at}" : $"{code} piece={piece} at={at} reason={reason}";

    /// <summary>The same run through <see cref="HttpParser"/>, reported the way node_http_parser.cc reports to JavaScript.</summary>
    public static DifferentialOutcome RunManaged(DifferentialCase c)
    {
        var parser = new HttpParser(c.Type, c.Lenient, c.MaxHeaderSize);
        var rec = new NodeStyleRecorder(parser);
        var cb = new NodeStyleCallbacks(rec);
        string? result = null;
        for (int i = 0; i < c.Pieces.Length && result is null; i++)
        {
            HpeCode rc = parser.Execute(c.Pieces[i], ref cb);
            if (rc == HpeCode.PausedUpgrade)
            {
                rec.FlushBody();
                result = Format(i, "UPGRADE", "", parser.ErrorOffset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (rc != HpeCode.Ok && parser.Upgrade)
            {
                rec.FlushBody();
                result = Format(i, "STOP", "", parser.ErrorOffset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            else if (rc != HpeCode.Ok)
            {
                rec.FlushBody();
                result = Format(i, HttpParser.CodeName(rc), parser.ErrorReason ?? "", parser.ErrorOffset.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        if (result is null)
        {
            HpeCode f = parser.Finish(ref cb);
            rec.FlushBody();
            // Node's binding reports no error at the end either once the message is flagged as an upgrade
            // (node_http_parser.cc tests `!parser_.upgrade`): an upgrade whose body the input cut short ends OK.
            result = f == HpeCode.Ok || parser.Upgrade ? "OK" : Format(-1, HttpParser.CodeName(f), parser.ErrorReason ?? "Invalid EOF state", "");
        }
        return new DifferentialOutcome(rec.Events, result);
    }

    internal sealed class NodeStyleRecorder(HttpParser parser)
    {
        public readonly List<string> Events = [];
        public readonly HttpParser Parser = parser;
        public readonly List<(List<byte> Field, List<byte> Value)> Headers = [];
        public bool LastWasValue = true;
        public readonly List<byte> Url = [];
        public readonly List<byte> Status = [];
        public readonly List<byte> Body = [];

        public void FlushBody()
        {
            if (Body.Count > 0)
            {
                Events.Add("body " + Convert.ToHexStringLower([.. Body]));
                Body.Clear();
            }
        }

        public string HeaderList()
        {
            var parts = new List<string>();
            foreach (var (f, v) in Headers)
            {
                int n = v.Count;
                while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
                {
                    n--;
                }
                parts.Add(Convert.ToHexStringLower([.. f]));
                parts.Add(Convert.ToHexStringLower([.. v.GetRange(0, n)]));
            }
            Headers.Clear();
            LastWasValue = true;
            return string.Join(",", parts);
        }
    }

    internal readonly struct NodeStyleCallbacks(NodeStyleRecorder r) : IHttpParserCallbacks
    {
        public HpeCode OnMessageBegin()
        {
            r.FlushBody();
            r.Headers.Clear();
            r.LastWasValue = true;
            r.Url.Clear();
            r.Status.Clear();
            r.Events.Add("begin");
            return HpeCode.Ok;
        }

        public HpeCode OnReset() => HpeCode.Ok;
        public HpeCode OnMethod(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnMethodComplete() => HpeCode.Ok;

        public HpeCode OnUrl(ReadOnlySpan<byte> data)
        {
            r.Url.AddRange(data.ToArray());
            return HpeCode.Ok;
        }

        public HpeCode OnUrlComplete() => HpeCode.Ok;
        public HpeCode OnProtocol(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnProtocolComplete() => HpeCode.Ok;
        public HpeCode OnVersion(ReadOnlySpan<byte> data) => HpeCode.Ok;
        public HpeCode OnVersionComplete() => HpeCode.Ok;

        public HpeCode OnStatus(ReadOnlySpan<byte> data)
        {
            r.Status.AddRange(data.ToArray());
            return HpeCode.Ok;
        }

        public HpeCode OnStatusComplete() => HpeCode.Ok;

        public HpeCode OnHeaderField(ReadOnlySpan<byte> data)
        {
            if (r.LastWasValue)
            {
                r.Headers.Add(([], []));
                r.LastWasValue = false;
            }
            r.Headers[^1].Field.AddRange(data.ToArray());
            return HpeCode.Ok;
        }

        public HpeCode OnHeaderFieldComplete() => HpeCode.Ok;

        public HpeCode OnHeaderValue(ReadOnlySpan<byte> data)
        {
            r.LastWasValue = true;
            r.Headers[^1].Value.AddRange(data.ToArray());
            return HpeCode.Ok;
        }

        public HpeCode OnHeaderValueComplete() => HpeCode.Ok;

        public HeadersCompleteAction OnHeadersComplete(HttpParser parser)
        {
            bool req = parser.Type == HttpParserType.Request;
            string who = req ? ((int)parser.Method).ToString(System.Globalization.CultureInfo.InvariantCulture) : parser.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string text = Convert.ToHexStringLower(req ? [.. r.Url] : [.. r.Status]);
            r.Events.Add($"head {who} {text} {parser.HttpMajor}.{parser.HttpMinor} {(parser.Upgrade ? 1 : 0)} {(parser.ShouldKeepAlive ? 1 : 0)} {r.HeaderList()}");
            r.Url.Clear();
            return HeadersCompleteAction.Continue;
        }

        public HpeCode OnBody(ReadOnlySpan<byte> data)
        {
            r.Body.AddRange(data.ToArray());
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
            r.FlushBody();
            if (r.Headers.Count > 0)
            {
                r.Events.Add("trailers " + r.HeaderList());
            }
            r.Events.Add("complete");
            return HpeCode.Ok;
        }
    }
}
