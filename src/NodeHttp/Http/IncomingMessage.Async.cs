namespace NodeHttp;

// The .NET members of a request received by a server: RequestAborted.
public partial class IncomingMessage
{
    // On a server: the ServerResponse answering this request, replaced by an AbortState the first time
    // RequestAborted is read (one field, so a request nobody asks about costs no more than a reference). Null on a
    // client's response.
    private object? responseLink;

    /// <summary>
    /// A token that is cancelled when the client goes away (the connection closes, or the response is destroyed) before
    /// the response to this request finished — Kestrel's <c>HttpContext.RequestAborted</c>. Pass it to the work done
    /// for the request so it stops when nobody waits for the answer. It never fires once the response finished, and is
    /// <see cref="CancellationToken.None"/> on a response received by a client. Nothing is allocated for it until it is
    /// first read; its callbacks run on the server's loop.
    /// </summary>
    public CancellationToken RequestAborted
    {
        get
        {
            object? link = Volatile.Read(ref responseLink);
            if (link is AbortState known)
            {
                return known.Token;
            }
            if (link is not ServerResponse res || res.WritableFinished)
            {
                return CancellationToken.None;
            }
            var state = new AbortState(res);
            object? prior = Interlocked.CompareExchange(ref responseLink, state, link);
            if (!ReferenceEquals(prior, link))
            {
                return ((AbortState)prior!).Token;
            }
            res.Loop.Execute(static s => ((AbortState)s!).Attach(), state);
            return state.Token;
        }
    }

    /// <summary>Set by the response made for this request on a server.</summary>
    internal void LinkResponse(ServerResponse res) => responseLink = res;

    // RequestAborted's source, watching the response's 'close'.
    private sealed class AbortState
    {
        private readonly ServerResponse res;
        private readonly CancellationTokenSource cts = new();

        internal AbortState(ServerResponse res)
        {
            this.res = res;
        }

        internal CancellationToken Token => cts.Token;

        // On the loop.
        internal void Attach()
        {
            if (res.WritableFinished)
            {
                return;
            }
            if (res.Destroyed)
            {
                cts.Cancel();
                return;
            }
            res.Once(HttpEvents.Close, OnClose);
        }

        private void OnClose()
        {
            if (!res.WritableFinished)
            {
                cts.Cancel();
            }
        }
    }
}
