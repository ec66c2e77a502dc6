namespace NodeHttp;

/// <summary>Adapts the public overloads' plain callbacks to the error-first ones the stream state takes.</summary>
internal static class StreamCallbacks
{
    /// <summary><paramref name="callback"/> as an error-first callback, or null.</summary>
    internal static Action<Exception?>? FromAction(Action? callback) => callback is null ? null : Wrap(callback);

    // A method of its own: a lambda capturing a parameter makes the compiler allocate its closure on entry to the
    // enclosing method, so in FromAction itself every call would pay for it, null callback or not.
    private static Action<Exception?> Wrap(Action callback) => _ => callback();
}
