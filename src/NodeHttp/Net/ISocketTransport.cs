using System.Net.Sockets;
using OsSocket = System.Net.Sockets.Socket;

namespace NodeHttp;

/// <summary>
/// What a <see cref="Socket"/> drives beneath it (libuv's stream handle): the TCP/Unix engine
/// (<see cref="SocketHandle"/>) for a plain socket, or a transport a subclass supplies (a TLS session over another
/// socket). It reports back through <see cref="ISocketHandleOwner"/>. Loop thread only.
/// </summary>
internal interface ISocketTransport
{
    /// <summary>The operating-system socket carrying the bytes (for options and addresses), or null if there is none yet.</summary>
    OsSocket? Os { get; }

    /// <summary>True once <see cref="Close"/> ran.</summary>
    bool Closed { get; }

    /// <summary>Bytes delivered to the owner.</summary>
    long BytesRead { get; }

    /// <summary>A write has not completed yet (its callback is outstanding).</summary>
    bool WritePending { get; }

    /// <summary>The owner wants data (Node's <c>readStart</c>).</summary>
    void ReadStart();

    /// <summary>The owner wants no data for now (Node's <c>readStop</c>).</summary>
    void ReadStop();

    /// <summary>
    /// Sends the gathered <paramref name="list"/> (<paramref name="total"/> bytes); clears the list before it returns,
    /// calls <paramref name="callback"/> once the bytes left (inline when they went at once).
    /// </summary>
    void Writev(List<ArraySegment<byte>> list, long total, Action<Exception?> callback);

    /// <summary>Ends the sending side (Node's <c>shutdown</c>).</summary>
    SocketError Shutdown();

    /// <summary>Closes the transport; <paramref name="reset"/> asks for an abortive close.</summary>
    void Close(bool reset = false);
}
