using System.Diagnostics;
using System.Text;

namespace NodeHttp.Tests.Buffers;

/// <summary>
/// NodeBuffer and StringDecoder against outputs recorded from node (NodeOracleData), plus one test that asks the
/// node on the machine directly when there is one.
/// </summary>
public class BufferOracleTests
{
    [Fact]
    public void From_matches_node_for_every_recorded_input()
    {
        var failures = new List<string>();
        foreach (var (text, encoding, hex) in NodeOracleData.FromString)
        {
            string actual = Convert.ToHexStringLower(NodeBuffer.From(text, encoding).Span);
            if (actual != hex)
            {
                failures.Add($"From({Escape(text)}, {encoding}) = {actual}, node {hex}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(12)));
    }

    [Fact]
    public void ByteLength_matches_node_for_every_recorded_input()
    {
        var failures = new List<string>();
        foreach (var (text, encoding, length) in NodeOracleData.ByteLength)
        {
            int actual = NodeBuffer.ByteLength(text, encoding);
            if (actual != length)
            {
                failures.Add($"ByteLength({Escape(text)}, {encoding}) = {actual}, node {length}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(12)));
    }

    [Fact]
    public void ToString_matches_node_for_every_recorded_input()
    {
        var failures = new List<string>();
        foreach (var (hex, encoding, text) in NodeOracleData.ToText)
        {
            string actual = NodeBuffer.From(Convert.FromHexString(hex)).ToString(encoding);
            if (actual != text)
            {
                failures.Add($"[{hex}].ToString({encoding}) = {Escape(actual)}, node {Escape(text)}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(12)));
    }

    [Fact]
    public void StringDecoder_matches_node_chunk_by_chunk()
    {
        var failures = new List<string>();
        foreach (var (encoding, chunks, outputs) in NodeOracleData.Decoder)
        {
            var decoder = new StringDecoder(encoding);
            var actual = chunks.Split('|').Select(c => decoder.Write(Convert.FromHexString(c))).ToList();
            actual.Add(decoder.End());
            if (!actual.SequenceEqual(outputs))
            {
                failures.Add($"{encoding} {chunks}: [{string.Join(", ", actual.Select(Escape))}], node [{string.Join(", ", outputs.Select(Escape))}]");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(12)));
    }

    /// <summary>
    /// Random bytes, random chunkings, every encoding: compares with node live (skipped quietly when node is absent).
    /// </summary>
    [Fact]
    public void Random_inputs_match_live_node()
    {
        string? node = FindNode();
        if (node is null)
        {
            return;
        }
        var random = new Random(20);
        string[] encodings = ["utf8", "utf16le", "latin1", "ascii", "base64", "base64url", "hex"];
        var cases = new List<(byte[] Bytes, int[] Cuts, string Encoding, string Text)>();
        for (int i = 0; i < 300; i++)
        {
            // Biased towards bytes that make UTF-8 and UTF-16 interesting.
            byte[] bytes = new byte[random.Next(0, 14)];
            for (int j = 0; j < bytes.Length; j++)
            {
                bytes[j] = (random.Next(4)) switch
                {
                    0 => (byte)random.Next(0x20, 0x7F),
                    1 => (byte)random.Next(0x80, 0xC0),
                    2 => (byte)random.Next(0xC0, 0x100),
                    _ => (byte)(0xD8 + random.Next(8)),
                };
            }
            int[] cuts = Enumerable.Range(1, Math.Max(0, bytes.Length - 1)).Where(_ => random.Next(3) == 0).ToArray();
            string text = RandomString(random);
            cases.Add((bytes, cuts, encodings[i % encodings.Length], text));
        }

        var script = new StringBuilder();
        script.Append("const {StringDecoder}=require('string_decoder');const out=[];const cases=[");
        foreach (var c in cases)
        {
            script.Append("['").Append(Convert.ToHexStringLower(c.Bytes)).Append("',[").Append(string.Join(',', c.Cuts))
                .Append("],'").Append(c.Encoding).Append("',").Append(JsString(c.Text)).Append("],");
        }
        script.Append("];for(const [hex,cuts,enc,text] of cases){const b=Buffer.from(hex,'hex');const d=new StringDecoder(enc);const parts=[];let at=0;")
            .Append("for(const c of [...cuts,b.length]){parts.push(d.write(b.subarray(at,c)));at=c;}parts.push(d.end());")
            .Append("const u=s=>Buffer.from(s,'utf16le').toString('hex');out.push([u(b.toString(enc)),parts.map(u),Buffer.from(text,enc).toString('hex'),Buffer.byteLength(text,enc)]);}")
            .Append("process.stdout.write(JSON.stringify(out));");

        string json = RunNode(node, script.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var failures = new List<string>();
        int index = 0;
        foreach (var row in doc.RootElement.EnumerateArray())
        {
            var c = cases[index++];
            var buffer = NodeBuffer.From(c.Bytes);
            string decoded = buffer.ToString(c.Encoding);
            if (decoded != FromUtf16Hex(row[0].GetString()!))
            {
                failures.Add($"[{Convert.ToHexStringLower(c.Bytes)}].ToString({c.Encoding}) = {Escape(decoded)}, node {Escape(FromUtf16Hex(row[0].GetString()!)!)}");
            }
            var decoder = new StringDecoder(c.Encoding);
            var parts = new List<string>();
            int at = 0;
            foreach (int cut in c.Cuts.Append(c.Bytes.Length))
            {
                parts.Add(decoder.Write(c.Bytes.AsSpan(at, cut - at)));
                at = cut;
            }
            parts.Add(decoder.End());
            var expectedParts = row[1].EnumerateArray().Select(e => FromUtf16Hex(e.GetString()!)).ToArray();
            if (!parts.SequenceEqual(expectedParts))
            {
                failures.Add($"decoder {c.Encoding} [{Convert.ToHexStringLower(c.Bytes)}] cuts [{string.Join(',', c.Cuts)}]: [{string.Join(", ", parts.Select(Escape))}], node [{string.Join(", ", expectedParts.Select(Escape))}]");
            }
            string encoded = Convert.ToHexStringLower(NodeBuffer.From(c.Text, c.Encoding).Span);
            if (encoded != row[2].GetString())
            {
                failures.Add($"From({Escape(c.Text)}, {c.Encoding}) = {encoded}, node {row[2].GetString()}");
            }
            int length = NodeBuffer.ByteLength(c.Text, c.Encoding);
            if (length != row[3].GetInt32())
            {
                failures.Add($"ByteLength({Escape(c.Text)}, {c.Encoding}) = {length}, node {row[3].GetInt32()}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(12)));
    }

    /// <summary>JSON cannot carry lone surrogates, so node sends strings as their UTF-16LE bytes in hex.</summary>
    private static string FromUtf16Hex(string hex)
    {
        byte[] raw = Convert.FromHexString(hex);
        var chars = new char[raw.Length / 2];
        for (int i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)(raw[2 * i] | (raw[(2 * i) + 1] << 8));
        }
        return new string(chars);
    }

    private static string RandomString(Random random)
    {
        const string pool = "aZ09+/-_= \n\t*é€\u0161\u0141\uD83D\uDE00\uD800\uDC00\uFFFF\u00FF\u0100";
        var sb = new StringBuilder();
        int n = random.Next(0, 12);
        for (int i = 0; i < n; i++)
        {
            sb.Append(pool[random.Next(pool.Length)]);
        }
        return sb.ToString();
    }

    private static string JsString(string s)
    {
        var sb = new StringBuilder("'");
        foreach (char ch in s)
        {
            sb.Append(ch is >= ' ' and < '\x7f' and not '\'' and not '\\' ? ch.ToString() : $"\\u{(int)ch:x4}");
        }
        return sb.Append('\'').ToString();
    }

    internal static string Escape(string s)
    {
        var sb = new StringBuilder("\"");
        foreach (char ch in s)
        {
            sb.Append(ch is >= ' ' and < '\x7f' ? ch.ToString() : $"\\u{(int)ch:X4}");
        }
        return sb.Append('"').ToString();
    }

    internal static string? FindNode()
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "node.exe" : "node");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    internal static string RunNode(string node, string script)
    {
        var psi = new ProcessStartInfo(node)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi)!;
        process.StandardInput.Write(script);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(20_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("node did not answer within 20 s");
        }
        Assert.True(process.ExitCode == 0, "node failed: " + stderr.Result);
        return stdout.Result;
    }
}
