namespace NodeHttp;

/// <summary>
/// The responses of one server connection not finished yet, in request order (Node's <c>state.outgoing</c> with
/// <c>socket._httpMessage</c> at its front): added at the back when a request's head arrives, taken from the
/// front when the first finishes or the socket closes. Every operation is O(1), so a client that pipelines
/// thousands of requests and leaves costs the server work in proportion to them, not to their square.
/// </summary>
/// <remarks>
/// A ring buffer whose length is a power of two. Each response gets the next sequence number of the connection
/// when it is queued, kept on its request (<see cref="IncomingMessage.ResponseSequence"/>); the front's number
/// then tells where a response stands without a search. Numbers wrap around; positions are their differences.
/// </remarks>
internal sealed class ResponseQueue
{
    private ServerResponse?[] items = new ServerResponse?[4];
    // Index in items of the front; the `count` responses from there on (wrapping) are the queue, the rest null.
    private int head;
    private int count;
    // The sequence number of the front (of the next response queued, when empty).
    private int headSequence;

    /// <summary>How many responses are queued.</summary>
    public int Count => count;

    /// <summary>The <paramref name="position"/>th response from the front (0: the one writing).</summary>
    public ServerResponse this[int position] => items[(head + position) & (items.Length - 1)]!;

    /// <summary>Adds <paramref name="res"/> at the back and numbers it.</summary>
    public void Enqueue(ServerResponse res)
    {
        if (count == items.Length)
        {
            Grow();
        }
        items[(head + count) & (items.Length - 1)] = res;
        res.Req.ResponseSequence = unchecked(headSequence + count);
        count++;
    }

    /// <summary>Takes the front response off.</summary>
    public ServerResponse Dequeue()
    {
        ServerResponse res = items[head]!;
        items[head] = null;
        head = (head + 1) & (items.Length - 1);
        count--;
        headSequence = unchecked(headSequence + 1);
        return res;
    }

    /// <summary>Where <paramref name="res"/> stands from the front, or -1 when it is not queued here.</summary>
    public int IndexOf(ServerResponse res)
    {
        int position = unchecked(res.Req.ResponseSequence - headSequence);
        return (uint)position < (uint)count && ReferenceEquals(this[position], res) ? position : -1;
    }

    /// <summary>Whether <paramref name="res"/> is queued here.</summary>
    public bool Contains(ServerResponse res) => IndexOf(res) >= 0;

    private void Grow()
    {
        var bigger = new ServerResponse?[items.Length * 2];
        for (int i = 0; i < count; i++)
        {
            bigger[i] = this[i];
        }
        items = bigger;
        head = 0;
    }
}
