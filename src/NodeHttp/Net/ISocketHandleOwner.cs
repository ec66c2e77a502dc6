using System.Net.Sockets;

namespace NodeHttp;

/// <summary>What a <see cref="SocketHandle"/> reports to the stream above it (libuv's stream callbacks). Loop thread only.</summary>
internal interface ISocketHandleOwner
{
    /// <summary>A connect finished: <see cref="SocketError.Success"/> or the failure (libuv's <c>uv_connect_cb</c>).</summary>
    void OnConnect(SocketError error);

    /// <summary>Bytes arrived; the span is only valid during the call. Return false to stop reading (back-pressure).</summary>
    bool OnData(ReadOnlySpan<byte> data);

    /// <summary>The peer sent FIN (UV_EOF).</summary>
    void OnEof();

    /// <summary>A receive failed (ECONNRESET and friends).</summary>
    void OnReadError(SocketError error);

    /// <summary>The handle's <see cref="SocketHandle.Active"/> may have changed (reading started or stopped, a write went in or out of flight, the handle closed).</summary>
    void OnActiveChanged();
}
