namespace NodeHttp;

/// <summary>
/// Node's <c>WritableState</c> and the functions of lib/internal/streams/writable.js that drive it
/// (Node 20): one implementation shared by <see cref="Writable"/> and the writable side of <see cref="Duplex"/>.
/// Owned by the stream's loop; every member runs on that loop's thread.
/// </summary>
internal sealed class WritableState : StreamStateBase
{
    // The callback handed to _write/_writev; made on the first such call and cached, so a write allocates no
    // delegate (and a stream whose writes complete inline never makes one).
    private Action<Exception?>? onWriteDelegate;

    private Action<Exception?> onWrite => onWriteDelegate ??= OnWrite;

    // Writes waiting while one is in flight, corked, or after an error; drained from BufferedIndex. Made on the
    // first write that has to wait: a response written once while idle never needs it.
    private List<BufferedWrite>? bufferedList;
    private List<BufferedWrite> buffered => bufferedList ??= new();
    private int bufferedIndex;
    private bool allNoop = true;

    private Action<Exception?>? writeCallback;
    private int writeLength;

    /// <summary>Bytes handed to the current <c>_write</c>/<c>_writev</c> and not yet completed (Node's <c>state.writelen</c>).</summary>
    internal int WriteLength => writeLength;
    private int pendingCallbacks;

    /// <summary>Node's <c>state.pendingcb</c>: write and end callbacks not yet called.</summary>
    internal int PendingCallbacks => pendingCallbacks;
    // Node's afterWriteTickInfo, kept in the state itself so the usual stream (one tick pending at a time) makes no
    // record object: consecutive synchronous completions with the same callback share one tick.
    // inlineTickQueued: the tick that reads the fields below is queued; inlineTickCurrent: it is the one later
    // completions join (Node's state.afterWriteTickInfo, cleared by whichever tick runs). While it is queued and no
    // longer current, a completion with another callback takes a record object (rare).
    private bool inlineTickQueued;
    private bool inlineTickCurrent;
    private Action<Exception?>? tickCallback;
    private int tickCount;
    private AfterWriteTickInfo? tickRecord;

    // The _final call in progress (Node's callFinal closure), kept in the state: _final runs once per Host.
    private Action<Exception?>? onFinal;
    private bool finalCallbackCalled;
    // Set while end() runs _final right after its own chunk's write queued the after-write tick (see EndAfterWrite).
    private bool finishInWriteTick;
    // finish() is due at the end of the queued after-write tick (instead of in a tick of its own).
    private bool finishAfterWriteTick;
    private List<Action<Exception?>>? onFinished;

    internal bool Ending;
    internal bool Ended;
    internal bool Finished;
    internal bool Writing;
    internal bool Sync = true;
    internal bool NeedDrain;
    internal bool BufferProcessing;
    internal bool Prefinished;
    internal bool FinalCalled;
    internal bool ExpectWriteCallback;
    internal int Corked;

    /// <summary>Node's <c>writable: false</c> Duplex option (the side is disabled, not merely ended).</summary>
    internal bool WritableEnabled = true;

    internal WritableState(IStreamHost stream, int highWaterMark, bool emitClose, bool autoDestroy)
        : base(stream)
    {
        HighWaterMark = highWaterMark;
        EmitClose = emitClose;
        AutoDestroy = autoDestroy;
    }

    // A Duplex's readable side (the stream's other state), else null.
    private ReadableState? OtherReadable => HasOtherSide ? Host.ReadableStateOrNull : null;

    internal int BufferedRequestCount => (bufferedList?.Count ?? 0) - bufferedIndex;

    // writable.writable
    internal bool IsWritable => WritableEnabled && !Destroyed && Errored is null && !Ending && !Ended;

    // writable.writableNeedDrain
    internal bool WritableNeedDrain => !Destroyed && !Ending && NeedDrain;

    // writable.writableAborted: destroyed or errored before 'finish' (a side that was never writable is not).
    internal bool Aborted => WritableEnabled && (Destroyed || Errored is not null) && !Finished;

    // _write(stream, chunk, encoding, cb): returns true to continue, false to wait for 'drain'.
    internal bool Write(NodeBuffer chunk, Action<Exception?>? callback) => WriteOrError(chunk, callback, out _);

