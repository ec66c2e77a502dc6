namespace NodeHttp.Tests.Buffers;

/// <summary>Node's string_decoder: characters split across chunks (test/parallel/test-string-decoder.js).</summary>
public class StringDecoderTests
{
    private static string Decode(string encoding, byte[] bytes, params int[] cuts)
    {
        var decoder = new StringDecoder(encoding);
        var text = new System.Text.StringBuilder();
        int at = 0;
        foreach (int cut in cuts.Append(bytes.Length))
        {
            text.Append(decoder.Write(bytes.AsSpan(at, cut - at)));
            at = cut;
        }
        return text.Append(decoder.End()).ToString();
    }

    [Fact]
    public void Utf8_four_byte_character_split_at_every_position()
    {
        byte[] bytes = [0x61, 0xF0, 0x9F, 0x98, 0x80, 0x62]; // a😀b
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            var decoder = new StringDecoder();
            string first = decoder.Write(bytes.AsSpan(0, cut));
            string second = decoder.Write(bytes.AsSpan(cut));
            Assert.Equal("a\uD83D\uDE00b", first + second + decoder.End());
            // No half character is ever handed out.
            Assert.False(first.Length > 0 && char.IsHighSurrogate(first[^1]));
        }
        for (int a = 1; a < bytes.Length; a++)
        {
            for (int b = a; b < bytes.Length; b++)
            {
                Assert.Equal("a\uD83D\uDE00b", Decode("utf8", bytes, a, b));
            }
        }
    }

    [Fact]
    public void Utf8_byte_by_byte()
    {
        byte[] bytes = NodeBuffer.From("€ é 日本 😀").ToArray();
        var decoder = new StringDecoder("utf-8");
        var parts = new List<string>();
        foreach (byte b in bytes)
        {
            parts.Add(decoder.Write([b]));
        }
        parts.Add(decoder.End());
        Assert.Equal("€ é 日本 😀", string.Concat(parts));
        Assert.Equal(["", "", "€"], parts.Take(3));
    }

    [Fact]
    public void Utf8_incomplete_at_end_is_one_replacement_character()
    {
        var decoder = new StringDecoder();
        Assert.Equal("", decoder.Write([0xE2, 0x82]));
        Assert.Equal("\uFFFD", decoder.End());
        // The decoder is reusable after End.
        Assert.Equal("a", decoder.Write("a"u8));
    }

    [Fact]
    public void Utf8_interrupted_sequence_is_replaced_and_the_new_byte_kept()
    {
        var decoder = new StringDecoder();
        Assert.Equal("", decoder.Write([0xE2]));
        Assert.Equal("\uFFFDA", decoder.Write("A"u8));
    }

    [Fact]
    public void Utf16le_odd_split_and_surrogate_pair_split()
    {
        byte[] bytes = NodeBuffer.From("a😀b", "utf16le").ToArray(); // 61 00 3d d8 00 de 62 00
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            Assert.Equal("a😀b", Decode("utf16le", bytes, cut));
        }
        var decoder = new StringDecoder("ucs2");
        Assert.Equal("a", decoder.Write([0x61, 0x00, 0x3D, 0xD8]));
        Assert.Equal("\uD83D\uDE00", decoder.Write([0x00, 0xDE]));
        Assert.Equal("", decoder.Write([0x41]));
        Assert.Equal("", decoder.End()); // odd trailing byte dropped
    }

    [Fact]
    public void Utf16le_pending_high_surrogate_is_emitted_at_end()
    {
        var decoder = new StringDecoder("utf16le");
        Assert.Equal("", decoder.Write([0x3D, 0xD8]));
        Assert.Equal("\uD83D", decoder.End());
    }

    [Fact]
    public void Base64_emits_whole_groups_and_pads_at_end()
    {
        var decoder = new StringDecoder("base64");
        Assert.Equal("", decoder.Write("a"u8));
        Assert.Equal("YWJj", decoder.Write("bc"u8));
        Assert.Equal("ZA==", decoder.End("d"u8));
        var url = new StringDecoder("base64url");
        Assert.Equal("", url.Write([0xFB, 0xFF]));
        Assert.Equal("-_8", url.End());
        byte[] bytes = NodeBuffer.From("hello world!!").ToArray();
        for (int cut = 0; cut <= bytes.Length; cut++)
        {
            Assert.Equal(NodeBuffer.From(bytes).ToString("base64"), Decode("base64", bytes, cut));
        }
    }

    [Theory]
    [InlineData("hex", "deadbeef")]
    [InlineData("latin1", "\u00de\u00ad\u00be\u00ef")]
    [InlineData("binary", "\u00de\u00ad\u00be\u00ef")]
    [InlineData("ascii", "^->o")]
    public void Single_byte_encodings_decode_chunk_by_chunk(string encoding, string expected)
    {
        var decoder = new StringDecoder(encoding);
        Assert.Equal(expected[..(expected.Length / 2)], decoder.Write(NodeBuffer.From([0xDE, 0xAD])));
        Assert.Equal(expected[(expected.Length / 2)..], decoder.Write(NodeBuffer.From([0xBE, 0xEF])));
        Assert.Equal("", decoder.End());
    }

    [Theory]
    [InlineData("utf8", "utf8")]
    [InlineData("UTF-8", "utf8")]
    [InlineData("ucs2", "utf16le")]
    [InlineData("utf-16le", "utf16le")]
    [InlineData("binary", "latin1")]
    [InlineData("ascii", "ascii")]
    [InlineData("Base64", "base64")]
    [InlineData("base64url", "base64url")]
    [InlineData("hex", "hex")]
    public void Encoding_is_the_canonical_name(string given, string canonical)
        => Assert.Equal(canonical, new StringDecoder(given).Encoding);

    [Fact]
    public void Default_is_utf8_and_end_with_a_buffer_writes_first()
    {
        var decoder = new StringDecoder();
        Assert.Equal("utf8", decoder.Encoding);
        Assert.Equal("", decoder.Write([0xE2, 0x82]));
        Assert.Equal("€", decoder.End(NodeBuffer.From([0xAC])));
        Assert.Throws<ArgumentNullException>(() => decoder.Write((NodeBuffer)null!));
    }
}
