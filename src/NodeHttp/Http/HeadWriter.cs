using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;

namespace NodeHttp;

/// <summary>
/// Encodes message heads (start line, header lines, chunk framing) into a reusable byte buffer rented
/// from the shared pool: one per connection, so encoding a head allocates nothing in the steady state.
/// Strings are written as latin1, as Node writes heads (<c>_writeRaw(header, 'latin1')</c>).
/// </summary>
internal sealed class HeadWriter : IDisposable
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private static ReadOnlySpan<byte> ColonSpace => ": "u8;

    private byte[] buffer;
    private int length;

    public HeadWriter(int initialCapacity = 512)
    {
        buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    /// <summary>The bytes written since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> Written => buffer.AsSpan(0, length);

    /// <summary>The bytes written, as memory (valid until the next write or clear).</summary>
    public ReadOnlyMemory<byte> WrittenMemory => buffer.AsMemory(0, length);

    /// <summary>The number of bytes written.</summary>
    public int Length => length;

    /// <summary>Starts over, keeping the buffer.</summary>
    public void Clear() => length = 0;

    /// <summary>Appends raw bytes (inlined, so a literal's copy is unrolled at its constant length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Write(ReadOnlySpan<byte> bytes)
    {
        byte[] b = buffer;
        int n = length;
        if ((uint)bytes.Length > (uint)(b.Length - n))
        {
            WriteGrowing(bytes);
            return;
        }
        bytes.CopyTo(b.AsSpan(n));
        length = n + bytes.Length;
    }

    private void WriteGrowing(ReadOnlySpan<byte> bytes)
    {
        Grow(bytes.Length);
        bytes.CopyTo(buffer.AsSpan(length));
        length += bytes.Length;
    }

    /// <summary>Appends a string as latin1 (each UTF-16 unit's low byte, as Node's latin1 encoding).</summary>
    public void WriteLatin1(string text)
    {
        Narrow(text, Reserve(text.Length));
        length += text.Length;
    }

    /// <summary>Appends a non-negative decimal number.</summary>
    public void WriteDecimal(long value)
    {
        Span<byte> dest = Reserve(20);
        Utf8Formatter.TryFormat(value, dest, out int written);
        length += written;
    }

    /// <summary>Appends <c>name: value\r\n</c>.</summary>
    public void WriteHeader(string name, string value)
    {
        // One reservation and no calls for the short pieces: a head has several of these lines.
        int total = name.Length + value.Length + 4;
        Span<byte> dest = Reserve(total);
        Narrow(name, dest);
        int at = name.Length;
        dest[at] = (byte)':';
        dest[at + 1] = (byte)' ';
        Narrow(value, dest[(at + 2)..]);
        dest[total - 2] = (byte)'\r';
        dest[total - 1] = (byte)'\n';
        length += total;
    }

    /// <summary>Appends <c>name: value\r\n</c> for a name given as bytes.</summary>
    public void WriteHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Write(name);
        Write(ColonSpace);
        Write(value);
        Write(Crlf);
    }

    /// <summary>Appends CR LF.</summary>
    public void WriteCrlf() => Write(Crlf);

    /// <summary>Appends a chunk-size line: the size in lower-case hex (as Node writes it) then CR LF.</summary>
    public void WriteChunkHeader(long size)
    {
        Span<byte> dest = Reserve(18);
        Utf8Formatter.TryFormat((ulong)size, dest, out int written, new StandardFormat('x'));
        length += written;
        Write(Crlf);
    }

    // Each UTF-16 unit's low byte into dest (which has room for all of them): ASCII text vectorized, the rest a unit
    // at a time.
    private static void Narrow(string text, Span<byte> dest)
    {
        if (Ascii.FromUtf16(text, dest, out _) != OperationStatus.Done)
        {
            for (int i = 0; i < text.Length; i++)
            {
                dest[i] = (byte)text[i];
            }
        }
    }

    /// <summary>Returns the buffer to the pool.</summary>
    public void Dispose()
    {
        byte[] b = buffer;
        buffer = [];
        length = 0;
        if (b.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(b);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Span<byte> Reserve(int count)
    {
        if (buffer.Length - length < count)
        {
            Grow(count);
        }
        return buffer.AsSpan(length, count);
    }

    private void Grow(int count)
    {
        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(buffer.Length * 2, length + count));
        buffer.AsSpan(0, length).CopyTo(bigger);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        buffer = bigger;
    }
}
