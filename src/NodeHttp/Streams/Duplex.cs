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
    protected override void DestroyCore(Exception? error, Action<Exception?> callback) =>
        WritableApi.DefaultDestroy(options?.Destroy, this, error, callback);

    /// <summary>Node's <c>writable._write(chunk, encoding, callback)</c> for the writable side.</summary>
    protected virtual void WriteCore(NodeBuffer chunk, Action<Exception?> callback) => WritableApi.DefaultWrite(options?.Write, this, chunk, callback);

    /// <summary>
    /// <c>_write</c> for bytes the caller keeps: a sink that can take them without a chunk object overrides this and
    /// copies what it needs before it returns; the default copies them into a <see cref="NodeBuffer"/>.
    /// </summary>
    protected virtual void WriteCore(ReadOnlySpan<byte> chunk, Action<Exception?> callback) =>
        WriteCore(NodeBuffer.From(chunk), callback);

    /// <summary>Node's <c>writable._writev(chunks, callback)</c> for the writable side, used when <see cref="HasWritev"/>.</summary>
    protected virtual void WritevCore(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback) =>
        WritableApi.DefaultWritev(options?.Writev, this, chunks, callback);

    /// <summary>Whether <see cref="WritevCore"/> is implemented.</summary>
    protected virtual bool HasWritev => options?.Writev is not null;

    /// <summary>Node's <c>writable._final(callback)</c> for the writable side.</summary>
    protected virtual void FinalCore(Action<Exception?> callback) => WritableApi.DefaultFinal(options?.Final, this, callback);

    private protected override void CallWriteCoreImpl(NodeBuffer chunk, Action<Exception?> callback) => WriteCore(chunk, callback);

    private protected override void CallWriteSpanCoreImpl(ReadOnlySpan<byte> data, WritableState state) => WriteCore(data, state.WriteCallback);

    private protected override void CallWritevCoreImpl(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback) => WritevCore(chunks, callback);

    private protected override bool CallHasWritevImpl => HasWritev;

    private protected override void CallFinalCoreImpl(WritableState state) => FinalCore(state.FinalCallback);

    private protected override void EndFromStateCore() => End();

    // The writable members below are Writable's (Node mixes them into Duplex); their bodies are WritableApi's and
    // the stream state's, shared with Writable.

    /// <inheritdoc cref="Writable.Write(NodeBuffer, Action{Exception?})"/>
    public bool Write(NodeBuffer chunk, Action<Exception?>? callback = null) => WritableApi.Write(this, chunk, callback);

    /// <inheritdoc cref="Writable.Write(string, string, Action{Exception?})"/>
    public bool Write(string chunk, string encoding = "utf8", Action<Exception?>? callback = null) => WritableApi.Write(this, chunk, encoding, callback);

    /// <inheritdoc cref="Writable.Write(ReadOnlyMemory{byte}, Action{Exception?})"/>
    public bool Write(ReadOnlyMemory<byte> chunk, Action<Exception?>? callback = null) => ws.WriteSpan(chunk.Span, callback);

    /// <inheritdoc cref="Writable.Write(byte[], Action{Exception?})"/>
    public bool Write(byte[] chunk, Action<Exception?>? callback = null) => WritableApi.Write(this, chunk, callback);

    /// <summary>Node's <c>writable.end()</c>: half-closes the writable side; <c>'finish'</c> follows once everything is flushed.</summary>
    public Duplex End() => WritableApi.End(this);

    /// <inheritdoc cref="Writable.End(Action)"/>
    public Duplex End(Action callback) => WritableApi.End(this, callback);

    /// <inheritdoc cref="Writable.End(string, string, Action?)"/>
    public Duplex End(string data, string encoding = "utf8", Action? callback = null) => WritableApi.End(this, data, encoding, callback);

    /// <inheritdoc cref="Writable.End(ReadOnlyMemory{byte}, Action?)"/>
    public Duplex End(ReadOnlyMemory<byte> data, Action? callback = null) => WritableApi.End(this, data.Span, callback);

    /// <inheritdoc cref="Writable.End(NodeBuffer, Action?)"/>
    public Duplex End(NodeBuffer data, Action? callback = null) => WritableApi.End(this, data, callback);

    /// <summary>Node's <c>writable.end([chunk], callback)</c> with the error-first callback, for layers built on streams.</summary>
    internal Duplex End(NodeBuffer? data, Action<Exception?>? callback) => WritableApi.End(this, data, callback);

    /// <inheritdoc cref="Writable.Cork"/>
    public void Cork() => ws.Cork();

    /// <inheritdoc cref="Writable.Uncork"/>
    public void Uncork() => ws.Uncork();

    /// <summary>Node's <c>duplex.destroy([error])</c>: both sides; pending writes fail; <c>'error'</c> then <c>'close'</c>.</summary>
    public new Duplex Destroy(Exception? error = null)
    {
        DestroyImpl(error);
        return this;
    }

    /// <inheritdoc cref="Writable.IsWritable"/>
    public bool IsWritable => ws.IsWritable;

    /// <inheritdoc cref="Writable.WritableEnded"/>
    public bool WritableEnded => ws.Ending;

    /// <inheritdoc cref="Writable.WritableFinished"/>
    public bool WritableFinished => ws.Finished;

    /// <inheritdoc cref="Writable.WritableLength"/>
    public int WritableLength => ws.Length;

    /// <inheritdoc cref="Writable.WritableHighWaterMark"/>
    public int WritableHighWaterMark => ws.HighWaterMark;

    /// <inheritdoc cref="Writable.WritableNeedDrain"/>
    public bool WritableNeedDrain => ws.WritableNeedDrain;

    /// <inheritdoc cref="Writable.WritableCorked"/>
    public int WritableCorked => ws.Corked;

    /// <inheritdoc cref="Writable.WritableAborted"/>
    public bool WritableAborted => WritableApi.Aborted(ws);

    /// <summary>A read-write <see cref="System.IO.Stream"/> over both sides; disposing ends the writable side.</summary>
    public new Stream AsStream() => new NodeStreamAdapter(this, this, Loop);

    bool IWriteEntry.WriteChunk(NodeBuffer chunk, Action<Exception?>? callback) => ws.Write(chunk, callback);

    bool IWriteEntry.WriteBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => ws.WriteSpan(chunk, callback);

    void IWriteEntry.EndChunk(NodeBuffer? chunk, Action<Exception?>? callback) => ws.End(chunk, callback);

    void IWriteEntry.EndBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => ws.EndSpan(chunk, callback);

    IWritable IWritable.End() => End();

    IWritable IWritable.Destroy(Exception? error) => Destroy(error);
}
