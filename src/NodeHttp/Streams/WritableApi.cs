namespace NodeHttp;

/// <summary>
/// The bodies of the writable members <see cref="Writable"/> and <see cref="Duplex"/> both offer (Node's Duplex mixes
/// Writable's methods in; C# has one base class): each public member of either type is a one-line call here, so the
/// argument checks, the callback adaptation and the option-driven <c>_write</c>/<c>_writev</c>/<c>_final</c>/<c>_destroy</c>
/// defaults are written once. Both land on the same <see cref="IWriteEntry"/> entry points and <see cref="WritableState"/>.
/// </summary>
internal static class WritableApi
{
    /// <summary><c>write(buffer[, cb])</c>.</summary>
    internal static bool Write(IWriteEntry stream, NodeBuffer chunk, Action<Exception?>? callback)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return stream.WriteChunk(chunk, callback);
    }

    /// <summary><c>write(string, encoding[, cb])</c>.</summary>
    internal static bool Write(IWriteEntry stream, string chunk, string encoding, Action<Exception?>? callback)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return EncodedText.Write(stream, chunk, encoding, callback);
    }

    /// <summary><c>write(uint8array[, cb])</c> for an array the caller keeps.</summary>
    internal static bool Write(IWriteEntry stream, byte[] chunk, Action<Exception?>? callback)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        return stream.WriteBytes(chunk, callback);
    }

    /// <summary><c>end()</c>.</summary>
    internal static TStream End<TStream>(TStream stream)
        where TStream : IWriteEntry
    {
        stream.EndChunk(null, null);
        return stream;
    }

    /// <summary><c>end(cb)</c>: the callback runs at <c>'finish'</c>.</summary>
    internal static TStream End<TStream>(TStream stream, Action callback)
        where TStream : IWriteEntry
    {
        ArgumentNullException.ThrowIfNull(callback);
        stream.EndChunk(null, _ => callback());
        return stream;
    }

    /// <summary><c>end(string, encoding[, cb])</c>.</summary>
    internal static TStream End<TStream>(TStream stream, string data, string encoding, Action? callback)
        where TStream : IWriteEntry
    {
        ArgumentNullException.ThrowIfNull(data);
        EncodedText.End(stream, data, encoding, StreamCallbacks.FromAction(callback));
        return stream;
    }

    /// <summary><c>end(uint8array[, cb])</c> for bytes the caller keeps.</summary>
    internal static TStream End<TStream>(TStream stream, ReadOnlySpan<byte> data, Action? callback)
        where TStream : IWriteEntry
    {
        stream.EndBytes(data, StreamCallbacks.FromAction(callback));
        return stream;
    }

    /// <summary><c>end(buffer[, cb])</c>.</summary>
    internal static TStream End<TStream>(TStream stream, NodeBuffer data, Action? callback)
        where TStream : IWriteEntry
    {
        ArgumentNullException.ThrowIfNull(data);
        stream.EndChunk(data, StreamCallbacks.FromAction(callback));
        return stream;
    }

    /// <summary><c>end([chunk], cb)</c> with the error-first callback.</summary>
    internal static TStream End<TStream>(TStream stream, NodeBuffer? data, Action<Exception?>? callback)
        where TStream : IWriteEntry
    {
        stream.EndChunk(data, callback);
        return stream;
    }

    /// <summary>Node's <c>writable.writableAborted</c>: destroyed or errored before <c>'finish'</c> (a side that was never writable is not).</summary>
    internal static bool Aborted(WritableState ws) => ws.WritableEnabled && (ws.Destroyed || ws.Errored is not null) && !ws.Finished;

    /// <summary>The default <c>_write</c>: the <c>write</c> option, else <c>_writev</c> with one chunk, else <c>ERR_METHOD_NOT_IMPLEMENTED</c>.</summary>
    internal static void DefaultWrite<TStream>(Action<TStream, NodeBuffer, Action<Exception?>>? write, TStream stream, NodeBuffer chunk, Action<Exception?> callback)
        where TStream : IStreamHost
    {
        if (write is not null)
        {
            write(stream, chunk, callback);
        }
        else if (stream.CallHasWritev)
        {
            stream.CallWritevCore([chunk], callback);
        }
        else
        {
            ErrorCodes.Throw("ERR_METHOD_NOT_IMPLEMENTED", "_write()");
        }
    }

    /// <summary>The default <c>_writev</c>: the <c>writev</c> option, else <c>ERR_METHOD_NOT_IMPLEMENTED</c>.</summary>
    internal static void DefaultWritev<TStream>(Action<TStream, IReadOnlyList<NodeBuffer>, Action<Exception?>>? writev, TStream stream, IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback)
    {
        if (writev is null)
        {
            ErrorCodes.Throw("ERR_METHOD_NOT_IMPLEMENTED", "_writev()");
        }
        writev(stream, chunks, callback);
    }

    /// <summary>The default <c>_final</c>: the <c>final</c> option, else none (Node then emits <c>'prefinish'</c> at once).</summary>
    internal static void DefaultFinal<TStream>(Action<TStream, Action<Exception?>>? final, TStream stream, Action<Exception?> callback)
    {
        if (final is not null)
        {
            final(stream, callback);
        }
        else
        {
            WritableState.NoFinal(callback);
        }
    }

    /// <summary>The default <c>_destroy</c>: the <c>destroy</c> option, else the callback with the error.</summary>
    internal static void DefaultDestroy<TStream>(Action<TStream, Exception?, Action<Exception?>>? destroy, TStream stream, Exception? error, Action<Exception?> callback)
    {
        if (destroy is not null)
        {
            destroy(stream, error, callback);
        }
        else
        {
            callback(error);
        }
    }
}