    /// <summary>
    /// <c>write(chunk)</c> for bytes the caller keeps: while the stream is idle they go straight to the host's span
    /// <c>_write</c> (which copies them where they go, no chunk object); when they have to wait they are copied into a
    /// chunk and queued as any write.
    /// </summary>
    internal bool WriteSpan(ReadOnlySpan<byte> data, Action<Exception?>? callback)
    {
        if (Ending || Destroyed || Writing || Corked > 0 || Errored is not null)
        {
            return Write(NodeBuffer.From(data), callback);
        }
        pendingCallbacks++;
        bool ret = AddLength(data.Length);
        BeginWrite(data.Length, callback);
        Host.CallWriteSpanCore(data, this);
        Sync = false;
        return ret && Errored is null && !Destroyed;
    }

    /// <summary>The callback of <c>_write</c>, bound to this state (made on first use, then cached).</summary>
    internal Action<Exception?> WriteCallback => onWrite;

    /// <summary>Completes the <c>_write</c> in progress without a delegate, as a call of <see cref="WriteCallback"/> would.</summary>
    internal void CompleteWrite(Exception? error) => OnWrite(error);

    private bool WriteOrError(NodeBuffer chunk, Action<Exception?>? callback, out Exception? error)
    {
        error = null;
        if (Ending)
        {
            error = ErrorCodes.Create("ERR_STREAM_WRITE_AFTER_END");
        }
        else if (Destroyed)
        {
            error = ErrorCodes.Create("ERR_STREAM_DESTROYED", "write");
        }
        if (error is not null)
        {
            if (callback is not null)
            {
                Host.Loop.NextTick(static s => { var (cb, e) = ((Action<Exception?>, Exception))s!; cb(e); }, (callback, error));
            }
            StreamDestroy.ErrorOrDestroy(Host, error, sync: true);
            return false;
        }
        pendingCallbacks++;
        return WriteOrBuffer(chunk, callback);
    }

    // writeOrBuffer: write now when idle, else queue behind the write in flight.
    private bool WriteOrBuffer(NodeBuffer chunk, Action<Exception?>? callback)
    {
        bool ret = AddLength(chunk.Length);
        if (Writing || Corked > 0 || Errored is not null)
        {
            buffered.Add(new BufferedWrite(chunk, callback));
            if (callback is not null)
            {
                allNoop = false;
            }
        }
        else
        {
            BeginWrite(chunk.Length, callback);
            Host.CallWriteCore(chunk, onWrite);
            Sync = false;
        }

        // false when errored or destroyed, to break synchronous while (Write(...)) loops.
        return ret && Errored is null && !Destroyed;
    }

    // writeOrBuffer's accounting: the bytes count as buffered until their write completes; false past the highWaterMark.
    private bool AddLength(int len)
    {
        Length += len;
        bool ret = Length < HighWaterMark;
        if (!ret)
        {
            NeedDrain = true;
        }
        return ret;
    }

    // The state of a write handed to _write/_writev now (the caller clears Sync once the hook returned).
    private void BeginWrite(int len, Action<Exception?>? callback)
    {
        writeLength = len;
        writeCallback = callback;
        Writing = true;
        Sync = true;
        ExpectWriteCallback = true;
    }

    private void DoWrite(bool writev, int len, object chunkOrChunks, Action<Exception?>? callback)
    {
        BeginWrite(len, callback);
        if (Destroyed)
        {
            onWrite(ErrorCodes.Create("ERR_STREAM_DESTROYED", "write"));
        }
        else if (writev)
        {
            Host.CallWritevCore((IReadOnlyList<NodeBuffer>)chunkOrChunks, onWrite);
        }
        else
        {
            Host.CallWriteCore((NodeBuffer)chunkOrChunks, onWrite);
        }
        Sync = false;
    }

