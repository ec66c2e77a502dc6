namespace NodeHttp;

/// <summary>
/// The option-driven <c>_write</c>/<c>_writev</c>/<c>_final</c>/<c>_destroy</c> defaults that <see cref="Writable"/> and
/// the writable side of <see cref="Duplex"/> both use (their public members are <see cref="WritableExtensions"/>').
/// </summary>
internal static class WritableApi
{
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
