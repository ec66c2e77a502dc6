using System.Text;

namespace NodeHttp;

/// <summary>
/// Node's <c>Buffer</c>: an immutable view over bytes. Whoever holds a <see cref="NodeBuffer"/> may keep it;
/// the bytes behind it are never reused by NodeHttp.
/// </summary>
/// <remarks>
/// Node's buffers are mutable; this one is not, so Node's writing methods (<c>write</c>, <c>fill</c>,
/// <c>writeUInt8</c>...) are absent and <see cref="Slice"/> views can be shared freely.
/// </remarks>
public sealed class NodeBuffer : IEquatable<NodeBuffer>, IComparable<NodeBuffer>
{
    private readonly ReadOnlyMemory<byte> memory;

    private NodeBuffer(ReadOnlyMemory<byte> memory) => this.memory = memory;

    /// <summary>A zero-length buffer (Node's <c>Buffer.alloc(0)</c>).</summary>
    public static NodeBuffer Empty { get; } = new(ReadOnlyMemory<byte>.Empty);

    /// <summary>
    /// Node's <c>Buffer.from(string, encoding)</c> for every encoding Node knows (<c>utf8</c>, <c>utf16le</c>/<c>ucs2</c>,
    /// <c>latin1</c>/<c>binary</c>, <c>ascii</c>, <c>base64</c>, <c>base64url</c>, <c>hex</c>, any case), with Node's results
    /// for malformed input. An empty encoding means utf8, as in Node; an unknown one throws <c>ERR_UNKNOWN_ENCODING</c>.
    /// </summary>
    public static NodeBuffer From(string text, string encoding = "utf8")
    {
        ArgumentNullException.ThrowIfNull(text);
        NodeEncoding enc = string.IsNullOrEmpty(encoding) ? NodeEncoding.Utf8 : NodeEncodings.Parse(encoding);
        if (text.Length == 0)
        {
            return Empty;
        }
        return new NodeBuffer(NodeEncodings.GetBytes(text, enc));
    }