    // onwrite(stream, er): the callback of _write/_writev.
    private void OnWrite(Exception? error)
    {
        if (!ExpectWriteCallback)
        {
            StreamDestroy.ErrorOrDestroy(Host, ErrorCodes.Create("ERR_MULTIPLE_CALLBACK"));
            return;
        }
        bool sync = Sync;
        Action<Exception?>? cb = writeCallback;
        Writing = false;
        ExpectWriteCallback = false;
        writeCallback = null;
        Length -= writeLength;
        writeLength = 0;

        if (error is not null)
        {
            Errored ??= error;
            ReadableState? r = OtherReadable;
            if (r is not null && r.Errored is null)
            {
                // A failed write errors the readable side of a Duplex too.
                r.Errored = error;
            }
            if (sync)
            {
                Host.Loop.NextTick(static s => { var (st, e, c) = ((WritableState, Exception, Action<Exception?>?))s!; st.OnWriteError(e, c); }, (this, error, cb));
            }
            else
            {
                OnWriteError(error, cb);
            }
            return;
        }

        if (BufferedRequestCount > 0)
        {
            ClearBuffer();
        }

        if (sync)
        {
            // Consecutive synchronous completions with the same callback share one tick (Node's afterWriteTickInfo).
            if (tickRecord is not null ? tickRecord.Callback == cb : inlineTickCurrent && tickCallback == cb)
            {
                if (tickRecord is not null)
                {
                    tickRecord.Count++;
                }
                else
                {
                    tickCount++;
                }
            }
            else if (!inlineTickQueued)
            {
                inlineTickQueued = true;
                inlineTickCurrent = true;
                tickRecord = null;
                tickCallback = cb;
                tickCount = 1;
                Host.Loop.NextTick(static s => ((WritableState)s!).RunInlineTick(), this);
            }
            else
            {
                // The state's own tick is still queued with its values: this one needs a record of its own.
                inlineTickCurrent = false;
                tickRecord = new AfterWriteTickInfo(this) { Callback = cb, Count = 1 };
                Host.Loop.NextTick(static s => ((AfterWriteTickInfo)s!).Run(), tickRecord);
            }
        }
        else
        {
            AfterWrite(1, cb);
        }
    }

    private void OnWriteError(Exception error, Action<Exception?>? cb)
    {
        pendingCallbacks--;
        cb?.Invoke(error);
        // Buffered writes fail too, even without autoDestroy; 'error' must follow the callback.
        ErrorBuffer();
        StreamDestroy.ErrorOrDestroy(Host, error);
    }

    private void AfterWrite(int count, Action<Exception?>? cb)
    {
        bool needDrain = !Ending && !Destroyed && Length == 0 && NeedDrain;
        if (needDrain)
        {
            NeedDrain = false;
            Host.Emitter.Emit(StreamEvents.Drain);
        }
        while (count-- > 0)
        {
            pendingCallbacks--;
            cb?.Invoke(null);
        }
        if (Destroyed)
        {
            ErrorBuffer();
        }
        FinishMaybe(sync: false);
    }

    // errorBuffer(state): fail every queued write and end callback after destroy or a write error.
    internal void ErrorBuffer()
    {
        if (Writing)
        {
            return;
        }
        for (int n = bufferedIndex; n < (bufferedList?.Count ?? 0); n++)
        {
            BufferedWrite entry = buffered[n];
            Length -= entry.Chunk.Length;
            entry.Callback?.Invoke(Errored ?? ErrorCodes.Create("ERR_STREAM_DESTROYED", "write"));
        }
        CallFinishedCallbacks(Errored ?? ErrorCodes.Create("ERR_STREAM_DESTROYED", "end"));
        ResetBuffer();
    }

    private void ResetBuffer()
    {
        bufferedList?.Clear();
        bufferedIndex = 0;
        allNoop = true;
    }

    // clearBuffer(stream, state): flush queued writes, as one _writev when there are several and it exists.
    private void ClearBuffer()
    {
        if (Corked > 0 || BufferProcessing || Destroyed)
        {
            return;
        }
        int bufferedLength = BufferedRequestCount;
        if (bufferedLength == 0)
        {
            return;
        }

        int i = bufferedIndex;
        BufferProcessing = true;
        if (bufferedLength > 1 && Host.CallHasWritev)
        {
            pendingCallbacks -= bufferedLength - 1;
            var chunks = new NodeBuffer[bufferedLength];
            Action<Exception?>? callback = allNoop ? null : WritevCallback(i, bufferedLength);
            for (int n = 0; n < bufferedLength; n++)
            {
                chunks[n] = buffered[i + n].Chunk;
            }
            // The whole buffer is being written: reset before the hook runs, as it may write again synchronously.
            ResetBuffer();
            DoWrite(true, Length, chunks, callback);
        }
        else
        {
            do
            {
                BufferedWrite entry = buffered[i];
                buffered[i++] = default;
                DoWrite(false, entry.Chunk.Length, entry.Chunk, entry.Callback);
            }
            while (i < buffered.Count && !Writing);

            if (i == buffered.Count)
            {
                ResetBuffer();
            }
            else if (i > 256)
            {
                buffered.RemoveRange(0, i);
                bufferedIndex = 0;
            }
            else
            {
                bufferedIndex = i;
            }
        }
        BufferProcessing = false;
    }

