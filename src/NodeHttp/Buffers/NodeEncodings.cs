using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Text;

namespace NodeHttp;

/// <summary>
/// Node's string ⇄ bytes conversions (<c>lib/buffer.js</c> encodingOps and <c>src/string_bytes.cc</c>), with
/// Node's results for malformed input. Strings are UTF-16 in both runtimes, so every rule about "characters"
/// below is about UTF-16 code units, as in V8.
/// </summary>
internal static class NodeEncodings
{
    // Encoding.UTF8 replaces lone surrogates with U+FFFD when encoding (EF BF BD, like V8's WriteUtf8 with
    // REPLACE_INVALID_UTF8) and decodes ill-formed input with one U+FFFD per maximal subpart (the WHATWG rule
    // Node's decoder follows since v8.x/ICU). Both are the runtime's default replacement fallbacks.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>Resolves a Node encoding name (case-insensitive, with aliases); false for an unknown one.</summary>
    public static bool TryParse(string? name, out NodeEncoding encoding)
    {
        encoding = NodeEncoding.Utf8;
        if (name is null)
        {
            return false;
        }
        // Fast path: the spellings code actually uses, compared without allocation.
        switch (name)
        {
            case "utf8":
            case "utf-8":
                return true;
            case "latin1":
            case "binary":
                encoding = NodeEncoding.Latin1;
                return true;
            case "hex":
                encoding = NodeEncoding.Hex;
                return true;
            case "base64":
                encoding = NodeEncoding.Base64;
                return true;
            case "ascii":
                encoding = NodeEncoding.Ascii;
                return true;
        }
        if (name.Length is < 3 or > 9)
        {
            return false;
        }
        Span<char> lower = stackalloc char[name.Length];
        name.AsSpan().ToLowerInvariant(lower);
        switch (lower)
        {
            case "utf8":
            case "utf-8":
                encoding = NodeEncoding.Utf8;
                return true;
            case "ucs2":
            case "ucs-2":
            case "utf16le":
            case "utf-16le":
                encoding = NodeEncoding.Utf16Le;
                return true;
            case "latin1":
            case "binary":
                encoding = NodeEncoding.Latin1;
                return true;
            case "ascii":
                encoding = NodeEncoding.Ascii;
                return true;
            case "base64":
                encoding = NodeEncoding.Base64;
                return true;
            case "base64url":
                encoding = NodeEncoding.Base64Url;
                return true;
            case "hex":
                encoding = NodeEncoding.Hex;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Resolves a Node encoding name or throws <c>ERR_UNKNOWN_ENCODING</c> (a TypeError), as Node.</summary>
    public static NodeEncoding Parse(string? name)
    {
        if (!TryParse(name, out NodeEncoding encoding))
        {
            ErrorCodes.Throw("ERR_UNKNOWN_ENCODING", name);
        }
        return encoding;
    }

    // ---- string → bytes -----------------------------------------------------------------------------

    /// <summary>Node's <c>Buffer.byteLength(string, encoding)</c>; for base64 it is Node's estimate from the length.</summary>
    public static int ByteLength(string text, NodeEncoding encoding) => encoding switch
    {
        NodeEncoding.Utf8 => Utf8.GetByteCount(text),
        NodeEncoding.Utf16Le => checked(text.Length * 2),
        NodeEncoding.Latin1 or NodeEncoding.Ascii => text.Length,
        NodeEncoding.Hex => text.Length >>> 1,
        _ => Base64ByteLength(text),
    };

    /// <summary>Node's <c>base64ByteLength</c>: strip up to two trailing '=' then take three quarters.</summary>
    private static int Base64ByteLength(string text)
    {
        int bytes = text.Length;
        if (bytes > 0 && text[bytes - 1] == '=')
        {
            bytes--;
        }
        if (bytes > 1 && text[bytes - 1] == '=')
        {
            bytes--;
        }
        return (int)(((long)bytes * 3) >>> 2);
    }

    /// <summary>Node's <c>Buffer.from(string, encoding)</c> bytes.</summary>
    public static byte[] GetBytes(string text, NodeEncoding encoding)
    {
        switch (encoding)
        {
            case NodeEncoding.Utf8:
                return Utf8.GetBytes(text);
            case NodeEncoding.Utf16Le:
                {
                    var bytes = new byte[text.Length * 2];
                    WriteUtf16Le(text, bytes);
                    return bytes;
                }
            case NodeEncoding.Latin1:
            case NodeEncoding.Ascii:
                {
                    // V8 writes one-byte strings by keeping the low byte of every UTF-16 unit; Node's 'ascii'
                    // encoder is the same as 'latin1'.
                    var bytes = new byte[text.Length];
                    for (int i = 0; i < text.Length; i++)
                    {
                        bytes[i] = (byte)text[i];
                    }
                    return bytes;
                }
            case NodeEncoding.Hex:
                return HexDecode(text);
            default:
                return Base64Decode(text);
        }
    }

    private static void WriteUtf16Le(string text, Span<byte> destination)
    {
        ReadOnlySpan<byte> raw = MemoryMarshal.AsBytes(text.AsSpan());
        if (BitConverter.IsLittleEndian)
        {
            raw.CopyTo(destination);
            return;
        }
        for (int i = 0; i < text.Length; i++)
        {
            destination[2 * i] = (byte)text[i];
            destination[(2 * i) + 1] = (byte)(text[i] >> 8);
        }
    }

    private static int HexValue(char c)
    {
        // Node looks the digit up by the low byte of the UTF-16 unit (unhex(uint8_t)), so U+0161 reads as 'a'.
        int b = (byte)c;
        return b switch
        {
            >= '0' and <= '9' => b - '0',
            >= 'a' and <= 'f' => b - 'a' + 10,
            >= 'A' and <= 'F' => b - 'A' + 10,
            _ => -1,
        };
    }

    /// <summary>Node's <c>hex_decode</c>: pairs until the first invalid one; an odd trailing digit is dropped.</summary>
    private static byte[] HexDecode(string text)
    {
        int pairs = text.Length / 2;
        var bytes = new byte[pairs];
        int i = 0;
        for (; i < pairs; i++)
        {
            int hi = HexValue(text[2 * i]);
            int lo = HexValue(text[(2 * i) + 1]);
            if (hi < 0 || lo < 0)
            {
                break;
            }
            bytes[i] = (byte)((hi << 4) | lo);
        }
        return i == pairs ? bytes : bytes.AsSpan(0, i).ToArray();
    }

    // Both alphabets at once, as Node's unbase64 table: '+' and '-' are 62, '/' and '_' are 63.
    private static readonly sbyte[] Base64Table = BuildBase64Table();

    private static sbyte[] BuildBase64Table()
    {
        var table = new sbyte[256];
        Array.Fill(table, (sbyte)-1);
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.Length; i++)
        {
            table[alphabet[i]] = (sbyte)i;
        }
        table['-'] = 62;
        table['_'] = 63;
        return table;
    }

    /// <summary>
    /// Node's base64 decoder (both alphabets): characters outside the alphabet are skipped, the first '=' ends the
    /// input, a final group of 2 or 3 characters yields 1 or 2 bytes and a lone final character nothing.
    /// </summary>
    private static byte[] Base64Decode(string text)
    {
        int max = (int)(((long)text.Length * 3) >>> 2) + 2;
        byte[] rented = ArrayPool<byte>.Shared.Rent(max);
        try
        {
            int written = 0;
            int acc = 0;
            int n = 0;
            foreach (char c in text)
            {
                // Node reads each UTF-16 unit through its low byte (unbase64(uint8_t)), for the alphabet and for
                // the '=' that ends the input alike: U+D83D stops decoding like '='.
                int v = Base64Table[(byte)c];
                if (v < 0)
                {
                    if ((byte)c == '=')
                    {
                        break;
                    }
                    continue;
                }
                acc = (acc << 6) | v;
                if (++n == 4)
                {
                    rented[written++] = (byte)(acc >> 16);
                    rented[written++] = (byte)(acc >> 8);
                    rented[written++] = (byte)acc;
                    acc = 0;
                    n = 0;
                }
            }
            if (n == 2)
            {
                rented[written++] = (byte)(acc >> 4);
            }
            else if (n == 3)
            {
                rented[written++] = (byte)(acc >> 10);
                rented[written++] = (byte)(acc >> 2);
            }
            return rented.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    // ---- bytes → string -----------------------------------------------------------------------------

    /// <summary>Node's <c>buf.toString(encoding)</c>.</summary>
    public static string GetString(ReadOnlySpan<byte> bytes, NodeEncoding encoding)
    {
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }
        switch (encoding)
        {
            case NodeEncoding.Utf8:
                return Utf8.GetString(bytes);
            case NodeEncoding.Utf16Le:
                return Utf16LeString(bytes);
            case NodeEncoding.Latin1:
                return Encoding.Latin1.GetString(bytes);
            case NodeEncoding.Ascii:
                return AsciiString(bytes);
            case NodeEncoding.Hex:
                return Convert.ToHexStringLower(bytes);
            case NodeEncoding.Base64:
                return Convert.ToBase64String(bytes);
            default:
                return Base64UrlString(bytes);
        }
    }

    /// <summary>UTF-16LE units copied as they are (lone surrogates kept, as in a JS string); an odd last byte is dropped.</summary>
    private static string Utf16LeString(ReadOnlySpan<byte> bytes)
    {
        int units = bytes.Length / 2;
        if (BitConverter.IsLittleEndian)
        {
            return new string(MemoryMarshal.Cast<byte, char>(bytes[..(units * 2)]));
        }
        return string.Create(units, bytes.ToArray(), static (chars, raw) =>
        {
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)(raw[2 * i] | (raw[(2 * i) + 1] << 8));
            }
        });
    }

    /// <summary>Node's ascii decoding clears the high bit of every byte (0xE9 → 'i').</summary>
    private static string AsciiString(ReadOnlySpan<byte> bytes)
    {
        if (System.Text.Ascii.IsValid(bytes))
        {
            return Encoding.ASCII.GetString(bytes);
        }
        char[] chars = ArrayPool<char>.Shared.Rent(bytes.Length);
        try
        {
            for (int i = 0; i < bytes.Length; i++)
            {
                chars[i] = (char)(bytes[i] & 0x7F);
            }
            return new string(chars, 0, bytes.Length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    /// <summary>base64url without padding, as Node.</summary>
    private static string Base64UrlString(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);
}
