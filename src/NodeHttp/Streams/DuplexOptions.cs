namespace NodeHttp;

/// <summary>Node's <c>new stream.Duplex(options)</c> options.</summary>
public sealed class DuplexOptions
{
    /// <summary>Node's <c>highWaterMark</c> for both sides (default 16384, Node 20).</summary>
    public int? HighWaterMark { get; set; }

    /// <summary>Node's <c>readableHighWaterMark</c>; wins over <see cref="HighWaterMark"/> for the readable side.</summary>
    public int? ReadableHighWaterMark { get; set; }

    /// <summary>Node's <c>writableHighWaterMark</c>; wins over <see cref="HighWaterMark"/> for the writable side.</summary>
    public int? WritableHighWaterMark { get; set; }

    /// <summary>Node's <c>encoding</c> for the readable side.</summary>
    public string? Encoding { get; set; }

    /// <summary>Node's <c>allowHalfOpen</c>: when false the writable side ends once the readable side ends (default true).</summary>
    public bool AllowHalfOpen { get; set; } = true;

    /// <summary>Node's <c>readable</c> option: false makes the readable side ended from the start.</summary>
    public bool Readable { get; set; } = true;

    /// <summary>Node's <c>writable</c> option: false makes the writable side finished from the start.</summary>
    public bool Writable { get; set; } = true;

    /// <summary>Node's <c>emitClose</c> (default true).</summary>
    public bool EmitClose { get; set; } = true;

    /// <summary>Node's <c>autoDestroy</c> (default true).</summary>
    public bool AutoDestroy { get; set; } = true;

    /// <summary>Node's <c>read(size)</c> option (<c>_read</c>).</summary>
    public Action<Duplex, int>? Read { get; set; }

    /// <summary>Node's <c>write(chunk, encoding, callback)</c> option (<c>_write</c>).</summary>
    public Action<Duplex, NodeBuffer, Action<Exception?>>? Write { get; set; }

    /// <summary>Node's <c>writev(chunks, callback)</c> option (<c>_writev</c>).</summary>
    public Action<Duplex, IReadOnlyList<NodeBuffer>, Action<Exception?>>? Writev { get; set; }

    /// <summary>Node's <c>final(callback)</c> option (<c>_final</c>).</summary>
    public Action<Duplex, Action<Exception?>>? Final { get; set; }

    /// <summary>Node's <c>destroy(err, callback)</c> option (<c>_destroy</c>).</summary>
    public Action<Duplex, Exception?, Action<Exception?>>? Destroy { get; set; }
}
