namespace NodeHttp;

/// <summary>
/// One side of <see cref="NodeStream.DuplexPair"/> (Node's <c>DuplexSide</c>): its writes are the other side's reads.
/// A write completes once the other side's reader asks for more, so a side nobody reads holds its writer back; its end
/// is the other side's end of data and completes once that side emitted <c>'end'</c>.
/// </summary>
internal sealed class DuplexPairSide : Duplex
{
    // The other side's write waiting for this side's reader to ask for more (at most one: a stream writes one chunk
    // at a time).
    private Action<Exception?>? heldWrite;

    internal DuplexPairSide(DuplexOptions? options)
        : base(options)
    {
    }

    internal DuplexPairSide Other { get; set; } = null!;

    /// <inheritdoc/>
    protected override void ReadCore(int size)
    {
        Action<Exception?>? held = heldWrite;
        if (held is not null)
        {
            heldWrite = null;
            held(null);
        }
    }

    /// <inheritdoc/>
    protected override void WriteCore(NodeBuffer chunk, Action<Exception?> callback)
    {
        if (chunk.Length == 0)
        {
            Loop.NextTick(static s => ((Action<Exception?>)s!)(null), callback);
            return;
        }
        // Held before the push, so a read the push sets off releases it.
        Other.heldWrite = callback;
        Other.Push(chunk);
    }

    /// <inheritdoc/>
    protected override void FinalCore(Action<Exception?> callback)
    {
        Other.Once(StreamEvents.End, () => callback(null));
        Other.Push(null);
    }
}
