using System.Runtime.CompilerServices;

namespace NodeHttp;

/// <summary>
/// Node's lib/internal/streams/destroy.js: <c>destroy</c>, <c>errorOrDestroy</c> and the
/// <c>'error'</c>-then-<c>'close'</c> next-tick emission, shared by both sides of a Duplex.
/// </summary>
internal static class StreamDestroy
{
    // Both states of the stream that owns state: the second one only for a Duplex, which asks its host for it (the
    // states of a plain Readable or Writable, the usual request and response, are found without an interface call).
    // Returned as a pair, not through out parameters: a reference stored through one takes the checked write barrier.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (ReadableState? R, WritableState? W) Sides(StreamStateBase state)
    {
        if (state is ReadableState readable)
        {
            return (readable, state.HasOtherSide ? state.Host.WritableStateOrNull : null);
        }
        return (state.HasOtherSide ? state.Host.ReadableStateOrNull : null, (WritableState)state);
    }

    // destroy(err, cb), for the stream that owns state.
    internal static void Destroy(StreamStateBase state, Exception? error, Action<Exception?>? callback = null)
    {
        (ReadableState? r, WritableState? w) = Sides(state);
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
        owner.BeginDestroyCall(callback);
        try
        {
            state.Host.CallDestroyCore(error, owner);
        }
        catch (Exception ex)
        {
            owner.CompleteDestroy(ex);
        }
    }

    // The _destroy callback (Node's onDestroy in destroy.js), run through StreamStateBase.CompleteDestroy.
    internal static void OnDestroy(StreamStateBase state, Exception? err, Action<Exception?>? callback)
    {
        (ReadableState? r, WritableState? w) = Sides(state);
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
            state.Host.Loop.NextTick(static s => { var (st, e) = ((StreamStateBase, Exception))s!; EmitErrorNT(st, e); EmitCloseNT(st); }, (state, err));
        }
        else
        {
            state.Host.Loop.NextTick(static s => EmitCloseNT((StreamStateBase)s!), state);
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
        StreamStateBase state = (StreamStateBase?)r ?? w!;
        if (sync)
        {
            stream.Loop.NextTick(static s => { var (st, e) = ((StreamStateBase, Exception))s!; EmitErrorNT(st, e); }, (state, error));
        }
        else
        {
            EmitErrorNT(state, error);
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

    private static void EmitCloseNT(StreamStateBase state)
    {
        (ReadableState? r, WritableState? w) = Sides(state);
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
            state.Host.Emitter.Emit(StreamEvents.Close);
        }
    }

    private static void EmitErrorNT(StreamStateBase state, Exception error)
    {
        (ReadableState? r, WritableState? w) = Sides(state);
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
        state.Host.Emitter.Emit(StreamEvents.Error, error);
    }
}