    // The callback of a _writev over buffered[first..first+count]: each buffered write's own, in order. With only one
    // (a framed chunk's writes carry one callback, on their last piece) it is that one, with no array or closure.
    private Action<Exception?>? WritevCallback(int first, int count)
    {
        Action<Exception?>? only = null;
        int callbacksFound = 0;
        for (int n = 0; n < count; n++)
        {
            if (buffered[first + n].Callback is { } c)
            {
                only = c;
                callbacksFound++;
            }
        }
        if (callbacksFound <= 1)
        {
            return only;
        }
        var callbacks = new Action<Exception?>?[count];
        for (int n = 0; n < count; n++)
        {
            callbacks[n] = buffered[first + n].Callback;
        }
        return err =>
        {
            foreach (Action<Exception?>? c in callbacks)
            {
                c?.Invoke(err);
            }
        };
    }

    internal void Cork() => Corked++;

    internal void Uncork()
    {
        if (Corked > 0)
        {
            Corked--;
            if (!Writing)
            {
                ClearBuffer();
            }
        }
    }

    // Writable.prototype.end(chunk, encoding, cb)
    internal void End(NodeBuffer? chunk, Action<Exception?>? callback)
    {
        Exception? error = null;
        bool tickQueued = inlineTickQueued;
        if (chunk is not null)
        {
            WriteOrError(chunk, null, out error);
        }
        EndAfterWrite(error, callback, finishJoinsTick: !tickQueued && inlineTickQueued);
    }

    /// <summary><c>end(chunk, cb)</c> for bytes the caller keeps (see <see cref="WriteSpan"/>).</summary>
    internal void EndSpan(ReadOnlySpan<byte> chunk, Action<Exception?>? callback)
    {
        if (Ending || Destroyed)
        {
            End(NodeBuffer.From(chunk), callback);
            return;
        }
        bool tickQueued = inlineTickQueued;
        WriteSpan(chunk, null);
        EndAfterWrite(null, callback, finishJoinsTick: !tickQueued && inlineTickQueued);
    }

    // finishJoinsTick: the chunk given to end() completed at once and queued the after-write tick; nothing runs between
    // that write and end(), so 'finish' comes in that tick rather than one of its own (Node's http response gets one
    // tick, its socket's, for res.end(data)).
    private void EndAfterWrite(Exception? error, Action<Exception?>? callback, bool finishJoinsTick = false)
    {
        // end() fully uncorks.
        if (Corked > 0)
        {
            Corked = 1;
            Uncork();
        }

        if (error is not null)
        {
            // the write already reported it
        }
        else if (Errored is null && !Ending)
        {
            Ending = true;
            finishInWriteTick = finishJoinsTick;
            FinishMaybe(sync: true);
            finishInWriteTick = false;
            Ended = true;
        }
        else if (Finished)
        {
            error = ErrorCodes.Create("ERR_STREAM_ALREADY_FINISHED", "end");
        }
        else if (Destroyed)
        {
            error = ErrorCodes.Create("ERR_STREAM_DESTROYED", "end");
        }

        if (callback is not null)
        {
            if (error is not null || Finished)
            {
                Host.Loop.NextTick(static s => { var (cb, e) = ((Action<Exception?>, Exception?))s!; cb(e); }, (callback, error));
            }
            else
            {
                (onFinished ??= new()).Add(callback);
            }
        }
    }

    // Writable.prototype.destroy: queued writes and end callbacks fail on the next tick.
    internal void BeforeDestroy()
    {
        if (!Destroyed && (BufferedRequestCount > 0 || (onFinished?.Count ?? 0) > 0))
        {
            Host.Loop.NextTick(static s => ((WritableState)s!).ErrorBuffer(), this);
        }
    }

    private bool NeedFinish() =>
        Ending && !Destroyed && Length == 0 && Errored is null && (bufferedList?.Count ?? 0) == 0
        && !Finished && !Writing && !ErrorEmitted && !CloseEmitted;

    private void FinishMaybe(bool sync)
    {
        if (!NeedFinish())
        {
            return;
        }
        Prefinish();
        if (pendingCallbacks == 0)
        {
            if (sync)
            {
                pendingCallbacks++;
                Host.Loop.NextTick(static s =>
                {
                    var st = (WritableState)s!;
                    if (st.NeedFinish())
                    {
                        st.Finish();
                    }
                    else
                    {
                        st.pendingCallbacks--;
                    }
                }, this);
            }
            else if (NeedFinish())
            {
                pendingCallbacks++;
                Finish();
            }
        }
    }

    private void Prefinish()
    {
        if (Prefinished || FinalCalled)
        {
            return;
        }
        if (!Destroyed)
        {
            FinalCalled = true;
            CallFinal();
        }
        else
        {
            Prefinished = true;
            Host.Emitter.Emit(StreamEvents.Prefinish);
        }
    }

