using System.Buffers;

namespace NodeHttp;

/// <summary>
/// Gathers a value the parser delivers in pieces (a URL, header name, header value or reason phrase cut by the
/// end of a read) in memory rented from the shared pool. A connection keeps one per kind of value and reuses it
/// message after message, so a steady connection allocates nothing here.
/// </summary>
internal struct SpanAccumulator
{
    private const int MinimumSize = 64;

    private byte[]? buffer;
    private int length;

    /// <summary>The bytes gathered since the last <see cref="Clear"/>.</summary>
    public readonly ReadOnlySpan<byte> Span => buffer is null ? default : buffer.AsSpan(0, length);

    /// <summary>Adds one piece.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        byte[]? b = buffer;
        if (b is null || b.Length - length < data.Length)
        {
            b = Grow(data.Length);
        }
        data.CopyTo(b.AsSpan(length));
        length += data.Length;
    }

    /// <summary>Starts the next value, keeping the memory.</summary>
    public void Clear() => length = 0;

    /// <summary>Gives the memory back to the pool (an idle pooled connection holds none).</summary>
    public void Release()
    {
        if (buffer is { } b)
        {
            buffer = null;
            ArrayPool<byte>.Shared.Return(b);
        }
        length = 0;
    }

    private byte[] Grow(int extra)
    {
        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(MinimumSize, Math.Max((buffer?.Length ?? 0) * 2, length + extra)));
        if (buffer is { } old)
        {
            old.AsSpan(0, length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(old);
        }
        buffer = bigger;
        return bigger;
    }
}
