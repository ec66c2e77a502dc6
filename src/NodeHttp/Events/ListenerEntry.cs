namespace NodeHttp;

/// <summary>
/// One registration on an <see cref="EventEmitter"/>. Entries are shared between the listener arrays an
/// emitter builds on every change, so an emit that started before a removal still sees the same entry.
/// </summary>
internal sealed class ListenerEntry
{
    public ListenerEntry(Delegate listener, ListenerShape shape, bool once)
    {
        Listener = listener;
        Shape = shape;
        Once = once;
    }

    /// <summary>The delegate the user registered (Node's <c>listener</c>, never the once-wrapper).</summary>
    public readonly Delegate Listener;

    /// <summary>What the listener's declared parameters are, and how to call it with boxed arguments.</summary>
    public readonly ListenerShape Shape;

    /// <summary>Registered through <c>Once</c>/<c>PrependOnceListener</c>.</summary>
    public readonly bool Once;

    /// <summary>
    /// Node's <c>state.fired</c>: set when a once-listener is taken, so a snapshot taken by an outer emit
    /// (a recursive emit of the same event) does not call it a second time.
    /// </summary>
    public bool Fired;

    /// <summary>The delegate <c>RawListeners</c> hands out for a once-entry, made on first request.</summary>
    public Delegate? OnceWrapper;
}
