namespace NodeHttp;

/// <summary>
/// Node's <c>stream.Duplex</c>: a <see cref="Readable"/> that is also writable, with the same writable state machine as
/// <see cref="Writable"/> and Node's <c>allowHalfOpen</c> rule. Sockets are duplexes.
/// </summary>
public partial class Duplex : Readable, IWritable, IWriteEntry
{
    private readonly WritableState ws;
    private readonly DuplexOptions? options;

    /// <summary>Node's <c>new stream.Duplex([options])</c>.</summary>
    public Duplex(DuplexOptions? options = null)
        : base(options?.ReadableHighWaterMark ?? options?.HighWaterMark, options?.Encoding, options?.EmitClose ?? true, options?.AutoDestroy ?? true)
    {
        this.options = options;
        int? hwm = options?.WritableHighWaterMark ?? options?.HighWaterMark;
        if (hwm is < 0)
        {
            ErrorCodes.Throw("ERR_INVALID_ARG_VALUE", "options.highWaterMark", hwm);
        }
        ws = new WritableState(this, hwm ?? StreamStateBase.DefaultHighWaterMark, options?.EmitClose ?? true, options?.AutoDestroy ?? true);
        AllowHalfOpen = options?.AllowHalfOpen ?? true;

        if (options is { Readable: false })
        {
            rs.ReadableEnabled = false;
            rs.Ended = true;
            rs.EndEmitted = true;
        }
        if (options is { Writable: false })
        {
            ws.WritableEnabled = false;
            ws.Ending = true;
            ws.Ended = true;
            ws.Finished = true;
        }
    }

    /// <summary>Node's <c>duplex.allowHalfOpen</c>: when false, the writable side ends as soon as the readable side ends
    /// (default true; sockets use false).</summary>
    public bool AllowHalfOpen { get; set; }

    internal WritableState WritableStateInternal => ws;

    private protected override WritableState? WritableStateCore => ws;

    private protected override bool AllowHalfOpenCore => AllowHalfOpen;

    /// <inheritdoc/>
    protected override void ReadCore(int size)
    {
        if (options?.Read is { } read)
        {
            read(this, size);
        }
        else
        {
            base.ReadCore(size);
        }
    }

    /// <inheritdoc/>
    protected override void DestroyCore(Exception? error, Action<Exception?> callback)
    {
        if (options?.Destroy is { } destroy)
        {
            destroy(this, error, callback);
        }
        else
        {
            callback(error);
        }
    }

    /// <summary>Node's <c>writable._write(chunk, encoding, callback)</c> for the writable side.</summary>
    protected virtual void WriteCore(NodeBuffer chunk, Action<Exception?> callback)
    {
        if (options?.Write is { } write)
        {
            write(this, chunk, callback);
        }
        else if (HasWritev)
        {
            WritevCore([chunk], callback);
        }
        else
        {
            ErrorCodes.Throw("ERR_METHOD_NOT_IMPLEMENTED", "_write()");
        }
    }

    /// <summary>
    /// <c>_write</c> for bytes the caller keeps: a sink that can take them without a chunk object overrides this and
    /// copies what it needs before it returns; the default copies them into a <see cref="NodeBuffer"/>.
    /// </summary>
    protected virtual void WriteCore(ReadOnlySpan<byte> chunk, Action<Exception?> callback) =>
        WriteCore(NodeBuffer.From(chunk), callback);

    /// <summary>Node's <c>writable._writev(chunks, callback)</c> for the writable side, used when <see cref="HasWritev"/>.</summary>
    protected virtual void WritevCore(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback)
    {
        if (options?.Writev is { } writev)
        {
            writev(this, chunks, callback);
        }
        else
        {
            ErrorCodes.Throw("ERR_METHOD_NOT_IMPLEMENTED", "_writev()");
        }
    }

    /// <summary>Whether <see cref="WritevCore"/> is implemented.</summary>
    protected virtual bool HasWritev => options?.Writev is not null;

    /// <summary>Node's <c>writable._final(callback)</c> for the writable side.</summary>
    protected virtual void FinalCore(Action<Exception?> callback)
    {
        if (options?.Final is { } final)
        {
            final(this, callback);
        }
        else
        {
            WritableState.NoFinal(callback);
        }
    }

    private protected override void CallWriteCoreImpl(NodeBuffer chunk, Action<Exception?> callback) => WriteCore(chunk, callback);

    private protected override void CallWriteSpanCoreImpl(ReadOnlySpan<byte> data, WritableState state) => WriteCore(data, state.WriteCallback);

    private protected override void CallWritevCoreImpl(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback) => WritevCore(chunks, callback);

    private protected override bool CallHasWritevImpl => HasWritev;

    private protected override void CallFinalCoreImpl(WritableState state) => FinalCore(state.FinalCallback);

    private protected override void EndFromStateCore() => End();

    /// <summary>Where every public <c>Write</c> overload lands.</summary>
    private protected virtual bool WriteImpl(NodeBuffer chunk, Action<Exception?>? callback) => ws.Write(chunk, callback);