    // callFinal(stream, state)
    private void CallFinal()
    {
        // _final runs once per stream and completes through this state: its callback is bound to the state (no
        // per-call object), and made only for a _final that takes one (see FinalCallback).
        finalCallbackCalled = false;
        Sync = true;
        pendingCallbacks++;
        try
        {
            Host.CallFinalCore(this);
        }
        catch (Exception ex)
        {
            OnFinalCallback(ex);
        }
        Sync = false;
    }

    /// <summary>
    /// The callback handed to a <c>_final</c> hook, bound to this state; made once per stream, and only for a hook
    /// that takes a callback (the library's own message types complete through <see cref="CompleteFinal"/>).
    /// </summary>
    internal Action<Exception?> FinalCallback => onFinal ??= OnFinalCallback;

    /// <summary>Completes <c>_final</c> without a delegate, as a call of <see cref="FinalCallback"/> would.</summary>
    internal void CompleteFinal(Exception? error) => OnFinalCallback(error);

    /// <summary>
    /// The base <c>FinalCore</c> with no <c>final</c> option: Node then has no <c>_final</c> at all, so
    /// <c>'prefinish'</c> is emitted at once and <c>'finish'</c> waits for the pending write callbacks.
    /// </summary>
    internal static void NoFinal(Action<Exception?> callback)
    {
        if (callback.Target is WritableState state && callback == state.onFinal)
        {
            state.OnNoFinal();
        }
        else
        {
            callback(null);
        }
    }

    private void OnNoFinal()
    {
        if (finalCallbackCalled || !Sync)
        {
            // Reached asynchronously (an override that defers to the base): finish the normal way.
            OnFinalCallback(null);
            return;
        }
        finalCallbackCalled = true;
        pendingCallbacks--;
        Prefinished = true;
        Host.Emitter.Emit(StreamEvents.Prefinish);
    }

    // The _final callback: it may run once; a second call is ERR_MULTIPLE_CALLBACK.
    private void OnFinalCallback(Exception? error)
    {
        if (finalCallbackCalled)
        {
            StreamDestroy.ErrorOrDestroy(Host, error ?? ErrorCodes.Create("ERR_MULTIPLE_CALLBACK"));
            return;
        }
        finalCallbackCalled = true;
        pendingCallbacks--;
        if (error is not null)
        {
            CallFinishedCallbacks(error);
            StreamDestroy.ErrorOrDestroy(Host, error, Sync);
        }
        else if (NeedFinish())
        {
            Prefinished = true;
            Host.Emitter.Emit(StreamEvents.Prefinish);
            pendingCallbacks++;
            if (finishInWriteTick && inlineTickQueued && inlineTickCurrent)
            {
                // The after-write tick already queued runs finish() right after its own work.
                finishAfterWriteTick = true;
                return;
            }
            Host.Loop.NextTick(static s => ((WritableState)s!).Finish(), this);
        }
    }

    private void Finish()
    {
        pendingCallbacks--;
        Finished = true;
        CallFinishedCallbacks(null);
        Host.EmitFinish();

        if (AutoDestroy)
        {
            // A Duplex is destroyed only once its readable side has ended too.
            ReadableState? r = OtherReadable;
            bool autoDestroy = r is null || (r.AutoDestroy && (r.EndEmitted || !r.ReadableEnabled));
            if (autoDestroy)
            {
                Host.DestroyFromState(null);
            }
        }
    }

    private void CallFinishedCallbacks(Exception? error)
    {
        if (onFinished is null || onFinished.Count == 0)
        {
            return;
        }
        Action<Exception?>[] callbacks = onFinished.ToArray();
        onFinished.Clear();
        foreach (Action<Exception?> cb in callbacks)
        {
            cb(error);
        }
    }

    private readonly record struct BufferedWrite(NodeBuffer Chunk, Action<Exception?>? Callback);

    private void RunInlineTick()
    {
        inlineTickQueued = false;
        inlineTickCurrent = false;
        tickRecord = null;
        int count = tickCount;
        Action<Exception?>? callback = tickCallback;
        tickCallback = null;
        AfterWrite(count, callback);
        if (finishAfterWriteTick)
        {
            finishAfterWriteTick = false;
            Finish();
        }
    }

    // Node's afterWriteTickInfo as an object, for a tick queued while the state's own one is still pending.
    private sealed class AfterWriteTickInfo(WritableState state)
    {
        internal Action<Exception?>? Callback;
        internal int Count;

        internal void Run()
        {
            state.inlineTickCurrent = false;
            state.tickRecord = null;
            state.AfterWrite(Count, Callback);
        }
    }
}
