namespace NodeHttp;

/// <summary>
/// A consumer of a <see cref="Socket"/>'s received bytes that bypasses the readable stream, as Node's HTTP
/// server consumes the handle directly (<c>parser.consume(socket._handle)</c>): the bytes are handed over
/// as a span over the loop's receive buffer, so no <see cref="NodeBuffer"/> is made per read.
/// </summary>
internal interface ISocketDataSink
{
    /// <summary>
    /// Bytes arrived, on the loop thread. <paramref name="data"/> is valid only during the call (copy what
    /// must be kept). Return false to stop reading until <see cref="Socket.ResumeReading"/> is called.
    /// </summary>
    bool OnSocketData(ReadOnlySpan<byte> data);

    /// <summary>
    /// The socket's user asked for decoded reads (<c>socket.setEncoding</c>) while this sink consumes its bytes;
    /// throw to refuse. The default accepts (the sink keeps receiving raw bytes).
    /// </summary>
    void OnSetEncoding(string encoding)
    {
    }
}
