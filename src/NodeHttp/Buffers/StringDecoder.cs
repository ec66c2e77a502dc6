namespace NodeHttp;

/// <summary>
/// Node's <c>string_decoder.StringDecoder</c>: turns a sequence of byte chunks into text without splitting a
/// character across chunks. Multi-byte UTF-8 sequences, UTF-16 code units and surrogate pairs, and base64's
/// 3-byte groups that arrive in pieces are held back until complete (or until <see cref="End()"/>).
/// </summary>
/// <remarks>
/// Follows Node's native decoder (<c>src/string_decoder.cc</c>) chunk by chunk, not only in the concatenated
/// result: a UTF-8 lead byte at the end of a chunk holds back as many bytes as it announces, whatever follows;
/// an odd UTF-16 byte is held back without looking for a surrogate before it.
/// </remarks>
public sealed class StringDecoder
{
    private readonly NodeEncoding encoding;

    // Node's kIncompleteCharactersStart/kMissingBytes/kBufferedBytes: the bytes of a character begun in an
    // earlier chunk, and how many more it needs.
    private readonly byte[] incomplete = new byte[4];
    private int missingBytes;
    private int bufferedBytes;

    /// <summary>Node's <c>new StringDecoder(encoding)</c>; throws <c>ERR_UNKNOWN_ENCODING</c> for an unknown name.</summary>
    public StringDecoder(string encoding = "utf8")
    {
        this.encoding = string.IsNullOrEmpty(encoding) ? NodeEncoding.Utf8 : NodeEncodings.Parse(encoding);
        Encoding = CanonicalName(this.encoding);
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
        if (encoding is NodeEncoding.Latin1 or NodeEncoding.Ascii or NodeEncoding.Hex)
        {
            // One byte never splits a character in these.
            return NodeEncodings.GetString(bytes, encoding);
        }

        string? prepend = null;
        if (missingBytes > 0)
        {
            if (encoding == NodeEncoding.Utf8)
            {
                // A byte that should continue the pending character but does not ends it early: the pending bytes
                // are decoded as they are (to U+FFFD) and the byte starts a new character.
                int limit = Math.Min(bytes.Length, missingBytes);
                for (int i = 0; i < limit; i++)
                {
                    if ((bytes[i] & 0xC0) != 0x80)
                    {
                        bytes[..i].CopyTo(incomplete.AsSpan(bufferedBytes));
                        bufferedBytes += i;
                        bytes = bytes[i..];
                        missingBytes = 0;
                        break;
                    }
                }
            }

            int found = Math.Min(bytes.Length, missingBytes);
            bytes[..found].CopyTo(incomplete.AsSpan(bufferedBytes));
            bytes = bytes[found..];
            missingBytes -= found;
            bufferedBytes += found;
            if (missingBytes == 0)
            {
                prepend = NodeEncodings.GetString(incomplete.AsSpan(0, bufferedBytes), encoding);
                bufferedBytes = 0;
            }
        }

        if (bytes.IsEmpty)
        {
            return prepend ?? string.Empty;
        }

        int hold = encoding switch
        {
            NodeEncoding.Utf8 => HoldUtf8(bytes),
            NodeEncoding.Utf16Le => HoldUtf16(bytes),
            _ => HoldBase64(bytes),
        };
        if (hold > 0)
        {
            bytes[^hold..].CopyTo(incomplete);
            bufferedBytes = hold;
            bytes = bytes[..^hold];
        }
        string body = NodeEncodings.GetString(bytes, encoding);
        return prepend is null ? body : string.Concat(prepend, body);
    }

    /// <summary>How many trailing bytes start an unfinished UTF-8 character; sets <see cref="missingBytes"/>.</summary>
    private int HoldUtf8(ReadOnlySpan<byte> bytes)
    {
        if ((bytes[^1] & 0x80) == 0)
        {
            return 0;
        }
        int seen = 0;
        for (int i = bytes.Length - 1; ; i--)
        {
            seen++;
            byte b = bytes[i];
            if ((b & 0xC0) == 0x80)
            {
                // A continuation byte: keep looking for its lead, but no character has more than 3 of them.
                if (seen >= 4 || i == 0)
                {
                    return 0;
                }
                continue;
            }
            int need = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 0;
            if (need == 0 || seen >= need)
            {
                // Not a lead byte, or the character is all here (or over-long, which decodes to U+FFFD anyway).
                return 0;
            }
            missingBytes = need - seen;
            return seen;
        }
    }

    /// <summary>An odd byte, or a high surrogate at the end, waits for the rest; sets <see cref="missingBytes"/>.</summary>
    private int HoldUtf16(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % 2 == 1)
        {
            missingBytes = 1;
            return 1;
        }
        if ((bytes[^1] & 0xFC) == 0xD8)
        {
            missingBytes = 2;
            return 2;
        }
        return 0;
    }

    /// <summary>Bytes past the last whole 3-byte group wait; sets <see cref="missingBytes"/>.</summary>
    private int HoldBase64(ReadOnlySpan<byte> bytes)
    {
        int rest = bytes.Length % 3;
        if (rest > 0)
        {
            missingBytes = 3 - rest;
        }
        return rest;
    }

    /// <summary>Node's <c>decoder.end()</c>: whatever is held back, incomplete characters replaced as Node does.</summary>
    public string End()
    {
        if (bufferedBytes == 0)
        {
            return string.Empty;
        }
        int count = bufferedBytes;
        if (encoding == NodeEncoding.Utf16Le && count % 2 == 1)
        {
            // A lone trailing byte is dropped, as Node's decoder does.
            count--;
        }
        string text = NodeEncodings.GetString(incomplete.AsSpan(0, count), encoding);
        missingBytes = 0;
        bufferedBytes = 0;
        return text;
    }

    /// <summary>Node's <c>decoder.end(buffer)</c>: writes <paramref name="buffer"/>, then ends.</summary>
    public string End(NodeBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        return End(buffer.Span);
    }

    /// <summary>Node's <c>decoder.end(buffer)</c> over a span.</summary>
    public string End(ReadOnlySpan<byte> bytes)
    {
        string written = Write(bytes);
        string rest = End();
        return rest.Length == 0 ? written : string.Concat(written, rest);
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
}
