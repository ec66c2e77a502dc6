namespace NodeHttp.Tests.Buffers;

/// <summary>NodeBuffer's Buffer API; expected values were checked against node 20.</summary>
public class NodeBufferTests
{
    private static readonly NodeBuffer Hello = NodeBuffer.From("hello world");

    [Theory]
    [InlineData("utf8")]
    [InlineData("utf-8")]
    [InlineData("UTF-8")]
    [InlineData("ucs2")]
    [InlineData("ucs-2")]
    [InlineData("utf16le")]
    [InlineData("utf-16le")]
    [InlineData("UTF16LE")]
    [InlineData("latin1")]
    [InlineData("binary")]
    [InlineData("BINARY")]
    [InlineData("ascii")]
    [InlineData("base64")]
    [InlineData("base64url")]
    [InlineData("hex")]
    [InlineData("Hex")]
    public void Every_encoding_and_alias_is_known_and_round_trips(string encoding)
    {
        Assert.True(NodeBuffer.IsEncoding(encoding));
        var bytes = NodeBuffer.From([0x00, 0x41, 0x7F, 0x10, 0x20, 0x66]);
        // Every encoding round-trips plain ASCII bytes (utf16le needs an even count: 6 bytes).
        Assert.Equal(bytes, NodeBuffer.From(bytes.ToString(encoding), encoding));
    }

    [Theory]
    [InlineData("utf16")]
    [InlineData("base-64")]
    [InlineData("utf32")]
    [InlineData("foo")]
    public void Unknown_encodings_are_a_TypeError(string encoding)
    {
        Assert.False(NodeBuffer.IsEncoding(encoding));
        var ex = Assert.Throws<NodeHttpException>(() => NodeBuffer.From("ab", encoding));
        Assert.Equal("ERR_UNKNOWN_ENCODING", ex.Code);
        Assert.Equal(ErrorKind.TypeError, ex.Kind);
        Assert.Equal("Unknown encoding: " + encoding, ex.Message);
        Assert.Throws<NodeHttpException>(() => Hello.ToString(encoding));
        Assert.Throws<NodeHttpException>(() => new StringDecoder(encoding));
    }

    [Fact]
    public void Empty_encoding_is_utf8_for_From_but_not_for_ToString_as_in_node()
    {
        Assert.False(NodeBuffer.IsEncoding(""));
        Assert.Equal("c3a9", NodeBuffer.From("é", "").ToString("hex"));
        Assert.Throws<NodeHttpException>(() => Hello.ToString(""));
        // node: Buffer.byteLength('a', 'foo') counts utf8 rather than throwing.
        Assert.Equal(2, NodeBuffer.ByteLength("é", "foo"));
    }

    [Fact]
    public void ToString_without_encoding_is_utf8()
    {
        Assert.Equal("hello world", Hello.ToString());
        Assert.Equal("\uFFFD", NodeBuffer.From([0xC3]).ToString());
    }

    [Theory]
    [InlineData(-5, null, "world")]
    [InlineData(2, -3, "llo wo")]
    [InlineData(-100, 3, "hel")]
    [InlineData(5, 2, "")]
    [InlineData(20, null, "")]
    [InlineData(0, 100, "hello world")]
    [InlineData(3, 3, "")]
    public void Slice_follows_node_offsets(int start, int? end, string expected)
    {
        Assert.Equal(expected, Hello.Slice(start, end).ToString());
        Assert.Equal(expected, Hello.Subarray(start, end).ToString());
    }

