namespace NodeHttp;

/// <summary>
/// Node's <c>stream.Readable</c>: a source of <see cref="NodeBuffer"/> chunks with highWaterMark back-pressure,
/// flowing and paused modes, <c>Read()</c>/<c>'readable'</c>, <c>Pipe</c>, <c>SetEncoding</c> and <c>Destroy</c>
/// (Node 20's state machine). A stream belongs to the loop that created it; call its members on that loop.
/// Producers override <see cref="ReadCore"/> (Node's <c>_read</c>) and call <see cref="Push(NodeBuffer?)"/>.
/// </summary>
public partial class Readable : EventEmitter, IReadable, IStreamHost
{
    private protected readonly ReadableState rs;
    private readonly Action<Readable, int>? readOption;
    private readonly Action<Readable, Exception?, Action<Exception?>>? destroyOption;

    /// <summary>Node's <c>new stream.Readable([options])</c>.</summary>
    public Readable(ReadableOptions? options = null)
        : this(options?.HighWaterMark, options?.Encoding, options?.EmitClose ?? true, options?.AutoDestroy ?? true)
    {
        readOption = options?.Read;
        destroyOption = options?.Destroy;
    }

    private protected Readable(int? highWaterMark, string? encoding, bool emitClose, bool autoDestroy)
    {
        Loop = EventLoop.Current ?? EventLoop.Default;
        if (highWaterMark is < 0)
        {
            ErrorCodes.Throw("ERR_INVALID_ARG_VALUE", "options.highWaterMark", highWaterMark);
        }
        rs = new ReadableState(this)
        {
            HighWaterMark = highWaterMark ?? StreamStateBase.DefaultHighWaterMark,
            EmitClose = emitClose,
            AutoDestroy = autoDestroy,
        };
        if (!string.IsNullOrEmpty(encoding))
        {
            rs.Decoder = new StringDecoder(encoding);
            rs.Encoding = rs.Decoder.Encoding;
        }
    }

    /// <summary>The loop that owns this stream (captured at construction: the calling loop, else <see cref="EventLoop.Default"/>).</summary>
    internal EventLoop Loop { get; }

    internal ReadableState ReadableStateInternal => rs;

    /// <summary>Node's <c>readable.destroyed</c>.</summary>
    public bool Destroyed => rs.Destroyed;

    /// <summary>Node's <c>readable.readable</c>: true unless destroyed, errored or ended.</summary>
    public bool IsReadable => rs.ReadableEnabled && !rs.Destroyed && !rs.ErrorEmitted && !rs.EndEmitted;

    /// <summary>Node's <c>readable.readableEnded</c>: <c>'end'</c> has been emitted.</summary>
    public bool ReadableEnded => rs.EndEmitted;

    /// <summary>Node's <c>readable.readableHighWaterMark</c>.</summary>
    public int ReadableHighWaterMark => rs.HighWaterMark;

    /// <summary>Node's <c>readable.readableLength</c>: bytes (characters after <c>SetEncoding</c>) buffered.</summary>
    public int ReadableLength => rs.Length;

    /// <summary>Node's <c>readable.readableFlowing</c>: null (no consumer yet), true (flowing) or false (paused).</summary>
    public bool? ReadableFlowing => rs.Flowing;

    /// <summary>Node's <c>readable.readableEncoding</c>.</summary>
    public string? ReadableEncoding => rs.Encoding;

    /// <summary>Node's <c>readable.readableDidRead</c>: some <c>'data'</c> was emitted.</summary>
    public bool ReadableDidRead => rs.DataEmitted;

    /// <summary>Node's <c>readable.readableAborted</c>: destroyed or errored before <c>'end'</c>.</summary>
    public bool ReadableAborted => rs.ReadableEnabled && (rs.Destroyed || rs.Errored is not null) && !rs.EndEmitted;

    /// <summary>Node's <c>readable.errored</c>.</summary>
    public Exception? Errored => rs.Errored ?? WritableStateCore?.Errored;

