namespace NodeHttp;

/// <summary>
/// One <see cref="Http.RequestAsync(RequestOptions, ReadOnlyMemory{byte}, CancellationToken)"/> on its loop: the task completes at <c>'response'</c>, faults with the request's
/// <c>'error'</c>, is cancelled by the token (the request destroyed) and faults with <c>ETIMEDOUT</c> when
/// <see cref="RequestOptions.Timeout"/> passes with the socket idle (the request destroyed). The request keeps its
/// <c>'error'</c> listener to the end: the awaiting caller is the one handling its errors, so none of them is raised
/// as an unhandled <c>'error'</c>.
/// </summary>
internal sealed class RequestAsyncOperation
{
    private readonly TaskCompletionSource<IncomingMessage> tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly RequestOptions options;
    private readonly ReadOnlyMemory<byte> body;
    private readonly CancellationToken cancellationToken;
    private readonly Agent? defaultAgent;
    private ClientRequest? request;
    private CancellationTokenRegistration registration;

    private RequestAsyncOperation(RequestOptions options, ReadOnlyMemory<byte> body, Agent? defaultAgent, CancellationToken cancellationToken)
    {
        this.options = options;
        this.body = body;
        this.defaultAgent = defaultAgent;
        this.cancellationToken = cancellationToken;
    }

    /// <summary>Starts the request on <paramref name="loop"/>; <paramref name="defaultAgent"/> is the module's
    /// (Node's <c>_defaultAgent</c>: https passes its own, null is http's).</summary>
    internal static Task<IncomingMessage> Start(EventLoop loop, RequestOptions options, ReadOnlyMemory<byte> body, Agent? defaultAgent, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<IncomingMessage>(cancellationToken);
        }
        var op = new RequestAsyncOperation(options, body, defaultAgent, cancellationToken);
        loop.Execute(static s => ((RequestAsyncOperation)s!).Run(), op);
        return op.tcs.Task;
    }

    /// <summary>The code and message a request that timed out fails with (libuv's <c>ETIMEDOUT</c>).</summary>
    internal static NodeHttpException TimeoutError(int ms) =>
        new("ETIMEDOUT", $"The request timed out after {ms} ms without activity on its socket")
        {
            Errno = SystemErrors.ErrnoOf("ETIMEDOUT"),
        };

    private void Run()
    {
        ClientRequest req;
        try
        {
            req = new ClientRequest(options, OnResponse, defaultAgent);
        }
        catch (Exception ex)
        {
            tcs.TrySetException(ex);
            return;
        }
        request = req;
        req.On<Exception>(HttpEvents.Error, OnError);
        if (options.Timeout is int ms and > 0)
        {
            req.On(HttpEvents.Timeout, OnTimeout);
        }
        if (cancellationToken.CanBeCanceled)
        {
            registration = cancellationToken.Register(static s =>
            {
                var op = (RequestAsyncOperation)s!;
                op.request!.Loop.Execute(static o => ((RequestAsyncOperation)o!).OnCancelled(), op);
            }, this);
        }
        try
        {
            if (body.IsEmpty)
            {
                req.End();
            }
            else
            {
                req.End(body);
            }
        }
        catch (Exception ex)
        {
            Fail(ex);
            req.Destroy();
        }
    }

    private void OnResponse(IncomingMessage res)
    {
        registration.Dispose();
        tcs.TrySetResult(res);
    }

    private void OnError(Exception error) => Fail(error);

    private void OnTimeout()
    {
        ClientRequest req = request!;
        if (req.Res is { Complete: true })
        {
            return;
        }
        NodeHttpException error = TimeoutError(options.Timeout ?? 0);
        Fail(error);
        req.Destroy(error);
    }

    private void OnCancelled()
    {
        if (tcs.TrySetCanceled(cancellationToken))
        {
            registration.Dispose();
            request!.Destroy();
        }
    }

    private void Fail(Exception error)
    {
        registration.Dispose();
        tcs.TrySetException(error);
    }
}
