namespace NodeHttp;

/// <summary>
/// Node's <c>stream.Writable</c>: a sink with highWaterMark back-pressure (<c>Write</c> returns false, then
/// <c>'drain'</c>), <c>Cork</c>/<c>Uncork</c> batching, <c>End</c> → <c>'finish'</c> → <c>'close'</c>, and
/// <c>Destroy</c> (Node 20's state machine, shared with <see cref="Duplex"/>). A stream belongs to the loop that
/// created it; call its members on that loop. Sinks override <see cref="WriteCore(NodeBuffer, Action{Exception?})"/> (Node's <c>_write</c>).
/// </summary>
public partial class Writable : EventEmitter, IWritable, IStreamHost
{
    private readonly WritableState ws;
    private readonly WritableOptions? options;

    /// <summary>Node's <c>new stream.Writable([options])</c>.</summary>
    public Writable(WritableOptions? options = null)
        : this(options, eventCapacity: 2)
    {
    }

    /// <summary>A writable whose emitter usually carries listeners for <paramref name="eventCapacity"/> events.</summary>
    private protected Writable(WritableOptions? options, int eventCapacity)
        : base(eventCapacity)
    {
        Loop = EventLoop.Current ?? EventLoop.Default;
        this.options = options;
        int? hwm = options?.HighWaterMark;
        if (hwm is < 0)
        {
            ErrorCodes.Throw("ERR_INVALID_ARG_VALUE", "options.highWaterMark", hwm);
        }
        ws = new WritableState(this, hwm ?? StreamStateBase.DefaultHighWaterMark, options?.EmitClose ?? true, options?.AutoDestroy ?? true);
    }

    /// <summary>The loop that owns this stream (captured at construction: the calling loop, else <see cref="EventLoop.Default"/>).</summary>
    internal EventLoop Loop { get; }

    internal WritableState WritableStateInternal => ws;

    /// <summary>Node's <c>writable._write(chunk, encoding, callback)</c>: write one chunk, then call <paramref name="callback"/> exactly once.</summary>
    protected virtual void WriteCore(NodeBuffer chunk, Action<Exception?> callback) => WritableApi.DefaultWrite(options?.Write, this, chunk, callback);

    /// <summary>
    /// <c>_write</c> for bytes the caller keeps (<c>Write(ReadOnlyMemory)</c>, <c>Write(byte[])</c>, text): a sink that
    /// can take them where they go without a chunk object overrides this and copies what it needs before it returns.
    /// The default copies them into a <see cref="NodeBuffer"/> for <see cref="WriteCore(NodeBuffer, Action{Exception?})"/>.
    /// </summary>
    protected virtual void WriteCore(ReadOnlySpan<byte> chunk, Action<Exception?> callback) =>
        WriteCore(NodeBuffer.From(chunk), callback);

    /// <summary>Node's <c>writable._writev(chunks, callback)</c>: write several buffered chunks at once
    /// (used after a write in flight completes and by <c>Uncork</c>) when <see cref="HasWritev"/> is true.</summary>
    protected virtual void WritevCore(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback) =>
        WritableApi.DefaultWritev(options?.Writev, this, chunks, callback);

    /// <summary>Whether <see cref="WritevCore"/> is implemented (Node: <c>typeof stream._writev === 'function'</c>).</summary>
    protected virtual bool HasWritev => options?.Writev is not null;

    /// <summary>Node's <c>writable._final(callback)</c>: runs after the last write, before <c>'finish'</c>.</summary>
    protected virtual void FinalCore(Action<Exception?> callback) => WritableApi.DefaultFinal(options?.Final, this, callback);

    /// <summary>Node's <c>writable._destroy(err, callback)</c>: release resources, then call <paramref name="callback"/>.</summary>
    protected virtual void DestroyCore(Exception? error, Action<Exception?> callback) =>
        WritableApi.DefaultDestroy(options?.Destroy, this, error, callback);

    /// <summary>Node's <c>writable.destroy([error])</c>: pending writes fail; <c>'error'</c> (when given) then <c>'close'</c> on the next tick.</summary>
    public Writable Destroy(Exception? error = null)
    {
        DestroyImpl(error);
        return this;
    }

    /// <summary>Where every public <c>Write</c> overload lands; layers that replace Node's write (OutgoingMessage) override it.</summary>
    private protected virtual bool WriteImpl(NodeBuffer chunk, Action<Exception?>? callback) => ws.Write(chunk, callback);

