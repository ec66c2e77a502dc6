namespace NodeHttp;

/// <summary>
/// Functions of Node's <c>stream</c> module that work on any stream (Node's <c>require('stream')</c>; named
/// <c>NodeStream</c> beside <see cref="System.IO.Stream"/>): <see cref="Finished(EventEmitter, Action{Exception?})"/>
/// and its task form <see cref="FinishedAsync"/>, and <see cref="DuplexPair"/>.
/// </summary>
public static class NodeStream
{
    /// <summary>
    /// Node's <c>stream.duplexPair([options])</c> (Node 20.20 and 22.6+): two duplexes joined back to back, so what one
    /// side writes the other reads. A write completes once the other side's reader asks for more (a side nobody reads
    /// holds its writer back, as a full socket would); ending one side ends the other's data, and the end completes
    /// once that side emitted <c>'end'</c>. Destroying one side leaves the other alone, as in Node.
    /// </summary>
    /// <remarks>
    /// With <c>Socket.FromDuplex</c> it carries HTTP in memory: hand one side to a server with
    /// <c>server.Emit("connection", side)</c> and return the other, as a socket, from a request's
    /// <c>RequestOptions.CreateConnection</c>. The sides belong to the calling loop.
    /// </remarks>
    /// <param name="options">Options for both sides (Node passes them to both); the read, write and final hooks are the
    /// pair's own, so those of <paramref name="options"/> are not used.</param>
    /// <returns>The two sides.</returns>
    public static (Duplex A, Duplex B) DuplexPair(DuplexOptions? options = null)
    {
        var a = new DuplexPairSide(options);
        var b = new DuplexPairSide(options);
        a.Other = b;
        b.Other = a;
        return (a, b);
    }

    /// <summary>
    /// Node's <c>stream.finished(stream, callback)</c>: calls <paramref name="callback"/> once when
    /// <paramref name="stream"/> is done — its readable side ended and its writable side finished, or it closed — with
    /// null, or with its error (<c>ERR_STREAM_PREMATURE_CLOSE</c> when it closed before it was done). Attached to a
    /// stream that is already done, the callback comes on the next tick.
    /// </summary>
    /// <param name="stream">A <see cref="Readable"/>, a <see cref="Writable"/> or a <see cref="Duplex"/>: a socket, a
    /// request or a response.</param>
    /// <param name="callback">Called once, on the stream's loop.</param>
    /// <returns>Node's cleanup function: removes the listeners this call added; the callback is then not called.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="callback"/> is null.</exception>
    /// <exception cref="NodeHttpException"><c>ERR_INVALID_ARG_TYPE</c>: <paramref name="stream"/> is not a stream.</exception>
    /// <remarks>
    /// As in Node, a server response or a client request is done at its <c>'close'</c> (after <c>'finish'</c>, once
    /// the message let go of its socket), an incoming message at its <c>'close'</c> after <c>'end'</c>, and a socket at
    /// <c>'end'</c> and <c>'finish'</c>. The call adds an <c>'error'</c> listener (unless <see cref="FinishedOptions.Error"/>
    /// is false), so an error it reports is not also raised as unhandled. Made off the stream's loop, the call is
    /// queued onto it.
    /// </remarks>
    public static Action Finished(EventEmitter stream, Action<Exception?> callback) => Finished(stream, null, callback);

