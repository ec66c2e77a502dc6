namespace NodeHttp;

/// <summary>
/// Node's <c>stream.Duplex</c>: a <see cref="Readable"/> that is also writable, with the same writable state machine as
/// <see cref="Writable"/> and Node's <c>allowHalfOpen</c> rule; its writable members (<c>Write</c>, <c>End</c>, …) are
/// <see cref="Writable"/>'s, from <see cref="WritableExtensions"/>. Sockets are duplexes.
/// </summary>
public partial class Duplex : Readable, IWritable
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
        rs.HasOtherSide = true;
        ws.HasOtherSide = true;
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

    // The writable side's hooks are Writable's (a Duplex subclass overrides them as a Writable's would); their
    // option-driven defaults are WritableApi's.

    /// <inheritdoc cref="Writable.WriteCore(NodeBuffer, Action{Exception?})"/>
    protected virtual void WriteCore(NodeBuffer chunk, Action<Exception?> callback) => WritableApi.DefaultWrite(options?.Write, this, chunk, callback);

    /// <inheritdoc cref="Writable.WriteCore(ReadOnlySpan{byte}, Action{Exception?})"/>
    protected virtual void WriteCore(ReadOnlySpan<byte> chunk, Action<Exception?> callback) => WriteCore(NodeBuffer.From(chunk), callback);

    /// <inheritdoc cref="Writable.WritevCore"/>
    protected virtual void WritevCore(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback) => WritableApi.DefaultWritev(options?.Writev, this, chunks, callback);

    /// <inheritdoc cref="Writable.HasWritev"/>
    protected virtual bool HasWritev => options?.Writev is not null;

    /// <inheritdoc cref="Writable.FinalCore"/>
    protected virtual void FinalCore(Action<Exception?> callback) => WritableApi.DefaultFinal(options?.Final, this, callback);

    private protected override void CallWriteCoreImpl(NodeBuffer chunk, Action<Exception?> callback) => WriteCore(chunk, callback);

    private protected override void CallWriteSpanCoreImpl(ReadOnlySpan<byte> data, WritableState state) => WriteCore(data, state.WriteCallback);

    private protected override void CallWritevCoreImpl(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback) => WritevCore(chunks, callback);

    private protected override bool CallHasWritevImpl => HasWritev;

    private protected override void CallFinalCoreImpl(WritableState state) => FinalCore(state.FinalCallback);

    private protected override void EndFromStateCore() => ws.End(null, null);

    /// <summary>Node's <c>duplex.destroy([error])</c>: both sides; pending writes fail; <c>'error'</c> then <c>'close'</c>.</summary>
    public new Duplex Destroy(Exception? error = null)
    {
        DestroyImpl(error);
        return this;
    }

    /// <summary>A read-write <see cref="System.IO.Stream"/> over both sides; disposing ends the writable side.</summary>
    public new Stream AsStream() => new NodeStreamAdapter(this, this, Loop);

    bool IWritable.WriteChunk(NodeBuffer chunk, Action<Exception?>? callback) => ws.Write(chunk, callback);

    bool IWritable.WriteBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => ws.WriteSpan(chunk, callback);

    void IWritable.EndChunk(NodeBuffer? chunk, Action<Exception?>? callback) => ws.End(chunk, callback);

    void IWritable.EndBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => ws.EndSpan(chunk, callback);

    IWritable IWritable.Destroy(Exception? error) => Destroy(error);

    EventLoop IWritable.Loop => Loop;

    WritableState IWritable.WritableStateInternal => ws;
}
