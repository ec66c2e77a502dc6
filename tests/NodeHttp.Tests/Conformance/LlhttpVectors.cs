using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace NodeHttp.Tests.Conformance;

/// <summary>One test of llhttp's markdown vectors: where it is, its settings, its input bytes and the expected log.</summary>
internal sealed record LlhttpVector(
    string Id,
    string Kind,
    string Type,
    bool NoScan,
    string? Pause,
    bool SkipBody,
    byte[] Input,
    IReadOnlyList<string> ExpectedLog);

/// <summary>Reads llhttp's test/*.md files as the upstream harness does (rules in ../shared/conformance/llhttp/README.md).</summary>
internal static partial class LlhttpVectors
{
    public static string Folder => Path.Combine(RepoPaths.Shared, "conformance", "llhttp");

    private static readonly Lazy<IReadOnlyList<LlhttpVector>> all = new(Load);

    public static IReadOnlyList<LlhttpVector> All => all.Value;

    public static LlhttpVector Get(string id) => All.Single(v => v.Id == id);

    private static IReadOnlyList<LlhttpVector> Load()
    {
        var files = Directory.GetFiles(Path.Combine(Folder, "request"), "*.md")
            .Concat(Directory.GetFiles(Path.Combine(Folder, "response"), "*.md"))
            .Append(Path.Combine(Folder, "url.md"))
            .OrderBy(f => f, StringComparer.Ordinal);
        var result = new List<LlhttpVector>();
        foreach (string file in files)
        {
            string rel = Path.GetRelativePath(Folder, file).Replace('\\', '/');
            result.AddRange(ParseFile(rel, File.ReadAllText(file)));
        }
        return result;
    }

    private static IEnumerable<LlhttpVector> ParseFile(string rel, string text)
    {
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        int headingLine = -1;
        string? meta = null;
        string? inputKind = null;
        List<string>? input = null;
        List<string>? log = null;

        LlhttpVector? Flush()
        {
            LlhttpVector? v = null;
            if (headingLine >= 0 && input is not null && log is not null)
            {
                using var doc = JsonDocument.Parse(meta ?? "{}");
                var root = doc.RootElement;
                string type = root.TryGetProperty("type", out var t) ? t.GetString()! : "url";
                v = new LlhttpVector(
                    $"{rel}:{headingLine}",
                    inputKind!,
                    type,
                    root.TryGetProperty("noScan", out var ns) && ns.GetBoolean(),
                    root.TryGetProperty("pause", out var pz) ? pz.GetString() : null,
                    root.TryGetProperty("skipBody", out var sb) && sb.GetBoolean(),
                    DecodeInput(input),
                    [.. log.Where(l => l.Length > 0).Select(l => l.Replace("\\t", "\t", StringComparison.Ordinal).Replace("\\f", "\f", StringComparison.Ordinal))]);
            }
            meta = null;
            input = null;
            log = null;
            return v;
        }

        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (line.StartsWith('#'))
            {
                if (Flush() is { } v)
                {
                    yield return v;
                }
                headingLine = line.StartsWith("##", StringComparison.Ordinal) ? i + 1 : -1;
                continue;
            }
            var m = MetaRegex().Match(line);
            if (m.Success)
            {
                meta = m.Groups[1].Value;
                continue;
            }
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                string info = line[3..].Trim();
                var body = new List<string>();
                for (i++; i < lines.Length && !lines[i].StartsWith("```", StringComparison.Ordinal); i++)
                {
                    body.Add(lines[i]);
                }
                if (info == "log")
                {
                    log = body;
                }
                else
                {
                    inputKind = info;
                    input = body;
                }
            }
        }
        if (Flush() is { } last)
        {
            yield return last;
        }
    }

    /// <summary>The README's input rules: join with LF, drop backslash-newline, CRLF line ends, escapes, UTF-8.</summary>
    public static byte[] DecodeInput(List<string> lines)
    {
        string s = string.Join("\n", lines);
        s = s.Replace("\\\n", "", StringComparison.Ordinal);
        s = s.Replace("\n", "\r\n", StringComparison.Ordinal);
        s = s.Replace("\\r", "\r", StringComparison.Ordinal)
            .Replace("\\n", "\n", StringComparison.Ordinal)
            .Replace("\\t", "\t", StringComparison.Ordinal)
            .Replace("\\f", "\f", StringComparison.Ordinal);
        s = HexRegex().Replace(s, m => char.ConvertFromUtf32(int.Parse(m.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        s = OctalRegex().Replace(s, m => char.ConvertFromUtf32(Convert.ToInt32(m.Groups[1].Value, 8)));
        return Encoding.UTF8.GetBytes(s);
    }

    [GeneratedRegex(@"^<!--\s*meta=(\{.*\})\s*-->")]
    private static partial Regex MetaRegex();

    [GeneratedRegex(@"\\x([0-9a-fA-F]+)")]
    private static partial Regex HexRegex();

    [GeneratedRegex(@"\\([0-7]{1,3})")]
    private static partial Regex OctalRegex();
}
