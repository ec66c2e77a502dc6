using System.Text;

namespace NodeHttp;

/// <summary>
/// Node's <c>string_decoder.StringDecoder</c>: turns a sequence of byte chunks into text without splitting a
/// character across chunks. Multi-byte UTF-8 sequences, UTF-16 code units and surrogate pairs, and base64's
/// 3-byte groups that arrive in pieces are held back until complete (or until <see cref="End()"/>).
/// </summary>
public sealed class StringDecoder
{
    private readonly NodeEncoding encoding;

    // utf8: the runtime's stateful decoder keeps partial sequences and applies the same maximal-subpart
    // replacement across chunk boundaries as on whole input, which is what Node's decoder produces.
    private readonly Decoder? utf8;

    // utf16le / base64 / base64url: bytes held back from the last write (at most 3).
    private readonly byte[] pending = new byte[4];
    private int pendingCount;

    /// <summary>Node's <c>new StringDecoder(encoding)</c>; throws <c>ERR_UNKNOWN_ENCODING</c> for an unknown name.</summary>
    public StringDecoder(string encoding = "utf8")
    {
        this.encoding = NodeEncodings.Parse(encoding);
        Encoding = CanonicalName(this.encoding);
        if (this.encoding == NodeEncoding.Utf8)
        {
            utf8 = new UTF8Encoding(false, false).GetDecoder();
        }
    }

    /// <summary>Node's <c>decoder.encoding</c>: the canonical name (<c>utf8</c>, <c>utf16le</c>, <c>latin1</c>...).</summary>
    public string Encoding { get; }

    /// <summary>Node's <c>decoder.write(buffer)</c>: the text of every complete character seen so far.</summary>
    public string Write(NodeBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return Write(buffer.Span);
    }

    /// <summary>Node's <c>decoder.write(buffer)</c> over a span.</summary>
    public string Write(ReadOnlySpan<byte> bytes)
    {
        switch (encoding)
        {
            case NodeEncoding.Utf8:
                return DecodeUtf8(bytes, flush: false);
            case NodeEncoding.Utf16Le:
                return DecodeUtf16(bytes, flush: false);
            case NodeEncoding.Base64:
            case NodeEncoding.Base64Url:
                return DecodeBase64(bytes, flush: false);
            default:
                // Single-byte encodings and hex never split a character.
                return NodeEncodings.GetString(bytes, encoding);
        }
    }

    /// <summary>Node's <c>decoder.end()</c>: whatever is held back, incomplete characters replaced as Node does.</summary>
    public string End() => End(ReadOnlySpan<byte>.Empty);

    /// <summary>Node's <c>decoder.end(buffer)</c>: writes <paramref name="buffer"/>, then ends.</summary>
    public string End(NodeBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return End(buffer.Span);
    }

    /// <summary>Node's <c>decoder.end(buffer)</c> over a span.</summary>
    public string End(ReadOnlySpan<byte> bytes)
    {
        switch (encoding)
        {
            case NodeEncoding.Utf8:
                return DecodeUtf8(bytes, flush: true);
            case NodeEncoding.Utf16Le:
                return DecodeUtf16(bytes, flush: true);
            case NodeEncoding.Base64:
            case NodeEncoding.Base64Url:
                return DecodeBase64(bytes, flush: true);
            default:
                return NodeEncodings.GetString(bytes, encoding);
        }
    }

    private static string CanonicalName(NodeEncoding encoding) => encoding switch
    {
        NodeEncoding.Utf8 => "utf8",
        NodeEncoding.Utf16Le => "utf16le",
        NodeEncoding.Latin1 => "latin1",
        NodeEncoding.Ascii => "ascii",
        NodeEncoding.Base64 => "base64",
        NodeEncoding.Base64Url => "base64url",
        _ => "hex",
    };

    private string DecodeUtf8(ReadOnlySpan<byte> bytes, bool flush)
    {
        int count = utf8!.GetCharCount(bytes, flush);
        if (count == 0)
        {
            return string.Empty;
        }
        char[]? rented = null;
        Span<char> chars = count <= 256 ? stackalloc char[count] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(count));
        try
        {
            int written = utf8.GetChars(bytes, chars, flush);
            return new string(chars[..written]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private string DecodeUtf16(ReadOnlySpan<byte> bytes, bool flush)
    {
        byte[] all = Join(bytes);
        int units = all.Length / 2;
        int keep = all.Length % 2;
        if (!flush && units > 0)
        {
            // A high surrogate at the end waits for its low half, as Node's utf16Text does.
            char last = (char)(all[(units * 2) - 2] | (all[(units * 2) - 1] << 8));
            if (char.IsHighSurrogate(last))
            {
                units--;
                keep += 2;
            }
        }
        string text = NodeEncodings.GetString(all.AsSpan(0, units * 2), NodeEncoding.Utf16Le);
        // Node's end() emits a waiting high surrogate as it is and drops an odd byte.
        Hold(flush ? ReadOnlySpan<byte>.Empty : all.AsSpan(units * 2, keep));
        return text;
    }

    private string DecodeBase64(ReadOnlySpan<byte> bytes, bool flush)
    {
        byte[] all = Join(bytes);
        int whole = flush ? all.Length : all.Length - (all.Length % 3);
        string text = NodeEncodings.GetString(all.AsSpan(0, whole), encoding);
        Hold(all.AsSpan(whole));
        return text;
    }

    private byte[] Join(ReadOnlySpan<byte> bytes)
    {
        var all = new byte[pendingCount + bytes.Length];
        pending.AsSpan(0, pendingCount).CopyTo(all);
        bytes.CopyTo(all.AsSpan(pendingCount));
        return all;
    }

    private void Hold(ReadOnlySpan<byte> rest)
    {
        rest.CopyTo(pending);
        pendingCount = rest.Length;
    }
}
