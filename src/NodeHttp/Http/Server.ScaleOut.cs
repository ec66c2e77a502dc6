namespace NodeHttp;

/// <summary>Listening with <see cref="ListenOptions"/> and draining for a rolling restart.</summary>
public sealed partial class Server
{
    private static readonly Action<object?> DrainDeadlineCallback = static s => ((Server)s!).DrainDeadline();

    // Sockets handed to 'upgrade' or 'connect' listeners and not closed yet. They have left the HTTP layer (and
    // `connections`), but a drain's deadline still ends them: a drain is over only when every connection is gone.
    private readonly HashSet<Socket> upgraded = new();

    // Set by CloseAsync(TimeSpan) on the server's loop and read on every connection's loop: a request admitted from
    // then on is answered with Connection: close, and a connection closes once it has nothing left to answer.
    private volatile bool draining;

    /// <summary>Whether <see cref="CloseAsync(TimeSpan)"/> started: answers say <c>Connection: close</c> and connections close when done.</summary>
    internal bool Draining => draining;

    /// <summary>
    /// Node's <c>server.listen(options[, callback])</c>: an inherited descriptor (<see cref="ListenOptions.Fd"/>, e.g.
    /// from <see cref="ListenOptions.FromSystemd"/>), a TCP port (with <see cref="ListenOptions.ReusePort"/> several
    /// processes share it) or a Unix socket; see <see cref="NetServer.Listen(ListenOptions, Action?)"/>. Bind and listen
    /// failures are <c>'error'</c> events.
    /// </summary>
    /// <param name="options">Where and how to listen; read now.</param>
    /// <param name="callback">Added as a one-time <c>'listening'</c> listener.</param>
    /// <exception cref="NodeHttpException"><c>ERR_INVALID_ARG_VALUE</c> with neither a descriptor, a port nor a path;
    /// <c>ERR_SOCKET_BAD_PORT</c> for a port out of range.</exception>
    public Server Listen(ListenOptions options, Action? callback = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (callback is not null)
        {
            Once(HttpEvents.Listening, callback);
        }
        net.Listen(options);
        return this;
    }

    /// <summary>Listens as <see cref="Listen(ListenOptions, Action?)"/>; completes at <c>'listening'</c>, fails on <c>'error'</c>.</summary>
    /// <param name="options">Where and how to listen; read now.</param>
    /// <param name="cancellationToken">Cancelled before <c>'listening'</c>: the task is cancelled and the server closed.</param>
    /// <exception cref="OperationCanceledException">(in the task) <paramref name="cancellationToken"/> was cancelled first.</exception>
    /// <exception cref="NodeHttpException"><c>ERR_INVALID_ARG_VALUE</c> or <c>ERR_SOCKET_BAD_PORT</c>, thrown at once.</exception>
    public Task ListenAsync(ListenOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        ListenOptions snapshot = options.Snapshot();
        return ListenAsyncCore(() => net.Listen(snapshot), cancellationToken);
    }

    /// <summary>
    /// Stops accepting and drains, for a rolling restart: idle keep-alive connections are closed at once; requests
    /// in progress run to the end, their responses (if their head is not out yet) carry <c>Connection: close</c>, and
    /// each connection closes once it has answered; when <paramref name="drainTimeout"/> has passed, whatever is left
    /// — slow requests, <c>'upgrade'</c>d sockets — is destroyed. The task completes at <c>'close'</c>, once every
    /// connection is gone, and fails with <c>ERR_SERVER_NOT_RUNNING</c> if the server was not listening. Node has no
    /// single call for it: it is <c>server.close()</c>, a <c>Connection: close</c> on what is still answered, and
    /// <c>server.closeAllConnections()</c> on a timer.
    /// </summary>
    /// <param name="drainTimeout">How long requests in progress may take; <see cref="Timeout.InfiniteTimeSpan"/> for no limit, zero to destroy every connection at once.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="drainTimeout"/> is negative (other than infinite) or longer than <see cref="int.MaxValue"/> ms.</exception>
    public Task CloseAsync(TimeSpan drainTimeout)
    {
        long ms = drainTimeout == System.Threading.Timeout.InfiniteTimeSpan ? -1 : (long)Math.Ceiling(drainTimeout.TotalMilliseconds);
        if (drainTimeout != System.Threading.Timeout.InfiniteTimeSpan && (ms < 0 || ms > int.MaxValue))
        {
            throw new ArgumentOutOfRangeException(nameof(drainTimeout), drainTimeout, "must be between 0 and int.MaxValue ms, or infinite");
        }
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Execute(static s =>
        {
            var (server, deadline, tcs) = ((Server, long, TaskCompletionSource))s!;
            server.BeginDrain(deadline, tcs);
        }, (this, ms, done));
        return done.Task;
    }

    private void BeginDrain(long deadlineMs, TaskCompletionSource done)
    {
        draining = true;
        // As Close: no more header and request timeout checks; the deadline bounds what is left.
        checkTimer?.Close();
        checkTimer = null;
        LoopTimer? deadline = null;
        if (deadlineMs > 0)
        {
            // Unref'd: the connections it would end keep the loop alive themselves.
            deadline = loop.SetTimeout(DrainDeadlineCallback, this, deadlineMs);
            deadline.Unref();
        }
        net.Close(e =>
        {
            deadline?.Close();
            if (e is null)
            {
                done.TrySetResult();
            }
            else
            {
                done.TrySetException(e);
            }
        });
        if (deadlineMs == 0)
        {
            DrainDeadline();
            return;
        }
        foreach (ServerConnection c in Snapshot())
        {
            c.Socket.Loop.Execute(static s => ((ServerConnection)s!).BeginDrain(), c);
        }
    }

    private void DrainDeadline()
    {
        CloseAllConnections();
        Socket[] left;
        lock (upgraded)
        {
            left = upgraded.ToArray();
        }
        foreach (Socket socket in left)
        {
            socket.Destroy();
        }
    }

    // A connection left the HTTP layer for 'upgrade' or 'connect' (on its loop); kept until its socket closes.
    private void TrackUpgraded(Socket socket)
    {
        lock (upgraded)
        {
            upgraded.Add(socket);
        }
        socket.Once(NetEvents.Close, () =>
        {
            lock (upgraded)
            {
                upgraded.Remove(socket);
            }
        });
    }
}
