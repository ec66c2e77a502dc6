namespace NodeHttp.Tests;

/// <summary>
/// Bytes a client allocates on its loop thread per keep-alive GET in the steady state: one request at a time through
/// one pooled socket, counted over <c>requests</c> GETs after <c>warmup</c> of them.
/// </summary>
internal static class KeepAliveAllocationProbe
{
    /// <param name="agent">The keep-alive agent (one socket), destroyed at the end.</param>
    /// <param name="options">The request, with <paramref name="agent"/> as its agent.</param>
    /// <param name="get">Starts one GET (<c>Http.Get</c> or <c>Https.Get</c>).</param>
    /// <param name="warmup">GETs before counting.</param>
    /// <param name="requests">GETs counted.</param>
    public static async Task<double> BytesPerRequestAsync(
        Func<Agent> agent, Func<Agent, RequestOptions> options, Func<RequestOptions, Action<IncomingMessage>, ClientRequest> get,
        int warmup, int requests)
    {
        using var loop = new EventLoop();
        var done = new TaskCompletionSource<double>(TaskCreationOptions.RunContinuationsAsynchronously);
        await loop.InvokeAsync(() =>
        {
            Agent pool = agent();
            RequestOptions request = options(pool);
            int completed = 0;
            long before = 0;
            Action<IncomingMessage> onResponse = null!;
            Action<Exception> onError = e => done.TrySetException(e);
            void OnEnd()
            {
                completed++;
                if (completed == warmup)
                {
                    before = GC.GetAllocatedBytesForCurrentThread();
                }
                if (completed == warmup + requests)
                {
                    long after = GC.GetAllocatedBytesForCurrentThread();
                    pool.Destroy();
                    done.TrySetResult((double)(after - before) / requests);
                    return;
                }
                get(request, onResponse).On("error", onError);
            }
            Action onEnd = OnEnd;
            onResponse = res =>
            {
                res.On("end", onEnd);
                res.Resume();
            };
            get(request, onResponse).On("error", onError);
        });
        return await done.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }
}
