namespace NodeHttp;

/// <summary>Node's <c>new stream.Readable(options)</c> options.</summary>
public sealed class ReadableOptions
{
    /// <summary>Node's <c>highWaterMark</c>: bytes buffered before <c>Push</c> returns false (default 16384, Node 20).</summary>
    public int? HighWaterMark { get; set; }

    /// <summary>Node's <c>encoding</c>: when set, <c>'data'</c> delivers strings decoded with this encoding.</summary>
    public string? Encoding { get; set; }

    /// <summary>Node's <c>emitClose</c>: emit <c>'close'</c> after destroy (default true).</summary>
    public bool EmitClose { get; set; } = true;

    /// <summary>Node's <c>autoDestroy</c>: destroy the stream after <c>'end'</c> (default true).</summary>
    public bool AutoDestroy { get; set; } = true;

    /// <summary>Node's <c>read(size)</c> option (<c>_read</c>): called with the stream and the size wanted.</summary>
    public Action<Readable, int>? Read { get; set; }

    /// <summary>Node's <c>destroy(err, callback)</c> option (<c>_destroy</c>).</summary>
    public Action<Readable, Exception?, Action<Exception?>>? Destroy { get; set; }
}