    /// <summary>Node's <c>readable.closed</c>: <c>'close'</c> is due or was emitted.</summary>
    public bool Closed => rs.Closed;

    // The writable side's state for a Duplex; null here.
    private protected virtual WritableState? WritableStateCore => null;

    private protected virtual bool AllowHalfOpenCore => true;

    /// <summary>Node's <c>readable._read(size)</c>: fetch data and <see cref="Push(NodeBuffer?)"/> it, now or later.</summary>
    /// <param name="size">How many bytes are wanted (advisory; the highWaterMark).</param>
    protected virtual void ReadCore(int size)
    {
        if (readOption is null)
        {
            ErrorCodes.Throw("ERR_METHOD_NOT_IMPLEMENTED", "_read()");
        }
        readOption(this, size);
    }

    /// <summary>Node's <c>readable._destroy(err, callback)</c>: release resources, then call <paramref name="callback"/>.</summary>
    protected virtual void DestroyCore(Exception? error, Action<Exception?> callback)
    {
        if (destroyOption is not null)
        {
            destroyOption(this, error, callback);
        }
        else
        {
            callback(error);
        }
    }

    /// <summary>Node's <c>readable.destroy([error])</c>: <c>'error'</c> (when given) then <c>'close'</c> on the next tick.</summary>
    public Readable Destroy(Exception? error = null)
    {
        DestroyImpl(error);
        return this;
    }

    /// <summary>Where <see cref="Destroy"/> (and autoDestroy) lands; both sides of a Duplex.</summary>
    private protected virtual void DestroyImpl(Exception? error)
    {
        WritableStateCore?.BeforeDestroy();
        StreamDestroy.Destroy(rs, error);
    }

    /// <summary>Node's <c>readable.push(chunk)</c>: queue <paramref name="chunk"/>, or end the stream with null.
    /// Returns false once the buffer reaches the highWaterMark (stop producing until <see cref="ReadCore"/> is called).</summary>
    public bool Push(NodeBuffer? chunk)
    {
        if (chunk is null)
        {
            rs.Reading = false;
            OnEofChunk();
            return false;
        }
        return AddChunkPush(chunk, alreadyDecoded: false);
    }

    /// <summary>Node's <c>readable.push(string, encoding)</c>.</summary>
    public bool Push(string chunk, string encoding = "utf8")
    {
        ArgumentNullException.ThrowIfNull(chunk);
        if (rs.Encoding is not null && SameEncoding(rs.Encoding, encoding))
        {
            return AddChunkPush(chunk, alreadyDecoded: true);
        }
        return AddChunkPush(NodeBuffer.From(chunk, encoding), alreadyDecoded: false);
    }

    /// <summary>Node's <c>readable.unshift(chunk)</c>: put data back at the front of the buffer (null ends the stream).</summary>
    public bool Unshift(NodeBuffer? chunk)
    {
        if (chunk is null)
        {
            rs.Reading = false;
            OnEofChunk();
            return false;
        }
        if (chunk.Length > 0)
        {
            if (rs.EndEmitted)
            {
                StreamDestroy.ErrorOrDestroy(this, ErrorCodes.Create("ERR_STREAM_UNSHIFT_AFTER_END_EVENT"));
            }
            else if (rs.Destroyed || rs.Errored is not null)
            {
                return false;
            }
            else
            {
                // With an encoding set the buffer holds strings, so the unshifted bytes join it decoded.
                AddChunk(rs.Encoding is null ? chunk : chunk.ToString(rs.Encoding), addToFront: true);
            }
        }
        return CanPushMore();
    }

    private static bool SameEncoding(string a, string b) =>
        NodeEncodings.TryParse(a, out NodeEncoding ea) && NodeEncodings.TryParse(b, out NodeEncoding eb) && ea == eb;

