using System.Net.Sockets;
using OsSocket = System.Net.Sockets.Socket;

namespace NodeHttp;

/// <summary>
/// The transport of a <see cref="Socket"/> made by <see cref="Socket.FromDuplex"/>: its bytes travel over a
/// <see cref="Duplex"/> instead of a kernel socket. Reading is the duplex's <c>'data'</c> flow, started and stopped
/// with its <c>Resume</c>/<c>Pause</c> (so a socket that wants no data stops pulling, and the duplex's own buffer pushes
/// back on whoever feeds it); a gathered write is one <c>Write</c> whose callback completes it; a half-close is its
/// <c>End</c>; a close destroys it. Its <c>'end'</c>, <c>'error'</c> and an early <c>'close'</c> reach the socket as a
/// kernel socket's EOF, read error and reset would. Loop thread only.
/// </summary>
internal sealed class DuplexTransport : ISocketTransport
{
    private readonly Socket owner;
    private readonly Duplex stream;
    private readonly Action<object?> onData;
    private readonly Action onEnd;
    private readonly Action<Exception> onError;
    private readonly Action onClose;

    // The owner wants data: the duplex flows. Starts false: nothing is read before the socket asks.
    private bool reading;

    // The duplex reported 'end' (the peer's FIN).
    private bool eof;

    // The stream's 'end' was emitted before the socket had it; reported at the first ReadStart.
    private bool endedBefore;

    // A write whose callback has not come yet.
    private Action<Exception?>? writeCallback;

    internal DuplexTransport(Socket owner, Duplex stream)
    {
        this.owner = owner;
        this.stream = stream;
        onData = OnData;
        onEnd = OnEnd;
        onError = OnError;
        onClose = OnClose;
        // The socket decides when its writable side ends (its own allowHalfOpen): the duplex must not end it by itself.
        stream.AllowHalfOpen = true;
        // Paused first, so the 'data' listener does not start the flow (Node: a listener resumes only an unpaused stream).
        stream.Pause();
        stream.On(StreamEvents.Data, onData);
        stream.On(StreamEvents.End, onEnd);
        stream.On(StreamEvents.Error, onError);
        stream.On(StreamEvents.Close, onClose);
        // A stream whose readable side already ended before it was handed over: the socket reads that end first.
        endedBefore = stream.ReadableEnded;
    }

    /// <inheritdoc/>
    public OsSocket? Os => null;

    /// <inheritdoc/>
    public bool Closed { get; private set; }

    /// <inheritdoc/>
    public long BytesRead { get; private set; }

    /// <inheritdoc/>
    public bool WritePending => writeCallback is not null;

    /// <summary>The duplex carrying the bytes.</summary>
    internal Duplex Stream => stream;

    /// <inheritdoc/>
    public void ReadStart()
    {
        if (reading || Closed)
        {
            return;
        }
        reading = true;
        if (endedBefore)
        {
            endedBefore = false;
            OnEnd();
            return;
        }
        stream.Resume();
    }

    /// <inheritdoc/>
    public void ReadStop()
    {
        if (!reading)
        {
            return;
        }
        reading = false;
        if (!Closed)
        {
            stream.Pause();
        }
    }

    private void OnData(object? chunk)
    {
        if (Closed)
        {
            return;
        }
        NodeBuffer bytes = chunk switch
        {
            NodeBuffer b => b,
            string s => NodeBuffer.From(s),
            _ => NodeBuffer.Empty,
        };
        if (bytes.Length == 0)
        {
            return;
        }
        BytesRead += bytes.Length;
        if (!((ISocketHandleOwner)owner).OnData(bytes.Span))
        {
            // The socket is full (or its consumer paused): the duplex stops flowing until ReadStart.
            ReadStop();
        }
    }

    private void OnEnd()
    {
        eof = true;
        if (!Closed)
        {
            ((ISocketHandleOwner)owner).OnEof();
        }
        else
        {
            DestroyWhenDone();
        }
    }

    private void OnError(Exception error)
    {
        if (!Closed && !owner.Destroyed)
        {
            owner.Destroy(error);
        }
    }

    private void OnClose()
    {
        // Destroyed under the socket before its end came: the connection is gone, as a reset would leave it.
        if (!Closed && !eof && !owner.Destroyed)
        {
            owner.Destroy();
        }
    }

    /// <inheritdoc/>
    public void Writev(List<ArraySegment<byte>> list, long total, Action<Exception?> callback)
    {
        // The segments are the socket's pooled memory, reused once the callback ran; the duplex may keep what it is
        // given (an in-memory pair hands it to the other side), so it gets a copy of its own.
        var bytes = new byte[total];
        SegmentList.CopyTo(list, bytes);
        list.Clear();
        if (Closed || stream.Destroyed || stream.WritableEnded)
        {
            callback(ErrorCodes.Create("ERR_SOCKET_CLOSED"));
            return;
        }
        writeCallback = callback;
        stream.Write(NodeBuffer.Wrap(bytes), OnWritten);
    }

    private void OnWritten(Exception? error)
    {
        Action<Exception?>? callback = writeCallback;
        writeCallback = null;
        callback?.Invoke(error);
    }

    /// <inheritdoc/>
    public SocketError Shutdown()
    {
        if (!stream.Destroyed && !stream.WritableEnded)
        {
            stream.End();
        }
        return SocketError.Success;
    }

    /// <inheritdoc/>
    public void Close(bool reset = false)
    {
        if (Closed)
        {
            return;
        }
        Closed = true;
        reading = false;
        // A write still out is cut short, as a kernel close leaves it: its callback is not called.
        writeCallback = null;
        if (reset || stream.Destroyed)
        {
            stream.Destroy();
            return;
        }
        // As a kernel socket's close sends a FIN after what it holds and drops what still arrives: the duplex's writable
        // side ends, its readable side is read to its end and dropped, and the duplex is destroyed once both are done
        // (an in-memory peer sees 'end', and its own end still goes through, rather than meeting a vanished stream).
        if (!stream.WritableEnded)
        {
            stream.End();
        }
        stream.Once(StreamEvents.Finish, DestroyWhenDone);
        stream.Resume();
        DestroyWhenDone();
    }

    private void DestroyWhenDone()
    {
        if (Closed && eof && stream.WritableFinished && !stream.Destroyed)
        {
            stream.Destroy();
        }
    }
}