    [Fact]
    public void Slice_shares_the_bytes()
    {
        byte[] backing = [1, 2, 3, 4, 5];
        var whole = NodeBuffer.Wrap(backing);
        var part = whole.Slice(1, 4);
        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(part.Memory, out var segment));
        Assert.Same(backing, segment.Array);
        Assert.Equal(1, segment.Offset);
        Assert.Equal(3, part.Length);
        Assert.Same(whole, whole.Slice(0));
        Assert.Same(NodeBuffer.Empty, whole.Slice(4, 1));
    }

    [Theory]
    [InlineData(-3, 5, "hello")]
    [InlineData(4, 2, "")]
    [InlineData(6, 100, "world")]
    [InlineData(20, null, "")]
    [InlineData(2, -1, "")]
    [InlineData(0, null, "hello world")]
    public void ToString_with_a_range_clamps_as_node(int start, int? end, string expected)
        => Assert.Equal(expected, Hello.ToString("utf8", start, end));

    [Fact]
    public void ToString_range_applies_the_encoding()
        => Assert.Equal("6c6c", Hello.ToString("hex", 2, 4));

    [Fact]
    public void Concat_joins_in_order_and_honours_totalLength()
    {
        var ab = NodeBuffer.From("ab");
        var cd = NodeBuffer.From("cd");
        Assert.Equal("abcd", NodeBuffer.Concat([ab, cd]).ToString());
        Assert.Equal("abc", NodeBuffer.Concat([ab, cd], 3).ToString());
        Assert.Equal("61620000", NodeBuffer.Concat([ab], 4).ToString("hex"));
        Assert.Same(NodeBuffer.Empty, NodeBuffer.Concat([]));
        Assert.Same(NodeBuffer.Empty, NodeBuffer.Concat([ab, cd], 0));
        Assert.Equal("ab", NodeBuffer.Concat([NodeBuffer.Empty, ab, NodeBuffer.Empty]).ToString());
        Assert.Equal("abcdab", NodeBuffer.Concat(Enumerable.Range(0, 3).Select(i => i == 1 ? cd : ab)).ToString());
        Assert.Equal("ERR_OUT_OF_RANGE", Assert.Throws<NodeHttpException>(() => NodeBuffer.Concat([ab], -1)).Code);
    }

    [Fact]
    public void Alloc_gives_zeroes()
    {
        Assert.Equal("00000000", NodeBuffer.Alloc(4).ToString("hex"));
        Assert.Equal("2a2a", NodeBuffer.Alloc(2, 42).ToString("hex"));
        Assert.Same(NodeBuffer.Empty, NodeBuffer.Alloc(0));
        Assert.Equal("ERR_OUT_OF_RANGE", Assert.Throws<NodeHttpException>(() => NodeBuffer.Alloc(-1)).Code);
    }

    [Fact]
    public void Compare_orders_bytes_then_length()
    {
        Assert.Equal(-1, NodeBuffer.Compare(NodeBuffer.From("a"), NodeBuffer.From("ab")));
        Assert.Equal(1, NodeBuffer.From("b").Compare(NodeBuffer.From("a")));
        Assert.Equal(0, NodeBuffer.From("ab").CompareTo(NodeBuffer.From("ab")));
        Assert.Equal(1, NodeBuffer.From("\u00ff", "latin1").Compare(NodeBuffer.From("z")));
        Assert.Equal(1, NodeBuffer.From("a").CompareTo(null));
    }

    [Fact]
    public void IndexOf_follows_node()
    {
        // node: 4 7 7 4 0 5 11 -1 6 4 -1 8
        Assert.Equal(4, Hello.IndexOf("o"));
        Assert.Equal(7, Hello.IndexOf("o", 5));
        Assert.Equal(7, Hello.IndexOf("o", -4));
        Assert.Equal(4, Hello.IndexOf((byte)'o'));
        Assert.Equal(0, Hello.IndexOf(""));
        Assert.Equal(5, Hello.IndexOf("", 5));
        Assert.Equal(11, Hello.IndexOf("", 50));
        Assert.Equal(-1, Hello.IndexOf("o", 50));
        Assert.Equal(6, Hello.IndexOf(NodeBuffer.From("wor")));
        Assert.Equal(4, Hello.IndexOf("6f", 0, "hex"));
        Assert.Equal(-1, Hello.IndexOf("xyz"));
        Assert.Equal(8, Hello.IndexOf("", -3));
        Assert.Equal(6, Hello.IndexOf("wor"u8));
        Assert.Equal(-1, Hello.IndexOf((byte)'h', 1));
        Assert.True(Hello.Includes("world"));
        Assert.False(Hello.Includes("worlds"));
        Assert.True(Hello.Includes("lo"u8));
    }

    [Fact]
    public void CopyTo_copies_what_fits()
    {
        // node: b.copy(Buffer.alloc(4), 1, 0) = 3 ("\0hel"); Buffer.from('abc').copy(alloc(10), 0, 1, 2) = 1; b.copy(t, 5) = 0
        var target = new byte[4];
        Assert.Equal(3, Hello.CopyTo(target, 1, 0));
        Assert.Equal("0068656c", Convert.ToHexStringLower(target));
        var ten = new byte[10];
        Assert.Equal(1, NodeBuffer.From("abc").CopyTo(ten, 0, 1, 2));
        Assert.Equal((byte)'b', ten[0]);
        Assert.Equal(0, Hello.CopyTo(target, 5));
        Assert.Equal(0, Hello.CopyTo(target, 0, 5, 2));
        Assert.Throws<NodeHttpException>(() => Hello.CopyTo(target, -1));
    }

    [Fact]
    public void ToArray_copies_and_equality_is_by_bytes()
    {
        byte[] copy = Hello.ToArray();
        copy[0] = (byte)'j';
        Assert.Equal("hello world", Hello.ToString());
        Assert.True(Hello.Equals(NodeBuffer.From("hello world")));
        Assert.Equal(Hello.GetHashCode(), NodeBuffer.From("hello world").GetHashCode());
        Assert.False(Hello.Equals((object?)"hello world"));
        Assert.False(Hello.Equals(null));
    }

    [Fact]
    public void Indexer_and_implicit_memory()
    {
        Assert.Equal((byte)'e', Hello[1]);
        ReadOnlyMemory<byte> memory = Hello;
        Assert.Equal(11, memory.Length);
        Assert.Throws<IndexOutOfRangeException>(() => Hello[11]);
    }

    [Fact]
    public void Encodings_of_tricky_text()
    {
        // Spot checks mirroring NodeOracleData, readable at a glance.
        Assert.Equal("efbfbd", NodeBuffer.From("\uD800").ToString("hex"));
        Assert.Equal("f09f9880", NodeBuffer.From("\uD83D\uDE00").ToString("hex"));
        Assert.Equal("61", NodeBuffer.From("\u0161", "latin1").ToString("hex"));
        Assert.Equal("e9", NodeBuffer.From("é", "ascii").ToString("hex"));
        Assert.Equal("i", NodeBuffer.From([0xE9]).ToString("ascii"));
        Assert.Equal("ab", NodeBuffer.From("abz1", "hex").ToString("hex"));
        Assert.Equal("ab", NodeBuffer.From("abc", "hex").ToString("hex"));
        Assert.Equal("fbffbf", NodeBuffer.From("-_-_", "base64").ToString("hex"));
        Assert.Equal("fbffbf", NodeBuffer.From("+/+/", "base64url").ToString("hex"));
        Assert.Equal("41", NodeBuffer.From("QU=JD", "base64").ToString("hex"));
        Assert.Equal("41424344", NodeBuffer.From("QU JD\nRA", "base64").ToString("hex"));
        Assert.Equal("-_-_", NodeBuffer.From([0xFB, 0xFF, 0xBF]).ToString("base64url"));
        Assert.Equal("QQ", NodeBuffer.From("A").ToString("base64url"));
        Assert.Equal("QQ==", NodeBuffer.From("A").ToString("base64"));
        Assert.Equal("\uD800", NodeBuffer.From([0x00, 0xD8, 0x41]).ToString("utf16le"));
        Assert.Equal("00d8", NodeBuffer.From("\uD800", "ucs2").ToString("hex"));
    }

    [Fact]
    public void ByteLength_per_encoding()
    {
        Assert.Equal(3, NodeBuffer.ByteLength("\uD800"));
        Assert.Equal(4, NodeBuffer.ByteLength("ab", "utf16le"));
        Assert.Equal(2, NodeBuffer.ByteLength("\u0100\u0101", "latin1"));
        Assert.Equal(1, NodeBuffer.ByteLength("abc", "hex"));
        // Node's base64 length is an estimate from the string length: 'ab c' counts 3 though it decodes to 2.
        Assert.Equal(3, NodeBuffer.ByteLength("ab c", "base64"));
        Assert.Equal(2, NodeBuffer.ByteLength("abc=", "base64"));
        Assert.Equal(1, NodeBuffer.ByteLength("a===", "base64"));
    }
}