    /// <summary>Where the <c>Write</c> overloads for bytes the caller keeps land.</summary>
    private protected virtual bool WriteSpanImpl(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => ws.WriteSpan(chunk, callback);

    /// <summary>Where every public <c>End</c> overload lands (null chunk: none).</summary>
    private protected virtual void EndImpl(NodeBuffer? chunk, Action<Exception?>? callback) => ws.End(chunk, callback);

    /// <summary>Where the <c>End</c> overloads for bytes the caller keeps land.</summary>
    private protected virtual void EndSpanImpl(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => ws.EndSpan(chunk, callback);

    /// <summary>Where <see cref="Destroy"/> lands.</summary>
    private protected virtual void DestroyImpl(Exception? error)
    {
        ws.BeforeDestroy();
        StreamDestroy.Destroy(ws, error);
    }

    /// <inheritdoc/>
    public virtual bool Destroyed => ws.Destroyed;

    /// <summary>Node's <c>writable.errored</c>.</summary>
    public Exception? Errored => ws.Errored;

    /// <summary>Node's <c>writable.closed</c>: <c>'close'</c> is due or was emitted.</summary>
    public bool Closed => ws.Closed;

    /// <summary>
    /// For <see cref="NodeStream.Finished(EventEmitter, FinishedOptions?, Action{Exception?})"/>: Node's http messages
    /// are legacy streams with no <c>_writableState</c>, which <c>stream.finished</c> settles at <c>'close'</c>,
    /// reading the message's own <c>closed</c> flag. Null for an ordinary writable; a message says whether it closed.
    /// </summary>
    internal virtual bool? LegacyMessageClosed => null;

    /// <summary>The message is a client request (Node's <c>isRequest</c> in end-of-stream.js): it also settles at <c>'abort'</c>.</summary>
    internal virtual bool LegacyMessageIsRequest => false;

    /// <summary>A <see cref="System.IO.Stream"/> over this writable (write-only): <c>WriteAsync</c> waits for <c>'drain'</c>,
    /// disposing ends the stream. Usable from any thread.</summary>
    public Stream AsStream() => new NodeStreamAdapter(null, this, Loop);

    bool IWritable.WriteChunk(NodeBuffer chunk, Action<Exception?>? callback) => WriteImpl(chunk, callback);

    bool IWritable.WriteBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => WriteSpanImpl(chunk, callback);

    void IWritable.EndChunk(NodeBuffer? chunk, Action<Exception?>? callback) => EndImpl(chunk, callback);

    void IWritable.EndBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) => EndSpanImpl(chunk, callback);

    IWritable IWritable.Destroy(Exception? error) => Destroy(error);

    EventLoop IWritable.Loop => Loop;

    WritableState IWritable.WritableStateInternal => ws;

    EventLoop IStreamHost.Loop => Loop;

    EventEmitter IStreamHost.Emitter => this;

    ReadableState? IStreamHost.ReadableStateOrNull => null;

    WritableState? IStreamHost.WritableStateOrNull => ws;

    bool IStreamHost.AllowHalfOpen => true;

    void IStreamHost.DestroyFromState(Exception? error) => DestroyImpl(error);

    void IStreamHost.EndFromState() => EndImpl(null, null);

    void IStreamHost.CallDestroyCore(Exception? error, StreamStateBase owner) => DestroyWithState(error, owner);

    /// <summary>
    /// Runs <c>_destroy</c>, completing through <paramref name="owner"/>. A library type whose
    /// <see cref="DestroyCore"/> cannot be overridden may complete it directly instead, with no callback delegate.
    /// </summary>
    private protected virtual void DestroyWithState(Exception? error, StreamStateBase owner) => DestroyCore(error, owner.DestroyCallback);

    void IStreamHost.CallReadCore(int size) => throw new InvalidOperationException();

    void IStreamHost.CallWriteCore(NodeBuffer chunk, Action<Exception?> callback) => WriteCore(chunk, callback);

    void IStreamHost.CallWriteSpanCore(ReadOnlySpan<byte> data, WritableState state) => WriteSpanWithState(data, state);

    /// <summary>
    /// Runs the span <c>_write</c>, completing through <paramref name="state"/>. A library type whose
    /// <see cref="WriteCore(ReadOnlySpan{byte}, Action{Exception?})"/> cannot be overridden may complete it directly
    /// instead, with no callback delegate.
    /// </summary>
    private protected virtual void WriteSpanWithState(ReadOnlySpan<byte> data, WritableState state) => WriteCore(data, state.WriteCallback);

    void IStreamHost.CallWritevCore(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback) => WritevCore(chunks, callback);

    bool IStreamHost.CallHasWritev => HasWritev;

    void IStreamHost.CallFinalCore(WritableState state) => FinalWithState(state);

    /// <summary>
    /// Runs <c>_final</c>, completing through <paramref name="state"/>. A library type whose
    /// <see cref="FinalCore"/> cannot be overridden may complete it directly instead, with no callback delegate.
    /// </summary>
    private protected virtual void FinalWithState(WritableState state) => FinalCore(state.FinalCallback);

    void IStreamHost.EmitFinish() => OnFinish();

    /// <summary>
    /// Raises <c>'finish'</c> (Node's <c>stream.emit('finish')</c> at the end of <c>finish()</c>). A stream that acts
    /// at that moment overrides it and calls the base where its listeners are to run.
    /// </summary>
    private protected virtual void OnFinish() => Emit(StreamEvents.Finish);
}
