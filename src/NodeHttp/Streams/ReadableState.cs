namespace NodeHttp;

/// <summary>
/// Node's <c>ReadableState</c> (lib/internal/streams/readable.js, Node 20): the readable side's buffer and flags.
/// Owned by the stream's loop; the logic that drives it lives in <see cref="Readable"/>.
/// </summary>
internal sealed class ReadableState : StreamStateBase
{
    internal ReadableState(IStreamHost host)
        : base(host)
    {
    }

    /// <summary>Chunks not yet consumed, from <see cref="BufferIndex"/> on: <see cref="NodeBuffer"/>s, or strings once a decoder is set.</summary>
    internal List<object?> Buffer => buffer ??= new();

    // Made on the first chunk: a request without a body never needs it.
    private List<object?>? buffer;
    internal int BufferIndex;

    internal bool Ended;
    internal bool EndEmitted;
    internal bool Reading;
    // true until the first read() returns, so work triggered "now" waits for a later tick.
    internal bool Sync = true;
    internal bool NeedReadable;
    internal bool EmittedReadable;
    internal bool ReadableListening;
    internal bool ResumeScheduled;
    internal bool ReadingMore;
    internal bool DataEmitted;

    /// <summary>Whether a <c>'data'</c> listener was ever added (it stays true once set): a reader that counts the
    /// <c>'data'</c> listeners for each chunk can skip the lookup while it is false.</summary>
    internal bool DataListenerAdded;

    /// <summary>Node's <c>state.flowing</c>: null (no consumer yet), true (flowing) or false (paused).</summary>
    internal bool? Flowing;

    /// <summary>Node's <c>state[kPaused]</c>: null until pause()/resume() is called.</summary>
    internal bool? Paused;

    /// <summary>Node's <c>readable: false</c> Duplex option.</summary>
    internal bool ReadableEnabled = true;

    internal StringDecoder? Decoder;
    internal string? Encoding;

    // Made on the first pipe: most readables (every request body nobody pipes) never have one.
    private List<IWritable>? pipes;

    internal List<IWritable> Pipes => pipes ??= new();

    /// <summary>How many destinations are piped to, without creating the list.</summary>
    internal int PipeCount => pipes?.Count ?? 0;

    // Node's awaitDrainWriters: one writer (single pipe) or a set (several pipes, MultiAwaitDrain).
    internal bool MultiAwaitDrain;
    internal IWritable? AwaitDrainWriter;
    internal HashSet<IWritable>? AwaitDrainWriters;

    internal void ClearAwaitDrain()
    {
        if (MultiAwaitDrain)
        {
            AwaitDrainWriters!.Clear();
        }
        else
        {
            AwaitDrainWriter = null;
        }
    }

    internal bool AwaitDrainEmpty => MultiAwaitDrain ? AwaitDrainWriters!.Count == 0 : AwaitDrainWriter is null;

    internal static int ChunkLength(object? chunk) => chunk switch
    {
        string s => s.Length,
        NodeBuffer b => b.Length,
        _ => 0,
    };
}