    // readableAddChunkPushByteMode
    private bool AddChunkPush(object chunk, bool alreadyDecoded)
    {
        ReadableState state = rs;
        if (ReadableState.ChunkLength(chunk) == 0)
        {
            state.Reading = false;
            MaybeReadMore();
            return CanPushMore();
        }
        if (state.Ended)
        {
            StreamDestroy.ErrorOrDestroy(this, ErrorCodes.Create("ERR_STREAM_PUSH_AFTER_EOF"));
            return false;
        }
        if (state.Destroyed || state.Errored is not null)
        {
            return false;
        }
        state.Reading = false;
        if (state.Decoder is not null && !alreadyDecoded)
        {
            string text = state.Decoder.Write((NodeBuffer)chunk);
            if (text.Length == 0)
            {
                // Only part of a multi-byte character arrived; the decoder holds it for the next chunk.
                MaybeReadMore();
                return CanPushMore();
            }
            chunk = text;
        }
        AddChunk(chunk, addToFront: false);
        return CanPushMore();
    }

    // Below the highWaterMark, or nothing buffered at all (so a highWaterMark of 0 still makes progress).
    private bool CanPushMore() => !rs.Ended && (rs.Length < rs.HighWaterMark || rs.Length == 0);

    private void AddChunk(object chunk, bool addToFront)
    {
        ReadableState state = rs;
        if (state.Flowing == true && state.Length == 0 && !state.Sync && ListenerCount(StreamEvents.Data) > 0)
        {
            // Flowing with an empty buffer: hand the chunk straight to the consumer.
            state.ClearAwaitDrain();
            state.DataEmitted = true;
            EmitData(chunk);
        }
        else
        {
            state.Length += ReadableState.ChunkLength(chunk);
            if (addToFront)
            {
                if (state.BufferIndex > 0)
                {
                    state.Buffer[--state.BufferIndex] = chunk;
                }
                else
                {
                    state.Buffer.Insert(0, chunk);
                }
            }
            else
            {
                state.Buffer.Add(chunk);
            }
            if (state.NeedReadable)
            {
                EmitReadable();
            }
        }
        MaybeReadMore();
    }

    private void EmitData(object chunk)
    {
        if (chunk is string s)
        {
            Emit<string>(StreamEvents.Data, s);
        }
        else
        {
            Emit<NodeBuffer>(StreamEvents.Data, (NodeBuffer)chunk);
        }
    }

    /// <summary>
    /// Called first by <see cref="SetEncoding"/>: a subclass whose bytes are consumed raw by an owner may refuse a
    /// decoder here by throwing (the default accepts).
    /// </summary>
    private protected virtual void OnSetEncoding(string encoding)
    {
    }

    /// <summary>Node's <c>readable.isPaused()</c>.</summary>
    public bool IsPaused() => rs.Paused == true || rs.Flowing == false;

    /// <summary>Node's <c>readable.setEncoding(encoding)</c>: <c>'data'</c> and <c>Read()</c> then give strings,
    /// with multi-byte characters split across chunks decoded whole.</summary>
    public Readable SetEncoding(string encoding)
    {
        OnSetEncoding(encoding);
        var decoder = new StringDecoder(encoding);
        rs.Decoder = decoder;
        rs.Encoding = decoder.Encoding;

        // Convert what is already buffered.
        var content = new System.Text.StringBuilder();
        for (int i = rs.BufferIndex; i < rs.Buffer.Count; i++)
        {
            object? data = rs.Buffer[i];
            content.Append(data is NodeBuffer b ? decoder.Write(b) : (string?)data);
        }
        rs.Buffer.Clear();
        rs.BufferIndex = 0;
        if (content.Length > 0)
        {
            rs.Buffer.Add(content.ToString());
        }
        rs.Length = content.Length;
        return this;
    }

