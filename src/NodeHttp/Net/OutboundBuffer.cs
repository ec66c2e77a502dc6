using System.Buffers;

namespace NodeHttp;

/// <summary>
/// A transport's outgoing bytes between two flushes (libuv's write queue, Netty's outbound buffer): small writes are
/// copied next to each other into pooled memory, large ones are held by reference (chunks are immutable), all in
/// write order, and the owner hands them to the kernel as one gathered write per flush. Owned by one loop.
/// </summary>
/// <remarks>
/// Nothing may be appended while a flush of the collected bytes is in flight: the kernel may still read them.
/// </remarks>
internal sealed class OutboundBuffer
{
    /// <summary>Writes up to this size are copied; larger ones are sent from the writer's own buffer.</summary>
    internal const int CopyLimit = 4096;

    // The pooled memory for copies is not grown past this: further writes are held by reference.
    private const int MaxCopied = 64 * 1024;

    private readonly List<Entry> entries = new(4);
    private byte[]? copied;
    private int copiedLength;

    /// <summary>Bytes held and not yet collected for sending.</summary>
    internal int Length { get; private set; }

    /// <summary>Whether bytes of this length are copied by <see cref="Append(ReadOnlySpan{byte})"/> (else the caller keeps a chunk).</summary>
    internal bool Copies(int length) => length <= CopyLimit && copiedLength + length <= MaxCopied;

    /// <summary>Copies <paramref name="data"/> (see <see cref="Copies"/>) after what is held.</summary>
    internal void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }
        if (copied is null || copied.Length - copiedLength < data.Length)
        {
            byte[] grown = ArrayPool<byte>.Shared.Rent(Math.Max(4096, 2 * (copiedLength + data.Length)));
            if (copied is not null)
            {
                copied.AsSpan(0, copiedLength).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(copied);
            }
            copied = grown;
        }
        data.CopyTo(copied.AsSpan(copiedLength));
        int last = entries.Count - 1;
        if (last >= 0 && entries[last].Chunk is null && entries[last].Offset + entries[last].Length == copiedLength)
        {
            Entry e = entries[last];
            entries[last] = e with { Length = e.Length + data.Length };
        }
        else
        {
            entries.Add(new Entry(null, copiedLength, data.Length));
        }
        copiedLength += data.Length;
        Length += data.Length;
    }

    /// <summary>Holds <paramref name="chunk"/> after what is held: copied when small, else by reference.</summary>
    internal void Append(NodeBuffer chunk)
    {
        if (Copies(chunk.Length))
        {
            Append(chunk.Span);
            return;
        }
        if (chunk.Length != 0)
        {
            entries.Add(new Entry(chunk, 0, chunk.Length));
            Length += chunk.Length;
        }
    }

    /// <summary>
    /// Adds every held piece to <paramref name="segments"/> in order, for one gathered send, and returns their total;
    /// the memory stays valid (and nothing may be appended) until <see cref="Release"/>.
    /// </summary>
    internal int Collect(List<ArraySegment<byte>> segments)
    {
        foreach (Entry e in entries)
        {
            if (e.Chunk is null)
            {
                segments.Add(new ArraySegment<byte>(copied!, e.Offset, e.Length));
            }
            else if (System.Runtime.InteropServices.MemoryMarshal.TryGetArray(e.Chunk.Memory, out ArraySegment<byte> seg))
            {
                segments.Add(seg);
            }
            else
            {
                segments.Add(new ArraySegment<byte>(e.Chunk.Memory.ToArray()));
            }
        }
        return Length;
    }

    /// <summary>Forgets what was collected (sent, or abandoned), giving the copy memory back to the pool.</summary>
    /// <param name="reuseMemory">False when a send that the close aborted may still read the memory: then it is left to the collector.</param>
    internal void Release(bool reuseMemory = true)
    {
        entries.Clear();
        if (copied is not null && reuseMemory)
        {
            ArrayPool<byte>.Shared.Return(copied);
        }
        copied = null;
        copiedLength = 0;
        Length = 0;
    }

    private readonly record struct Entry(NodeBuffer? Chunk, int Offset, int Length);
}
