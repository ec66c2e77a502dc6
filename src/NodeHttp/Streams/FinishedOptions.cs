namespace NodeHttp;

/// <summary>Node's <c>stream.finished(stream, options, callback)</c> options (<see cref="NodeStream.Finished(EventEmitter, FinishedOptions?, Action{Exception?})"/>).</summary>
public sealed class FinishedOptions
{
    /// <summary>
    /// Node's <c>readable</c>: whether to wait for the readable side to end. Null (the default) means: when the
    /// stream is readable (a <see cref="Readable"/>, or a <see cref="Duplex"/> not made with <c>Readable = false</c>).
    /// </summary>
    public bool? Readable { get; set; }

    /// <summary>
    /// Node's <c>writable</c>: whether to wait for the writable side to finish. Null (the default) means: when the
    /// stream is writable (a <see cref="Writable"/>, a response or a request, or a <see cref="Duplex"/> not made with
    /// <c>Writable = false</c>).
    /// </summary>
    public bool? Writable { get; set; }

    /// <summary>Node's <c>error</c>: when false, an <c>'error'</c> event does not settle the wait (default true).</summary>
    public bool Error { get; set; } = true;

    /// <summary>
    /// Node's <c>signal</c> (an <c>AbortSignal</c>): cancelling it stops the wait, which then settles with an
    /// <c>ABORT_ERR</c> error (Node's <c>AbortError</c>). Ignored when the stream had already closed.
    /// </summary>
    public CancellationToken Signal { get; set; }
}