    /// <summary>Node's <c>Buffer.from(buffer)</c>: copies <paramref name="bytes"/>.</summary>
    public static NodeBuffer From(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? Empty : new NodeBuffer(bytes.ToArray());

    /// <summary>Wraps memory without copying; the caller gives up the right to change it.</summary>
    internal static NodeBuffer Wrap(ReadOnlyMemory<byte> memory) => memory.IsEmpty ? Empty : new NodeBuffer(memory);

    /// <summary>Node's <c>Buffer.alloc(size)</c>: <paramref name="size"/> zero bytes.</summary>
    public static NodeBuffer Alloc(int size) => Alloc(size, 0);

    /// <summary>Node's <c>Buffer.alloc(size, fill)</c> with a byte fill value.</summary>
    public static NodeBuffer Alloc(int size, byte fill)
    {
        if (size < 0)
        {
            ErrorCodes.Throw("ERR_OUT_OF_RANGE", "size", ">= 0 && <= " + Array.MaxLength, size);
        }
        if (size == 0)
        {
            return Empty;
        }
        var bytes = new byte[size];
        if (fill != 0)
        {
            bytes.AsSpan().Fill(fill);
        }
        return new NodeBuffer(bytes);
    }

    /// <summary>Node's <c>Buffer.isEncoding(encoding)</c>: whether Node knows the name (case-insensitive; <c>""</c> is not one).</summary>
    public static bool IsEncoding(string? encoding) => NodeEncodings.TryParse(encoding, out _);

    /// <summary>
    /// Node's <c>Buffer.byteLength(string, encoding)</c>. As in Node, base64 lengths are the estimate from the
    /// string's length, and an unknown encoding counts utf8 bytes.
    /// </summary>
    public static int ByteLength(string text, string encoding = "utf8")
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!NodeEncodings.TryParse(encoding, out NodeEncoding enc))
        {
            enc = NodeEncoding.Utf8;
        }
        return NodeEncodings.ByteLength(text, enc);
    }

    /// <summary>Node's <c>Buffer.concat(list)</c>: one buffer holding all the bytes in order.</summary>
    public static NodeBuffer Concat(IEnumerable<NodeBuffer> buffers)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        IReadOnlyCollection<NodeBuffer> list = buffers as IReadOnlyCollection<NodeBuffer> ?? buffers.ToList();
        long total = 0;
        NodeBuffer? only = null;
        int nonEmpty = 0;
        foreach (NodeBuffer b in list)
        {
            ArgumentNullException.ThrowIfNull(b, nameof(buffers));
            total += b.Length;
            if (b.Length > 0)
            {
                only = b;
                nonEmpty++;
            }
        }
        // Immutable, so a single non-empty part can be returned as it is (Node copies).
        if (nonEmpty <= 1)
        {
            return only ?? Empty;
        }
        return ConcatCore(list, checked((int)total));
    }

    /// <summary>
    /// Node's <c>Buffer.concat(list, totalLength)</c>: the result has exactly <paramref name="totalLength"/> bytes,
    /// truncated or zero-filled.
    /// </summary>
    public static NodeBuffer Concat(IEnumerable<NodeBuffer> buffers, int totalLength)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        if (totalLength < 0)
        {
            ErrorCodes.Throw("ERR_OUT_OF_RANGE", "length", ">= 0 && <= " + Array.MaxLength, totalLength);
        }
        return totalLength == 0 ? Empty : ConcatCore(buffers, totalLength);
    }

    private static NodeBuffer ConcatCore(IEnumerable<NodeBuffer> buffers, int totalLength)
    {
        var bytes = new byte[totalLength];
        int position = 0;
        foreach (NodeBuffer b in buffers)
        {
            ArgumentNullException.ThrowIfNull(b, nameof(buffers));
            int n = Math.Min(b.Length, totalLength - position);
            b.Span[..n].CopyTo(bytes.AsSpan(position));
            position += n;
            if (position == totalLength)
            {
                break;
            }
        }
        return new NodeBuffer(bytes);
    }

    /// <summary>Node's <c>Buffer.compare(buf1, buf2)</c>: -1, 0 or 1 by byte order, then length.</summary>
    public static int Compare(NodeBuffer a, NodeBuffer b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Math.Sign(a.Span.SequenceCompareTo(b.Span));
    }

    /// <summary>The number of bytes (Node's <c>buf.length</c>).</summary>
    public int Length => memory.Length;

    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Memory => memory;

    /// <summary>The bytes as a span.</summary>
    public ReadOnlySpan<byte> Span => memory.Span;

    /// <summary>The byte at <paramref name="index"/> (Node's <c>buf[index]</c>).</summary>
    public byte this[int index] => memory.Span[index];

    /// <summary>
    /// Node's <c>buf.slice(start, end)</c>: a view of the same bytes, no copy. Negative indexes count from the end;
    /// out-of-range indexes are clamped; <paramref name="end"/> before <paramref name="start"/> gives an empty buffer.
    /// </summary>
    public NodeBuffer Slice(int start, int? end = null)
    {
        int length = memory.Length;
        int from = AdjustOffset(start, length);
        int to = end is { } e ? AdjustOffset(e, length) : length;
        if (to <= from)
        {
            return Empty;
        }
        return from == 0 && to == length ? this : new NodeBuffer(memory[from..to]);
    }

    /// <summary>Node's <c>buf.subarray(start, end)</c>: the same as <see cref="Slice"/>.</summary>
    public NodeBuffer Subarray(int start = 0, int? end = null) => Slice(start, end);

    /// <summary>Node's <c>adjustOffset</c> in lib/buffer.js.</summary>
    private static int AdjustOffset(int offset, int length)
    {
        if (offset < 0)
        {
            offset += length;
            return offset > 0 ? offset : 0;
        }
        return offset < length ? offset : length;
    }

    /// <summary>Node's <c>buf.toString()</c>: UTF-8 decoding.</summary>
    public override string ToString() => NodeEncodings.GetString(memory.Span, NodeEncoding.Utf8);

    /// <summary>Node's <c>buf.toString(encoding)</c>; an unknown encoding throws <c>ERR_UNKNOWN_ENCODING</c>.</summary>
    public string ToString(string encoding) => NodeEncodings.GetString(memory.Span, NodeEncodings.Parse(encoding));

    /// <summary>
    /// Node's <c>buf.toString(encoding, start, end)</c>: decodes bytes <paramref name="start"/> to <paramref name="end"/>
    /// (exclusive). A negative start counts as 0, an end past the buffer as its length, and an empty range gives "".
    /// </summary>
    public string ToString(string encoding, int start, int? end = null)
    {
        NodeEncoding enc = NodeEncodings.Parse(encoding);
        int length = memory.Length;
        if (start < 0)
        {
            start = 0;
        }
        else if (start >= length)
        {
            return string.Empty;
        }
        int stop = end is { } e && e <= length ? e : length;
        if (stop <= start)
        {
            return string.Empty;
        }
        return NodeEncodings.GetString(memory.Span[start..stop], enc);
    }

    /// <summary>Node's <c>buf.compare(target)</c>: -1, 0 or 1.</summary>
    public int CompareTo(NodeBuffer? other)
    {
        // Node throws for a non-buffer; .NET orders null first.
        return other is null ? 1 : Math.Sign(memory.Span.SequenceCompareTo(other.Span));
    }

    /// <summary>Node's <c>buf.compare(target)</c>: -1, 0 or 1.</summary>
    public int Compare(NodeBuffer target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return Math.Sign(memory.Span.SequenceCompareTo(target.Span));
    }

    /// <summary>Node's <c>buf.indexOf(value, byteOffset)</c> for a byte value.</summary>
    public int IndexOf(byte value, int byteOffset = 0)
    {
        int from = IndexStart(byteOffset, memory.Length);
        if (from >= memory.Length)
        {
            return -1;
        }
        int i = memory.Span[from..].IndexOf(value);
        return i < 0 ? -1 : from + i;
    }

    /// <summary>Node's <c>buf.indexOf(value, byteOffset)</c> for a byte sequence.</summary>
    public int IndexOf(ReadOnlySpan<byte> value, int byteOffset = 0)
    {
        int length = memory.Length;
        int from = IndexStart(byteOffset, length);
        if (value.IsEmpty)
        {
            // Node: an empty needle is found at the (clamped) offset.
            return Math.Min(from, length);
        }
        if (from >= length)
        {
            return -1;
        }
        int i = memory.Span[from..].IndexOf(value);
        return i < 0 ? -1 : from + i;
    }

    /// <summary>Node's <c>buf.indexOf(buffer, byteOffset)</c>.</summary>
    public int IndexOf(NodeBuffer value, int byteOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        return IndexOf(value.Span, byteOffset);
    }

    /// <summary>Node's <c>buf.indexOf(string, byteOffset, encoding)</c>: searches for the string's bytes in that encoding.</summary>
    public int IndexOf(string value, int byteOffset = 0, string encoding = "utf8")
    {
        ArgumentNullException.ThrowIfNull(value);
        byte[] needle = NodeEncodings.GetBytes(value, NodeEncodings.Parse(encoding));
        return IndexOf(needle, byteOffset);
    }

    /// <summary>Node's <c>buf.includes(value, byteOffset, encoding)</c>.</summary>
    public bool Includes(string value, int byteOffset = 0, string encoding = "utf8") => IndexOf(value, byteOffset, encoding) >= 0;

    /// <summary>Node's <c>buf.includes(value, byteOffset)</c> for a byte sequence.</summary>
    public bool Includes(ReadOnlySpan<byte> value, int byteOffset = 0) => IndexOf(value, byteOffset) >= 0;

    private static int IndexStart(int byteOffset, int length)
    {
        if (byteOffset >= 0)
        {
            return byteOffset;
        }
        int from = length + byteOffset;
        return from < 0 ? 0 : from;
    }

    /// <summary>
    /// Node's <c>buf.copy(target, targetStart, sourceStart, sourceEnd)</c>: copies as many bytes as fit and returns
    /// how many were copied.
    /// </summary>
    public int CopyTo(Span<byte> target, int targetStart = 0, int sourceStart = 0, int? sourceEnd = null)
    {
        int length = memory.Length;
        int end = sourceEnd ?? length;
        if (targetStart < 0)
        {
            ErrorCodes.Throw("ERR_OUT_OF_RANGE", "targetStart", ">= 0", targetStart);
        }
        if (sourceStart < 0)
        {
            ErrorCodes.Throw("ERR_OUT_OF_RANGE", "sourceStart", ">= 0", sourceStart);
        }
        if (end < 0)
        {
            ErrorCodes.Throw("ERR_OUT_OF_RANGE", "sourceEnd", ">= 0", end);
        }
        if (end > length)
        {
            end = length;
        }
        if (targetStart >= target.Length || sourceStart >= end)
        {
            return 0;
        }
        int n = Math.Min(end - sourceStart, target.Length - targetStart);
        memory.Span.Slice(sourceStart, n).CopyTo(target[targetStart..]);
        return n;
    }

    /// <summary>A new array with a copy of the bytes.</summary>
    public byte[] ToArray() => memory.ToArray();

    /// <summary>Byte-wise equality (Node's <c>buf.equals</c>).</summary>
    public bool Equals(NodeBuffer? other) => other is not null && memory.Span.SequenceEqual(other.memory.Span);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NodeBuffer b && Equals(b);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.AddBytes(memory.Span);
        return hash.ToHashCode();
    }

    /// <summary>The bytes as memory, without copying.</summary>
    public static implicit operator ReadOnlyMemory<byte>(NodeBuffer b) => b is null ? default : b.memory;
}
