namespace NodeHttp;

/// <summary>
/// Runs an async request handler (<see cref="Http.CreateServer(Func{IncomingMessage, ServerResponse, Task})"/>) for one
/// request and settles the response when its task completes, as Kestrel does when a request delegate returns:
/// <list type="bullet">
/// <item>completed without ending the response: the response is ended (<c>End()</c>), so a handler that set only a status
/// and headers answers with them and an empty body, and one that wrote part of a body has it finished;</item>
/// <item>faulted or cancelled: the exception goes to <see cref="EventLoop.UncaughtException"/>; a response whose head is
/// not sent yet becomes <c>500</c> with an empty body, otherwise the connection is destroyed so the client sees the body
/// cut short instead of a complete-looking one.</item>
/// </list>
/// </summary>
internal static class ServerAsyncHandler
{
    internal static void Run(Server server, Func<IncomingMessage, ServerResponse, Task> handler, IncomingMessage req, ServerResponse res)
    {
        Task task;
        try
        {
            task = handler(req, res);
        }
        catch (Exception ex)
        {
            server.HandlerFailed(res, ex);
            return;
        }
        if (task is null)
        {
            Completed(res);
            return;
        }
        if (task.IsCompleted)
        {
            Settle(server, res, task);
            return;
        }
        EventLoop loop = res.Socket?.Loop ?? EventLoop.Current ?? EventLoop.Default;
        task.ContinueWith(
            static (t, s) =>
            {
                var (srv, r, l) = ((Server, ServerResponse, EventLoop))s!;
                l.Execute(static st =>
                {
                    var (sv, rs, tk) = ((Server, ServerResponse, Task))st!;
                    Settle(sv, rs, tk);
                }, (srv, r, t));
            },
            (server, res, loop),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private static void Settle(Server server, ServerResponse res, Task task)
    {
        if (task.IsCompletedSuccessfully)
        {
            Completed(res);
        }
        else
        {
            server.HandlerFailed(res, Unwrap(task));
        }
    }

    private static void Completed(ServerResponse res)
    {
        if (!res.WritableEnded && !res.Destroyed)
        {
            res.End();
        }
    }

    private static Exception Unwrap(Task task) =>
        task.Exception is { InnerExceptions.Count: 1 } agg ? agg.InnerExceptions[0] : (Exception?)task.Exception ?? new TaskCanceledException(task);
}
