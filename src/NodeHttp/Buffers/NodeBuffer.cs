using System.Text;

namespace NodeHttp;

/// <summary>
/// Node's <c>Buffer</c>: an immutable view over bytes. Whoever holds a <see cref="NodeBuffer"/> may keep it;
/// the bytes behind it are never reused by NodeHttp.
/// </summary>
public sealed class NodeBuffer : IEquatable<NodeBuffer>
{
    private readonly ReadOnlyMemory<byte> memory;

    private NodeBuffer(ReadOnlyMemory<byte> memory) => this.memory = memory;

    /// <summary>A zero-length buffer (Node's <c>Buffer.alloc(0)</c>).</summary>
    public static NodeBuffer Empty { get; } = new(ReadOnlyMemory<byte>.Empty);

    /// <summary>Node's <c>Buffer.from(string, encoding)</c>.</summary>
    public static NodeBuffer From(string text, string encoding = "utf8")
    {
        ArgumentNullException.ThrowIfNull(text);
        return new NodeBuffer(Encoding.UTF8.GetBytes(text));
    }

    /// <summary>Node's <c>Buffer.from(buffer)</c>: copies <paramref name="bytes"/>.</summary>
    public static NodeBuffer From(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? Empty : new NodeBuffer(bytes.ToArray());

    /// <summary>Wraps memory without copying; the caller gives up the right to change it.</summary>
    internal static NodeBuffer Wrap(ReadOnlyMemory<byte> memory) => memory.IsEmpty ? Empty : new NodeBuffer(memory);

    /// <summary>The number of bytes (Node's <c>buf.length</c>).</summary>
    public int Length => memory.Length;

    /// <summary>The bytes.</summary>
    public ReadOnlyMemory<byte> Memory => memory;

    /// <summary>The bytes as a span.</summary>
    public ReadOnlySpan<byte> Span => memory.Span;

    /// <summary>The byte at <paramref name="index"/>.</summary>
    public byte this[int index] => memory.Span[index];

    /// <summary>Node's <c>buf.toString()</c>: UTF-8 decoding.</summary>
    public override string ToString() => Encoding.UTF8.GetString(memory.Span);

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