    /// <summary>Node's <c>stream.finished(stream, options, callback)</c>; see <see cref="Finished(EventEmitter, Action{Exception?})"/>.</summary>
    /// <param name="stream">A <see cref="Readable"/>, a <see cref="Writable"/> or a <see cref="Duplex"/>.</param>
    /// <param name="options">Which sides to wait for, whether <c>'error'</c> counts, and a cancellation signal; null for the defaults.</param>
    /// <param name="callback">Called once, on the stream's loop.</param>
    /// <returns>Node's cleanup function: removes the listeners this call added; the callback is then not called.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="callback"/> is null.</exception>
    /// <exception cref="NodeHttpException"><c>ERR_INVALID_ARG_TYPE</c>: <paramref name="stream"/> is not a stream.</exception>
    public static Action Finished(EventEmitter stream, FinishedOptions? options, Action<Exception?> callback)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(callback);
        if (stream is not IStreamHost host)
        {
            throw ErrorCodes.Create("ERR_INVALID_ARG_TYPE", "stream", "an instance of Readable, Writable or Duplex", stream.GetType().Name);
        }
        var wait = new FinishedWait(stream, host, options, callback);
        if (host.Loop.IsOnLoop)
        {
            wait.Attach();
        }
        else
        {
            host.Loop.Execute(static w => ((FinishedWait)w!).Attach(), wait);
        }
        return wait.Cleanup;
    }

    /// <summary>
    /// Node's <c>require('stream/promises').finished(stream[, options])</c>: a task that completes when
    /// <paramref name="stream"/> is done and fails with its error; see <see cref="Finished(EventEmitter, Action{Exception?})"/>.
    /// May be called from any thread.
    /// </summary>
    /// <param name="stream">A <see cref="Readable"/>, a <see cref="Writable"/> or a <see cref="Duplex"/>.</param>
    /// <param name="options">Which sides to wait for, whether <c>'error'</c> counts, and a signal; null for the defaults.</param>
    /// <param name="cancellationToken">Stops the wait: the listeners are removed and the task is cancelled.</param>
    /// <returns>A task completing when the stream is done.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is null.</exception>
    /// <exception cref="NodeHttpException"><c>ERR_INVALID_ARG_TYPE</c>: <paramref name="stream"/> is not a stream; (in
    /// the task) the stream's error, <c>ERR_STREAM_PREMATURE_CLOSE</c>, or <c>ABORT_ERR</c> for
    /// <see cref="FinishedOptions.Signal"/>.</exception>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task FinishedAsync(EventEmitter stream, FinishedOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationTokenRegistration registration = default;
        Action cleanup = Finished(stream, options, error =>
        {
            registration.Dispose();
            if (error is null)
            {
                done.TrySetResult();
            }
            else
            {
                done.TrySetException(error);
            }
        });
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.Register(() =>
            {
                cleanup();
                done.TrySetCanceled(cancellationToken);
            });
            if (done.Task.IsCompleted)
            {
                registration.Dispose();
            }
        }
        return done.Task;
    }

    /// <summary>
    /// One wait of Node's <c>eos</c> (lib/internal/streams/end-of-stream.js, Node 20): its flags and its listeners.
    /// Owned by the stream's loop. Node's http messages have no <c>_writableState</c> there (they are legacy streams),
    /// which the messages here say through <see cref="Writable.LegacyMessageClosed"/>.
    /// </summary>
    private sealed class FinishedWait
    {
        private readonly EventEmitter stream;
        private readonly IStreamHost host;
        private readonly FinishedOptions? options;
        private readonly Writable? message;
        private readonly Action onFinishListener;
        private readonly Action onEndListener;
        private readonly Action onCloseListener;
        private readonly Action<Exception> onErrorListener;
        private Action<Exception?>? callback;
        private CancellationTokenRegistration signalRegistration;
        private bool readable;
        private bool writable;
        private bool willEmitClose;
        private bool writableFinished;
        private bool readableFinished;
        private bool attached;
        private bool cleanedUp;

        internal FinishedWait(EventEmitter stream, IStreamHost host, FinishedOptions? options, Action<Exception?> callback)
        {
            this.stream = stream;
            this.host = host;
            this.options = options;
            this.callback = callback;
            message = stream is Writable w && w.LegacyMessageClosed is not null ? w : null;
            onFinishListener = OnFinish;
            onEndListener = OnEnd;
            onCloseListener = OnClose;
            onErrorListener = OnError;
        }

        internal Action Cleanup => RequestCleanup;

        private ReadableState? RState => message is null ? host.ReadableStateOrNull : null;

        private WritableState? WState => message is null ? host.WritableStateOrNull : null;

        internal void Attach()
        {
            if (cleanedUp)
            {
                return;
            }
            attached = true;
            readable = options?.Readable ?? IsReadableNodeStream(strict: false);
            writable = options?.Writable ?? IsWritableNodeStream();
            willEmitClose = WillEmitClose() && IsReadableNodeStream(strict: false) == readable && IsWritableNodeStream() == writable;
            writableFinished = IsWritableFinished();
            readableFinished = IsReadableFinished(strict: false);
            bool closed = IsClosed();

            // A client request (Node's isRequest) settles at 'abort' as at 'close'; its 'complete' and 'request' are
            // never emitted.
            if (message is not null && !willEmitClose && message.LegacyMessageIsRequest)
            {
                stream.On(StreamEventNames.Abort, onCloseListener);
            }
            stream.On(StreamEvents.End, onEndListener);
            stream.On(StreamEvents.Finish, onFinishListener);
            if (options?.Error ?? true)
            {
                stream.On(StreamEvents.Error, onErrorListener);
            }
            stream.On(StreamEvents.Close, onCloseListener);

            ReadableState? rState = RState;
            WritableState? wState = WState;
            if (closed)
            {
                host.Loop.NextTick(OnClose);
            }
            else if ((wState?.ErrorEmitted ?? false) || (rState?.ErrorEmitted ?? false))
            {
                if (!willEmitClose)
                {
                    host.Loop.NextTick(OnClosed);
                }
            }
            else if (!readable
                && (!willEmitClose || IsReadable() == true)
                && (writableFinished || IsWritable() == false)
                && (wState is null || wState.PendingCallbacks == 0))
            {
                host.Loop.NextTick(OnClosed);
            }
            else if (!writable
                && (!willEmitClose || IsWritable() == true)
                && (readableFinished || IsReadable() == false))
            {
                host.Loop.NextTick(OnClosed);
            }

            CancellationToken signal = options?.Signal ?? default;
            if (signal.CanBeCanceled && !closed)
            {
                if (signal.IsCancellationRequested)
                {
                    host.Loop.NextTick(Abort);
                }
                else
                {
                    signalRegistration = signal.Register(static s => ((FinishedWait)s!).host.Loop.Execute(static w => ((FinishedWait)w!).Abort(), s), this);
                }
            }
        }

        private void Settle(Exception? error)
        {
            Action<Exception?>? cb = callback;
            if (cb is null)
            {
                return;
            }
            callback = null;
            signalRegistration.Dispose();
            cb(error);
        }

        // Node's onfinish.
        private void OnFinish()
        {
            writableFinished = true;
            // A stream destroyed by now does not follow the usual order; its 'close' is not to be waited for.
            if (IsDestroyed())
            {
                willEmitClose = false;
            }
            if (willEmitClose && (!IsReadableProperty() || readable))
            {
                return;
            }
            if (!readable || readableFinished)
            {
                Settle(null);
            }
        }

        // Node's onend.
        private void OnEnd()
        {
            readableFinished = true;
            if (IsDestroyed())
            {
                willEmitClose = false;
            }
            if (willEmitClose && (!IsWritableProperty() || writable))
            {
                return;
            }
            if (!writable || writableFinished)
            {
                Settle(null);
            }
        }

        private void OnError(Exception error) => Settle(error);

        // Node's onclose.
        private void OnClose()
        {
            Exception? errored = Errored();
            if (errored is not null)
            {
                Settle(errored);
                return;
            }
            if (readable && !readableFinished && IsReadableNodeStream(strict: true) && !IsReadableFinished(strict: false))
            {
                Settle(ErrorCodes.Create("ERR_STREAM_PREMATURE_CLOSE"));
                return;
            }
            if (writable && !writableFinished && !IsWritableFinished())
            {
                Settle(ErrorCodes.Create("ERR_STREAM_PREMATURE_CLOSE"));
                return;
            }
            Settle(null);
        }

        // Node's onclosed: the stream was done (or failed) before the wait began.
        private void OnClosed() => Settle(Errored());

        private void Abort()
        {
            Action<Exception?>? cb = callback;
            RemoveListeners();
            cb?.Invoke(ErrorCodes.Create("ABORT_ERR"));
        }

        private void RequestCleanup()
        {
            if (host.Loop.IsOnLoop)
            {
                RemoveListeners();
            }
            else
            {
                host.Loop.Execute(static w => ((FinishedWait)w!).RemoveListeners(), this);
            }
        }

        private void RemoveListeners()
        {
            callback = null;
            cleanedUp = true;
            signalRegistration.Dispose();
            if (!attached)
            {
                return;
            }
            stream.RemoveListener(StreamEventNames.Abort, onCloseListener);
            stream.RemoveListener(StreamEvents.Finish, onFinishListener);
            stream.RemoveListener(StreamEvents.End, onEndListener);
            stream.RemoveListener(StreamEvents.Error, onErrorListener);
            stream.RemoveListener(StreamEvents.Close, onCloseListener);
        }

        // Node's isReadableNodeStream: a Readable (not a Duplex made with readable: false); an http message counts
        // too, as Node's legacy stream has a pipe method, but not strictly (it has no pause/resume).
        private bool IsReadableNodeStream(bool strict) =>
            message is not null ? !strict : host.ReadableStateOrNull is { ReadableEnabled: true };

        // Node's isWritableNodeStream: a Writable (messages included), or a Duplex not made with writable: false.
        private bool IsWritableNodeStream() => host.WritableStateOrNull is { } w && (message is not null || w.WritableEnabled);

        // Node's willEmitClose: a server response always; otherwise autoDestroy and emitClose, not yet closed.
        private bool WillEmitClose()
        {
            if (message is not null)
            {
                return !message.LegacyMessageIsRequest;
            }
            StreamStateBase? state = (StreamStateBase?)host.WritableStateOrNull ?? host.ReadableStateOrNull;
            return state is { AutoDestroy: true, EmitClose: true, Closed: false };
        }

        // Node's isReadableFinished(stream, strict).
        private bool IsReadableFinished(bool strict)
        {
            if (!IsReadableNodeStream(strict: false) || RState is not { } r || r.Errored is not null)
            {
                return false;
            }
            return r.EndEmitted || (!strict && r.Ended && r.Length == 0);
        }

        // Node's isWritableFinished(stream, false).
        private bool IsWritableFinished()
        {
            if (!IsWritableNodeStream())
            {
                return false;
            }
            WritableState w = host.WritableStateOrNull!;
            if (w.Finished)
            {
                return true;
            }
            if (message is not null || w.Errored is not null)
            {
                return false;
            }
            return w.Ended && w.Length == 0;
        }

        // Node's isClosed: the stream's own closed flag (a client request keeps one of its own).
        private bool IsClosed()
        {
            if (message is not null)
            {
                return message.LegacyMessageClosed == true;
            }
            return (host.WritableStateOrNull?.Closed ?? false) || (host.ReadableStateOrNull?.Closed ?? false);
        }

        private bool IsDestroyed() => stream switch
        {
            Writable w => w.Destroyed,
            Readable r => r.Destroyed,
            _ => false,
        };

        // Node's stream.readable property (a message has none).
        private bool IsReadableProperty() => stream is Readable r && r.IsReadable;

        // Node's stream.writable property (a message's is always true).
        private bool IsWritableProperty() => message is not null || (host.WritableStateOrNull?.IsWritable ?? false);

        // Node's isReadable: null when the stream has no readable property.
        private bool? IsReadable()
        {
            if (stream is not Readable r)
            {
                return null;
            }
            if (IsDestroyed())
            {
                return false;
            }
            return IsReadableNodeStream(strict: false) && r.IsReadable && !IsReadableFinished(strict: true);
        }

        // Node's isWritable: null when the stream has no writable property.
        private bool? IsWritable()
        {
            if (host.WritableStateOrNull is not { } w)
            {
                return null;
            }
            if (IsDestroyed())
            {
                return false;
            }
            return IsWritableNodeStream() && IsWritableProperty() && !(w.Ending || w.Ended);
        }

        // Node's isWritableErrored || isReadableErrored (a message, having no stream state in Node, reports none).
        private Exception? Errored() => message is not null ? null : host.WritableStateOrNull?.Errored ?? host.ReadableStateOrNull?.Errored;
    }

    // Event names this file listens to that are not stream events of its own layer.
    private static class StreamEventNames
    {
        // A client request's 'abort'.
        internal const string Abort = "abort";
    }
}