    // Don't raise the highWaterMark past 1 GiB (Node's MAX_HWM).
    private static int ComputeNewHighWaterMark(int n)
    {
        const int MaxHwm = 0x40000000;
        if (n > MaxHwm)
        {
            ErrorCodes.Throw("ERR_OUT_OF_RANGE", "size", "<= 1GiB", n);
        }
        return (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)n);
    }

    // howMuchToRead; a null n is Node's NaN ("whatever is there").
    private int HowMuchToRead(int? n)
    {
        ReadableState state = rs;
        if (n <= 0 || (state.Length == 0 && state.Ended))
        {
            return 0;
        }
        if (n is null)
        {
            // Flowing: one chunk at a time.
            if (state.Flowing == true && state.Length > 0)
            {
                return ReadableState.ChunkLength(state.Buffer[state.BufferIndex]);
            }
            return state.Length;
        }
        if (n.Value <= state.Length)
        {
            return n.Value;
        }
        return state.Ended ? state.Length : 0;
    }

    /// <summary>Node's <c>readable.read([size])</c>: a <see cref="NodeBuffer"/> (a <see cref="string"/> after
    /// <see cref="SetEncoding"/>) of <paramref name="size"/> bytes, or everything buffered; null when not enough is buffered.</summary>
    public object? Read(int? size = null)
    {
        ReadableState state = rs;
        int? nOrig = size;
        if (size is int req && req > state.HighWaterMark)
        {
            state.HighWaterMark = ComputeNewHighWaterMark(req);
        }
        if (size != 0)
        {
            state.EmittedReadable = false;
        }

        // read(0) with enough buffered just triggers 'readable'.
        if (size == 0 && state.NeedReadable
            && ((state.HighWaterMark != 0 ? state.Length >= state.HighWaterMark : state.Length > 0) || state.Ended))
        {
            if (state.Length == 0 && state.Ended)
            {
                EndReadable();
            }
            else
            {
                EmitReadable();
            }
            return null;
        }

        int n = HowMuchToRead(size);
        if (n == 0 && state.Ended)
        {
            if (state.Length == 0)
            {
                EndReadable();
            }
            return null;
        }

        // Decide whether to call _read before taking data, since a synchronous _read may change the buffer.
        bool doRead = state.NeedReadable;
        if (state.Length == 0 || state.Length - n < state.HighWaterMark)
        {
            doRead = true;
        }
        if (state.Ended || state.Reading || state.Destroyed || state.Errored is not null)
        {
            doRead = false;
        }
        else if (doRead)
        {
            state.Reading = true;
            state.Sync = true;
            if (state.Length == 0)
            {
                state.NeedReadable = true;
            }
            try
            {
                ReadCore(state.HighWaterMark);
            }
            catch (Exception ex)
            {
                StreamDestroy.ErrorOrDestroy(this, ex);
            }
            state.Sync = false;
            if (!state.Reading)
            {
                n = HowMuchToRead(nOrig);
            }
        }

        object? ret = n > 0 ? FromList(n) : null;
        if (ret is null)
        {
            state.NeedReadable = state.Length <= state.HighWaterMark;
            n = 0;
        }
        else
        {
            state.Length -= n;
            state.ClearAwaitDrain();
        }

        if (state.Length == 0)
        {
            // Nothing buffered: ask to hear as soon as something arrives.
            if (!state.Ended)
            {
                state.NeedReadable = true;
            }
            // Tried to read past EOF: 'end' on the next tick.
            if (nOrig != n && state.Ended)
            {
                EndReadable();
            }
        }

        if (ret is not null && !state.ErrorEmitted && !state.CloseEmitted)
        {
            state.DataEmitted = true;
            EmitData(ret);
        }
        return ret;
    }

    // fromList: take n units (bytes, or characters with a decoder) off the front of the buffer.
    private object? FromList(int n)
    {
        ReadableState state = rs;
        if (state.Length == 0)
        {
            return null;
        }
        List<object?> buf = state.Buffer;
        int idx = state.BufferIndex;
        int len = buf.Count;
        object ret;
        bool strings = state.Decoder is not null;

        if (n >= state.Length)
        {
            if (len - idx == 1)
            {
                ret = buf[idx]!;
                buf[idx++] = null;
            }
            else if (strings)
            {
                var sb = new System.Text.StringBuilder(state.Length);
                while (idx < len)
                {
                    sb.Append((string)buf[idx]!);
                    buf[idx++] = null;
                }
                ret = sb.ToString();
            }
            else
            {
                var parts = new List<NodeBuffer>(len - idx);
                while (idx < len)
                {
                    parts.Add((NodeBuffer)buf[idx]!);
                    buf[idx++] = null;
                }
                ret = NodeBuffer.Concat(parts);
            }
        }
        else
        {
            object first = buf[idx]!;
            int firstLength = ReadableState.ChunkLength(first);
            if (n < firstLength)
            {
                ret = SliceChunk(first, 0, n);
                buf[idx] = SliceChunk(first, n, firstLength);
            }
            else if (n == firstLength)
            {
                ret = first;
                buf[idx++] = null;
            }
            else if (strings)
            {
                var sb = new System.Text.StringBuilder(n);
                while (idx < len)
                {
                    string str = (string)buf[idx]!;
                    if (n > str.Length)
                    {
                        sb.Append(str);
                        n -= str.Length;
                        buf[idx++] = null;
                    }
                    else
                    {
                        if (n == str.Length)
                        {
                            sb.Append(str);
                            buf[idx++] = null;
                        }
                        else
                        {
                            sb.Append(str, 0, n);
                            buf[idx] = str.Substring(n);
                        }
                        break;
                    }
                }
                ret = sb.ToString();
            }
            else
            {
                byte[] dest = new byte[n];
                int offset = 0;
                while (idx < len)
                {
                    var data = (NodeBuffer)buf[idx]!;
                    int remaining = n - offset;
                    if (remaining > data.Length)
                    {
                        data.Span.CopyTo(dest.AsSpan(offset));
                        offset += data.Length;
                        buf[idx++] = null;
                    }
                    else
                    {
                        data.Span[..remaining].CopyTo(dest.AsSpan(offset));
                        if (remaining == data.Length)
                        {
                            buf[idx++] = null;
                        }
                        else
                        {
                            buf[idx] = data.Slice(remaining);
                        }
                        break;
                    }
                }
                ret = NodeBuffer.Wrap(dest);
            }
        }

        if (idx == len)
        {
            buf.Clear();
            state.BufferIndex = 0;
        }
        else if (idx > 1024)
        {
            buf.RemoveRange(0, idx);
            state.BufferIndex = 0;
        }
        else
        {
            state.BufferIndex = idx;
        }
        return ret;
    }

    private static object SliceChunk(object chunk, int start, int end) => chunk is string s
        ? s.Substring(start, end - start)
        : ((NodeBuffer)chunk).Slice(start, end);

    private void OnEofChunk()
    {
        ReadableState state = rs;
        if (state.Ended)
        {
            return;
        }
        if (state.Decoder is not null)
        {
            string rest = state.Decoder.End();
            if (rest.Length > 0)
            {
                state.Buffer.Add(rest);
                state.Length += rest.Length;
            }
        }
        state.Ended = true;

        if (state.Sync)
        {
            // Inside a synchronous _read: wait a tick so flow() in read() does not re-enter.
            EmitReadable();
        }
        else
        {
            // 'readable' at EOF is synchronous; parts of the ecosystem rely on it.
            state.NeedReadable = false;
            state.EmittedReadable = true;
            EmitReadableNT();
        }
    }

    private void EmitReadable()
    {
        ReadableState state = rs;
        state.NeedReadable = false;
        if (!state.EmittedReadable)
        {
            state.EmittedReadable = true;
            Loop.NextTick(static s => ((Readable)s!).EmitReadableNT(), this);
        }
    }

    // emitReadable_
    private void EmitReadableNT()
    {
        ReadableState state = rs;
        if (!state.Destroyed && state.Errored is null && (state.Length > 0 || state.Ended))
        {
            Emit(StreamEvents.Readable);
            state.EmittedReadable = false;
        }
        // Another 'readable' is needed unless flowing (flow() takes over) or ended, and only below the highWaterMark.
        state.NeedReadable = state.Flowing != true && !state.Ended && state.Length <= state.HighWaterMark;
        Flow();
    }

    private void MaybeReadMore()
    {
        if (!rs.ReadingMore)
        {
            rs.ReadingMore = true;
            Loop.NextTick(static s => ((Readable)s!).MaybeReadMoreNT(), this);
        }
    }

    // maybeReadMore_: fill the buffer up to the highWaterMark (or keep a flowing stream going).
    private void MaybeReadMoreNT()
    {
        ReadableState state = rs;
        while (!state.Reading && !state.Ended
               && (state.Length < state.HighWaterMark || (state.Flowing == true && state.Length == 0)))
        {
            int len = state.Length;
            Read(0);
            if (len == state.Length)
            {
                break;
            }
        }
        state.ReadingMore = false;
    }

    /// <summary>Node's <c>readable.resume()</c>: switch to flowing mode.</summary>
    public Readable Resume()
    {
        ReadableState state = rs;
        if (state.Flowing != true)
        {
            // With a 'readable' listener the stream stays paused, but resume() still runs.
            state.Flowing = !state.ReadableListening;
            if (!state.ResumeScheduled)
            {
                state.ResumeScheduled = true;
                Loop.NextTick(static s => ((Readable)s!).ResumeNT(), this);
            }
        }
        state.Paused = false;
        return this;
    }

    // resume_
    private void ResumeNT()
    {
        ReadableState state = rs;
        if (!state.Reading)
        {
            Read(0);
        }
        state.ResumeScheduled = false;
        Emit(StreamEvents.Resume);
        Flow();
        if (state.Flowing == true && !state.Reading)
        {
            Read(0);
        }
    }

    /// <summary>Node's <c>readable.pause()</c>: stop <c>'data'</c> events; data stays buffered.</summary>
    public Readable Pause()
    {
        ReadableState state = rs;
        if (state.Flowing != false)
        {
            state.Flowing = false;
            Emit(StreamEvents.Pause);
        }
        state.Paused = true;
        return this;
    }

    private void Flow()
    {
        while (rs.Flowing == true && Read() is not null)
        {
        }
    }

    // endReadableNT is queued and has not run yet.
    private bool endReadableQueued;

    private void EndReadable()
    {
        if (!rs.EndEmitted)
        {
            rs.Ended = true;
            if (endReadableQueued)
            {
                // One endReadableNT pending is enough: another queued behind it could only find 'end' emitted.
                return;
            }
            endReadableQueued = true;
            Loop.NextTick(static s => ((Readable)s!).EndReadableNT(), this);
        }
    }

    private void EndReadableNT()
    {
        endReadableQueued = false;
        ReadableState state = rs;
        // A last unshift() may have refilled the buffer.
        if (state.Errored is null && !state.CloseEmitted && !state.EndEmitted && state.Length == 0)
        {
            state.EndEmitted = true;
            Emit(StreamEvents.End);

            WritableState? ws = WritableStateCore;
            if (ws is not null && ws.IsWritable && !AllowHalfOpenCore)
            {
                Loop.NextTick(static s => ((Readable)s!).EndWritableNT(), this);
            }
            else if (state.AutoDestroy)
            {
                // A Duplex is destroyed only once its writable side has finished too.
                bool autoDestroy = ws is null || (ws.AutoDestroy && (ws.Finished || !ws.WritableEnabled));
                if (autoDestroy)
                {
                    DestroyImpl(null);
                }
            }
        }
    }

    private void EndWritableNT()
    {
        WritableState? ws = WritableStateCore;
        if (ws is not null && ws.IsWritable && !ws.Ending && !Destroyed)
        {
            ((IStreamHost)this).EndFromState();
        }
    }

    // Readable.prototype.on, for 'data' and 'readable'.
    // Readable.prototype.on: 'data' starts flowing, 'readable' switches to paused mode.
    private protected override void OnListenerAdded(string eventName)
    {
        ReadableState state = rs;
        if (eventName == StreamEvents.Data)
        {
            state.DataListenerAdded = true;
            state.ReadableListening = ListenerCount(StreamEvents.Readable) > 0;
            // Start flowing unless explicitly paused.
            if (state.Flowing != false)
            {
                Resume();
            }
        }
        else if (eventName == StreamEvents.Readable)
        {
            if (!state.EndEmitted && !state.ReadableListening)
            {
                state.ReadableListening = true;
                state.NeedReadable = true;
                state.Flowing = false;
                state.EmittedReadable = false;
                if (state.Length > 0)
                {
                    EmitReadable();
                }
                else if (!state.Reading)
                {
                    Loop.NextTick(static s => ((Readable)s!).Read(0), this);
                }
            }
        }
    }

    // Readable.prototype.removeListener / removeAllListeners: re-evaluated after this tick so
    // once('readable') cycles keep working.
    private protected override void OnListenerRemoved(string? eventName)
    {
        if (eventName is null || eventName == StreamEvents.Readable)
        {
            Loop.NextTick(static s => ((Readable)s!).UpdateReadableListening(), this);
        }
    }

    private void UpdateReadableListening()
    {
        ReadableState state = rs;
        state.ReadableListening = ListenerCount(StreamEvents.Readable) > 0;
        if (state.ResumeScheduled && state.Paused == false)
        {
            // The upcoming resume_ must flow.
            state.Flowing = true;
        }
        else if (ListenerCount(StreamEvents.Data) > 0)
        {
            Resume();
        }
        else if (!state.ReadableListening)
        {
            state.Flowing = null;
        }
    }

    IReadable IReadable.Unpipe(IWritable? dest) => Unpipe(dest);

    IReadable IReadable.Pause() => Pause();

    IReadable IReadable.Resume() => Resume();

    IReadable IReadable.SetEncoding(string encoding) => SetEncoding(encoding);

    IReadable IReadable.Destroy(Exception? error) => Destroy(error);

    EventLoop IStreamHost.Loop => Loop;

    EventEmitter IStreamHost.Emitter => this;

    ReadableState? IStreamHost.ReadableStateOrNull => rs;

    WritableState? IStreamHost.WritableStateOrNull => WritableStateCore;

    bool IStreamHost.AllowHalfOpen => AllowHalfOpenCore;

    void IStreamHost.DestroyFromState(Exception? error) => DestroyImpl(error);

    void IStreamHost.EndFromState() => EndFromStateCore();

    private protected virtual void EndFromStateCore()
    {
    }

    void IStreamHost.CallDestroyCore(Exception? error, StreamStateBase owner) => DestroyWithState(error, owner);

    /// <summary>
    /// Runs <c>_destroy</c>, completing through <paramref name="owner"/>. A library type whose
    /// <see cref="DestroyCore"/> cannot be overridden may complete it directly instead, with no callback delegate.
    /// </summary>
    private protected virtual void DestroyWithState(Exception? error, StreamStateBase owner) => DestroyCore(error, owner.DestroyCallback);

    void IStreamHost.CallReadCore(int size) => ReadCore(size);

    void IStreamHost.CallWriteCore(NodeBuffer chunk, Action<Exception?> callback) => CallWriteCoreImpl(chunk, callback);

    void IStreamHost.CallWriteSpanCore(ReadOnlySpan<byte> data, WritableState state) => CallWriteSpanCoreImpl(data, state);

    void IStreamHost.CallWritevCore(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback) => CallWritevCoreImpl(chunks, callback);

    bool IStreamHost.CallHasWritev => CallHasWritevImpl;

    void IStreamHost.CallFinalCore(WritableState state) => CallFinalCoreImpl(state);

    private protected virtual void CallWriteCoreImpl(NodeBuffer chunk, Action<Exception?> callback) => throw new InvalidOperationException();

    private protected virtual void CallWriteSpanCoreImpl(ReadOnlySpan<byte> data, WritableState state) => throw new InvalidOperationException();

    private protected virtual void CallWritevCoreImpl(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback) => throw new InvalidOperationException();

    private protected virtual bool CallHasWritevImpl => false;

    private protected virtual void CallFinalCoreImpl(WritableState state) => state.CompleteFinal(null);
}
