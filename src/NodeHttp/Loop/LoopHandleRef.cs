namespace NodeHttp;

/// <summary>
/// libuv's per-handle ref flag: whether a handle (socket, server) wants to keep its loop alive, and whether it
/// holds one of the loop's refs now. A handle acquires while it is active and releases when it closes or is unref'd.
/// Used on the owning loop's thread only.
/// </summary>
internal struct LoopHandleRef
{
    private bool unrefed;
    private bool held;

    /// <summary>Node's <c>ref()</c>/<c>unref()</c> wish; takes effect at the next <see cref="Acquire"/> or now on release.</summary>
    public void SetWanted(EventLoop loop, bool wanted, bool active)
    {
        unrefed = !wanted;
        if (!wanted)
        {
            Release(loop);
        }
        else if (active)
        {
            Acquire(loop);
        }
    }

    /// <summary>The handle became active: hold a loop ref unless unref'd.</summary>
    public void Acquire(EventLoop loop)
    {
        if (!unrefed && !held)
        {
            held = true;
            loop.AddRef();
        }
    }

    /// <summary>The handle went inactive (or was unref'd): give back the ref it holds.</summary>
    public void Release(EventLoop loop)
    {
        if (held)
        {
            held = false;
            loop.RemoveRef();
        }
    }
}
