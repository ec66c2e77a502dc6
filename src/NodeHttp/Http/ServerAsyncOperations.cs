namespace NodeHttp;

/// <summary>The task forms of <see cref="Server"/>'s <c>listen</c> and <c>close</c>, with their cancellation.</summary>
internal static class ServerAsyncOperations
{
    internal static Task ListenAsync(Server server, EventLoop loop, Action listen, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        var op = new ListenOperation(server, loop, listen, cancellationToken);
        loop.Execute(static s => ((ListenOperation)s!).Start(), op);
        return op.Task;
    }

    internal static Task CloseAsync(Server server, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CancellationTokenRegistration registration = default;
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.Register(static s =>
            {
                var (srv, t, ct) = ((Server, TaskCompletionSource, CancellationToken))s!;
                if (t.TrySetCanceled(ct))
                {
                    srv.CloseAllConnections();
                }
            }, (server, tcs, cancellationToken));
        }
        server.Close(e =>
        {
            registration.Dispose();
            if (e is null)
            {
                tcs.TrySetResult();
            }
            else
            {
                tcs.TrySetException(e);
            }
        });
        return tcs.Task;
    }

    // One ListenAsync on the server's loop.
    private sealed class ListenOperation
    {
        private readonly TaskCompletionSource tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Server server;
        private readonly EventLoop loop;
        private readonly Action listen;
        private readonly CancellationToken cancellationToken;
        private readonly Action onListening;
        private readonly Action<Exception> onError;
        private CancellationTokenRegistration registration;

        internal ListenOperation(Server server, EventLoop loop, Action listen, CancellationToken cancellationToken)
        {
            this.server = server;
            this.loop = loop;
            this.listen = listen;
            this.cancellationToken = cancellationToken;
            onListening = OnListening;
            onError = OnError;
        }

        internal Task Task => tcs.Task;

        internal void Start()
        {
            if (cancellationToken.IsCancellationRequested)
            {
                tcs.TrySetCanceled(cancellationToken);
                return;
            }
            server.Once(HttpEvents.Listening, onListening);
            server.Once(HttpEvents.Error, onError);
            try
            {
                listen();
            }
            catch (Exception ex)
            {
                Detach();
                tcs.TrySetException(ex);
                return;
            }
            if (cancellationToken.CanBeCanceled && !tcs.Task.IsCompleted)
            {
                registration = cancellationToken.Register(static s =>
                {
                    var op = (ListenOperation)s!;
                    op.loop.Execute(static o => ((ListenOperation)o!).OnCancelled(), op);
                }, this);
            }
        }

        private void OnListening()
        {
            Detach();
            tcs.TrySetResult();
        }

        private void OnError(Exception error)
        {
            Detach();
            tcs.TrySetException(error);
        }

        private void OnCancelled()
        {
            if (tcs.Task.IsCompleted)
            {
                return;
            }
            Detach();
            tcs.TrySetCanceled(cancellationToken);
            server.Close();
        }

        private void Detach()
        {
            server.RemoveListener(HttpEvents.Listening, onListening);
            server.RemoveListener(HttpEvents.Error, onError);
            registration.Dispose();
        }
    }
}
