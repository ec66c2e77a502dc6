namespace NodeHttp;

/// <summary>
/// A fixed set of event loops, each on its own thread, for servers that use several cores: connections
/// are spread across the loops (<see cref="Next"/>) and each stays pinned to one. No Node counterpart
/// (Node scales with processes via <c>cluster</c>); the shape follows Netty's EventLoopGroup.
/// </summary>
public sealed class EventLoopGroup : IDisposable
{
    private readonly EventLoop[] loops;
    private int next = -1;

    /// <summary>Creates one loop per processor (<see cref="Environment.ProcessorCount"/>).</summary>
    public EventLoopGroup()
        : this(Environment.ProcessorCount)
    {
    }

    /// <summary>Creates <paramref name="loops"/> loops, each running on its own background thread.</summary>
    /// <param name="loops">How many loops; at least 1.</param>
    public EventLoopGroup(int loops)
    {
        if (loops < 1)
        {
            ErrorCodes.Throw("ERR_OUT_OF_RANGE", nameof(loops), ">= 1", loops);
        }
        this.loops = new EventLoop[loops];
        for (int i = 0; i < loops; i++)
        {
            this.loops[i] = new EventLoop();
        }
    }

    /// <summary>How many loops the group has.</summary>
    public int Count => loops.Length;

    /// <summary>The loops of the group.</summary>
    public IReadOnlyList<EventLoop> Loops => loops;

    /// <summary>The loop at <paramref name="index"/> (0 to <see cref="Count"/> - 1).</summary>
    /// <param name="index">The loop's position.</param>
    public EventLoop this[int index] => loops[index];

    /// <summary>The next loop in round-robin order, for spreading connections; thread-safe.</summary>
    /// <returns>A loop of the group.</returns>
    public EventLoop Next()
    {
        uint i = (uint)Interlocked.Increment(ref next);
        return loops[i % (uint)loops.Length];
    }

    /// <summary>Stops every loop and waits for their threads (see <see cref="EventLoop.Dispose"/>).</summary>
    public void Dispose()
    {
        foreach (EventLoop loop in loops)
        {
            loop.Dispose();
        }
    }
}
