namespace NodeHttp;

/// <summary>Node's <c>new stream.Writable(options)</c> options.</summary>
public sealed class WritableOptions
{
    /// <summary>Node's <c>highWaterMark</c>: buffered bytes at which <c>Write</c> returns false (default 16384, Node 20).</summary>
    public int? HighWaterMark { get; set; }

    /// <summary>Node's <c>emitClose</c>: emit <c>'close'</c> after destroy (default true).</summary>
    public bool EmitClose { get; set; } = true;

    /// <summary>Node's <c>autoDestroy</c>: destroy the stream after <c>'finish'</c> (default true).</summary>
    public bool AutoDestroy { get; set; } = true;

    /// <summary>Node's <c>write(chunk, encoding, callback)</c> option (<c>_write</c>).</summary>
    public Action<Writable, NodeBuffer, Action<Exception?>>? Write { get; set; }

    /// <summary>Node's <c>writev(chunks, callback)</c> option (<c>_writev</c>).</summary>
    public Action<Writable, IReadOnlyList<NodeBuffer>, Action<Exception?>>? Writev { get; set; }

    /// <summary>Node's <c>final(callback)</c> option (<c>_final</c>).</summary>
    public Action<Writable, Action<Exception?>>? Final { get; set; }

    /// <summary>Node's <c>destroy(err, callback)</c> option (<c>_destroy</c>).</summary>
    public Action<Writable, Exception?, Action<Exception?>>? Destroy { get; set; }
}