    /// <summary>Where the <c>Write</c> overloads for bytes the caller keeps land.</summary>
    private protected virtual bool WriteSpanImpl(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => ws.WriteSpan(chunk, callback);

    /// <summary>Where every public <c>End</c> overload lands (null chunk: none).</summary>
    private protected virtual void EndImpl(NodeBuffer? chunk, Action<Exception?>? callback) => ws.End(chunk, callback);

    /// <summary>Where the <c>End</c> overloads for bytes the caller keeps land.</summary>
    private protected virtual void EndSpanImpl(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => ws.EndSpan(chunk, callback);

    /// <summary>Node's <c>writable.write(chunk[, callback])</c>.</summary>
    public bool Write(NodeBuffer chunk, Action<Exception?>? callback = null)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return WriteImpl(chunk, callback);
    }

    /// <summary>Node's <c>writable.write(string, encoding[, callback])</c>.</summary>
    public bool Write(string chunk, string encoding = "utf8", Action<Exception?>? callback = null)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return EncodedText.Write(this, chunk, encoding, callback);
    }

    /// <summary>Node's <c>writable.write(uint8array[, callback])</c>; the bytes are copied.</summary>
    public bool Write(ReadOnlyMemory<byte> chunk, Action<Exception?>? callback = null) =>
        WriteSpanImpl(chunk.Span, callback);

    /// <summary>Node's <c>writable.write(uint8array[, callback])</c>; the bytes are copied.</summary>
    public bool Write(byte[] chunk, Action<Exception?>? callback = null)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return WriteSpanImpl(chunk, callback);
    }

    /// <summary>Node's <c>writable.end()</c>: half-close the writable side.</summary>
    public Duplex End()
    {
        EndImpl(null, null);
        return this;
    }

    /// <summary>Node's <c>writable.end(callback)</c>.</summary>
    public Duplex End(Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        EndImpl(null, _ => callback());
        return this;
    }

    /// <summary>Node's <c>writable.end(string, encoding[, callback])</c>.</summary>
    public Duplex End(string data, string encoding = "utf8", Action? callback = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        EncodedText.End(this, data, encoding, StreamCallbacks.FromAction(callback));
        return this;
    }

    /// <summary>Node's <c>writable.end(uint8array[, callback])</c>; the bytes are copied.</summary>
    public Duplex End(ReadOnlyMemory<byte> data, Action? callback = null)
    {
        EndSpanImpl(data.Span, StreamCallbacks.FromAction(callback));
        return this;
    }

    /// <summary>Node's <c>writable.end(buffer[, callback])</c>.</summary>
    public Duplex End(NodeBuffer data, Action? callback = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        EndImpl(data, StreamCallbacks.FromAction(callback));
        return this;
    }

    /// <summary>Node's <c>writable.end([chunk], callback)</c> with the error-first callback, for layers built on streams.</summary>
    internal Duplex End(NodeBuffer? data, Action<Exception?>? callback)
    {
        EndImpl(data, callback);
        return this;
    }

    /// <summary>Node's <c>writable.cork()</c>.</summary>
    public void Cork() => ws.Cork();

    /// <summary>Node's <c>writable.uncork()</c>.</summary>
    public void Uncork() => ws.Uncork();

    /// <summary>Node's <c>duplex.destroy([error])</c>: both sides; pending writes fail; <c>'error'</c> then <c>'close'</c>.</summary>
    public new Duplex Destroy(Exception? error = null)
    {
        DestroyImpl(error);
        return this;
    }

    /// <summary>Node's <c>writable.writable</c>.</summary>
    public bool IsWritable => ws.IsWritable;

    /// <summary>Node's <c>writable.writableEnded</c>.</summary>
    public bool WritableEnded => ws.Ending;

    /// <summary>Node's <c>writable.writableFinished</c>.</summary>
    public bool WritableFinished => ws.Finished;

    /// <summary>Node's <c>writable.writableLength</c>.</summary>
    public int WritableLength => ws.Length;

    /// <summary>Node's <c>writable.writableHighWaterMark</c>.</summary>
    public int WritableHighWaterMark => ws.HighWaterMark;

    /// <summary>Node's <c>writable.writableNeedDrain</c>.</summary>
    public bool WritableNeedDrain => ws.WritableNeedDrain;

    /// <summary>Node's <c>writable.writableCorked</c>.</summary>
    public int WritableCorked => ws.Corked;

    /// <summary>Node's <c>writable.writableAborted</c>.</summary>
    public bool WritableAborted => ws.WritableEnabled && (ws.Destroyed || ws.Errored is not null) && !ws.Finished;

    /// <summary>A read-write <see cref="System.IO.Stream"/> over both sides; disposing ends the writable side.</summary>
    public new Stream AsStream() => new NodeStreamAdapter(this, this, Loop);

    bool IWriteEntry.WriteChunk(NodeBuffer chunk, Action<Exception?>? callback) => WriteImpl(chunk, callback);

    bool IWriteEntry.WriteBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => WriteSpanImpl(chunk, callback);

    void IWriteEntry.EndChunk(NodeBuffer? chunk, Action<Exception?>? callback) => EndImpl(chunk, callback);

    void IWriteEntry.EndBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => EndSpanImpl(chunk, callback);

    IWritable IWritable.End() => End();

    IWritable IWritable.Destroy(Exception? error) => Destroy(error);
}
