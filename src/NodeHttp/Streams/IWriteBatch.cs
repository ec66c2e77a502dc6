namespace NodeHttp;

/// <summary>
/// Bytes a stream gathers in a buffer of its own during one loop turn (a socket's batch for the HTTP layer) and that
/// its <see cref="WritableState"/> sends as one write once the stream is fully uncorked, ahead of any chunk queued
/// after them.
/// </summary>
internal interface IWriteBatch
{
    /// <summary>Bytes gathered and not sent yet.</summary>
    int BatchLength { get; }

    /// <summary>Sends the gathered bytes (Node's <c>_write</c> for them); <paramref name="callback"/> runs once the engine took them all.</summary>
    void SendBatch(Action<Exception?> callback);
}
