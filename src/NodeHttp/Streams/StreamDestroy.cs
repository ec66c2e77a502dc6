namespace NodeHttp;

/// <summary>
/// Node's lib/internal/streams/destroy.js: <c>destroy</c>, <c>errorOrDestroy</c> and the
/// <c>'error'</c>-then-<c>'close'</c> next-tick emission, shared by both sides of a Duplex.
/// </summary>
internal static class StreamDestroy
{
    // destroy(err, cb)
    internal static void Destroy(IStreamHost stream, Exception? error, Action<Exception?>? callback = null)
    {
        ReadableState? r = stream.ReadableStateOrNull;
        WritableState? w = stream.WritableStateOrNull;
        if ((w?.Destroyed ?? false) || (r?.Destroyed ?? false))
        {
            callback?.Invoke(null);
            return;
        }

        CheckError(error, w, r);
        if (w is not null)
        {
            w.Destroyed = true;
        }
        if (r is not null)
        {
            r.Destroyed = true;
        }

        // _destroy(self, err, cb): the hook may call back at most once; later calls are ignored as in Node.
        // A stream is destroyed once, so the call's state lives on one of its states; the stream completes it
        // through that state (a delegate bound to it only where a _destroy hook takes a callback).
        StreamStateBase owner = (StreamStateBase?)w ?? r!;
        owner.BeginDestroyCall(stream, callback);
        try
        {
            stream.CallDestroyCore(error, owner);
        }
        catch (Exception ex)
        {
            owner.CompleteDestroy(ex);
        }
    }

    // The _destroy callback (Node's onDestroy in destroy.js), run through StreamStateBase.CompleteDestroy.
    internal static void OnDestroy(IStreamHost stream, Exception? err, Action<Exception?>? callback)
    {
        ReadableState? r = stream.ReadableStateOrNull;
        WritableState? w = stream.WritableStateOrNull;
        CheckError(err, w, r);
        if (w is not null)
        {
            w.Closed = true;
        }
        if (r is not null)
        {
            r.Closed = true;
        }
        callback?.Invoke(err);
        if (err is not null)
        {
            stream.Loop.NextTick(static s => { var (st, e) = ((IStreamHost, Exception))s!; EmitErrorNT(st, e); EmitCloseNT(st); }, (stream, err));
        }
        else
        {
            stream.Loop.NextTick(static s => EmitCloseNT((IStreamHost)s!), stream);
        }
    }

    // errorOrDestroy(stream, err, sync)
    internal static void ErrorOrDestroy(IStreamHost stream, Exception error, bool sync = false)
    {
        ReadableState? r = stream.ReadableStateOrNull;
        WritableState? w = stream.WritableStateOrNull;
        if ((w?.Destroyed ?? false) || (r?.Destroyed ?? false))
        {
            return;
        }
        if ((r?.AutoDestroy ?? false) || (w?.AutoDestroy ?? false))
        {
            stream.DestroyFromState(error);
            return;
        }
        if (w is not null && w.Errored is null)
        {
            w.Errored = error;
        }
        if (r is not null && r.Errored is null)
        {
            r.Errored = error;
        }
        if (sync)
        {
            stream.Loop.NextTick(static s => { var (st, e) = ((IStreamHost, Exception))s!; EmitErrorNT(st, e); }, (stream, error));
        }
        else
        {
            EmitErrorNT(stream, error);
        }
    }

    private static void CheckError(Exception? error, WritableState? w, ReadableState? r)
    {
        if (error is null)
        {
            return;
        }
        if (w is not null && w.Errored is null)
        {
            w.Errored = error;
        }
        if (r is not null && r.Errored is null)
        {
            r.Errored = error;
        }
    }

    private static void EmitCloseNT(IStreamHost stream)
    {
        ReadableState? r = stream.ReadableStateOrNull;
        WritableState? w = stream.WritableStateOrNull;
        if (w is not null)
        {
            w.CloseEmitted = true;
        }
        if (r is not null)
        {
            r.CloseEmitted = true;
        }
        if ((w?.EmitClose ?? false) || (r?.EmitClose ?? false))
        {
            stream.Emitter.Emit(StreamEvents.Close);
        }
    }

    private static void EmitErrorNT(IStreamHost stream, Exception error)
    {
        ReadableState? r = stream.ReadableStateOrNull;
        WritableState? w = stream.WritableStateOrNull;
        if ((w?.ErrorEmitted ?? false) || (r?.ErrorEmitted ?? false))
        {
            return;
        }
        if (w is not null)
        {
            w.ErrorEmitted = true;
        }
        if (r is not null)
        {
            r.ErrorEmitted = true;
        }
        stream.Emitter.Emit(StreamEvents.Error, error);
    }
}
