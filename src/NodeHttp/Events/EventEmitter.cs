using System.Runtime.CompilerServices;

namespace NodeHttp;

/// <summary>
/// Node's <c>EventEmitter</c> (the <c>events</c> module): named events, listeners called synchronously in
/// registration order, once-listeners, <c>'newListener'</c>/<c>'removeListener'</c>, the <c>'error'</c>
/// rule and the max-listeners warning.
/// </summary>
/// <remarks>
/// Like every NodeHttp object an emitter belongs to one event loop and is not synchronised.
/// Listeners may take fewer parameters than an event passes, or base types of what it passes; a listener
/// that cannot accept the arguments makes <c>Emit</c> throw <c>ERR_LISTENER_SIGNATURE</c>.
/// </remarks>
public partial class EventEmitter
{
    /// <summary>Node's <c>'newListener'</c> event: (string eventName, Delegate listener), before a listener is added.</summary>
    public const string NewListenerEvent = "newListener";

    /// <summary>Node's <c>'removeListener'</c> event: (string eventName, Delegate listener), after a listener is removed.</summary>
    public const string RemoveListenerEvent = "removeListener";

    /// <summary>Node's <c>'error'</c> event: emitting it with no listener throws.</summary>
    public const string ErrorEvent = "error";

    /// <summary>Node's default for <c>EventEmitter.defaultMaxListeners</c> (Node 20).</summary>
    private const int NodeDefaultMaxListeners = 10;

    private static int defaultMaxListeners = NodeDefaultMaxListeners;

    /// <summary>
    /// Where the max-listeners warning goes (Node's <c>process.emitWarning</c> prints to stderr).
    /// Tests swap it to capture the text.
    /// </summary>
    internal static Action<string> WarningSink = static message => Console.Error.WriteLine(message);

    // Events in order of first registration (Node's key order for eventNames()). Most emitters carry a
    // handful of events, so a linear search (reference equality first: names are usually literals) beats
    // a dictionary and costs one small array per emitter.
    private EventSlot[]? slots;
    private int slotCount;

    // How many events the first slot array holds (most emitters get listeners for one or two events).
    private readonly int initialEventSlots = DefaultEventCapacity;

    private const int DefaultEventCapacity = 2;

    // -1 = not set: follow DefaultMaxListeners, as Node's undefined _maxListeners does.
    private int maxListeners = -1;

    /// <summary>Node's <c>new EventEmitter()</c>.</summary>
    public EventEmitter()
    {
    }

    /// <summary>An emitter that usually carries listeners for <paramref name="eventCapacity"/> events (room made on the first listener).</summary>
    private protected EventEmitter(int eventCapacity) => initialEventSlots = Math.Max(1, eventCapacity);

    private struct EventSlot
    {
        public string Name;
        // The one ListenerEntry, or a ListenerEntry[] of two or more; replaced, never mutated, on change.
        public object Listeners;
        public bool Warned;
    }

    /// <summary>Node's <c>EventEmitter.defaultMaxListeners</c>: the limit for emitters that did not set their own (10).</summary>
    public static int DefaultMaxListeners
    {
        get => Volatile.Read(ref defaultMaxListeners);
        set
        {
            if (value < 0)
            {
                ErrorCodes.Throw("ERR_OUT_OF_RANGE", "defaultMaxListeners", "a non-negative number", value);
            }
            Volatile.Write(ref defaultMaxListeners, value);
        }
    }

    /// <summary>
    /// Node's <c>emitter.getMaxListeners()</c>/<c>setMaxListeners(n)</c>: above this many listeners for one event a
    /// warning is printed once. 0 means unlimited.
    /// </summary>
    public int MaxListeners
    {
        get => maxListeners < 0 ? DefaultMaxListeners : maxListeners;
        set
        {
            if (value < 0)
            {
                ErrorCodes.Throw("ERR_OUT_OF_RANGE", "n", "a non-negative number", value);
            }
            maxListeners = value;
        }
    }

    // ---- registration -------------------------------------------------------------------------------

    /// <summary>Node's <c>emitter.on(eventName, listener)</c>: adds a listener taking no arguments.</summary>
    public EventEmitter On(string eventName, Action listener) => Add(eventName, listener, ListenerShape0.Instance, false, false);

    /// <summary>Node's <c>emitter.on(eventName, listener)</c>: adds a listener taking the event's first argument.</summary>
    public EventEmitter On<T1>(string eventName, Action<T1> listener) => Add(eventName, listener, ListenerShape<T1>.Instance, false, false);

    /// <summary>Node's <c>emitter.on(eventName, listener)</c>: adds a listener taking the event's first two arguments.</summary>
    public EventEmitter On<T1, T2>(string eventName, Action<T1, T2> listener) => Add(eventName, listener, ListenerShape<T1, T2>.Instance, false, false);

    /// <summary>Node's <c>emitter.on(eventName, listener)</c>: adds a listener taking the event's first three arguments.</summary>
    public EventEmitter On<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener) => Add(eventName, listener, ListenerShape<T1, T2, T3>.Instance, false, false);

    /// <summary>Node's <c>emitter.addListener</c>: an alias of <see cref="On(string, Action)"/>.</summary>
    public EventEmitter AddListener(string eventName, Action listener) => On(eventName, listener);

    /// <summary>Node's <c>emitter.addListener</c>: an alias of <see cref="On{T1}(string, Action{T1})"/>.</summary>
    public EventEmitter AddListener<T1>(string eventName, Action<T1> listener) => On(eventName, listener);

    /// <summary>Node's <c>emitter.addListener</c>: an alias of <see cref="On{T1, T2}(string, Action{T1, T2})"/>.</summary>
    public EventEmitter AddListener<T1, T2>(string eventName, Action<T1, T2> listener) => On(eventName, listener);

    /// <summary>Node's <c>emitter.addListener</c>: an alias of <see cref="On{T1, T2, T3}(string, Action{T1, T2, T3})"/>.</summary>
    public EventEmitter AddListener<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener) => On(eventName, listener);

    /// <summary>Node's <c>emitter.once(eventName, listener)</c>: the listener is removed before its first call.</summary>
    public EventEmitter Once(string eventName, Action listener) => Add(eventName, listener, ListenerShape0.Instance, true, false);

    /// <summary>Node's <c>emitter.once(eventName, listener)</c>: the listener is removed before its first call.</summary>
    public EventEmitter Once<T1>(string eventName, Action<T1> listener) => Add(eventName, listener, ListenerShape<T1>.Instance, true, false);

    /// <summary>Node's <c>emitter.once(eventName, listener)</c>: the listener is removed before its first call.</summary>
    public EventEmitter Once<T1, T2>(string eventName, Action<T1, T2> listener) => Add(eventName, listener, ListenerShape<T1, T2>.Instance, true, false);

    /// <summary>Node's <c>emitter.once(eventName, listener)</c>: the listener is removed before its first call.</summary>
    public EventEmitter Once<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener) => Add(eventName, listener, ListenerShape<T1, T2, T3>.Instance, true, false);

    /// <summary>Node's <c>emitter.prependListener(eventName, listener)</c>: adds the listener before all others.</summary>
    public EventEmitter PrependListener(string eventName, Action listener) => Add(eventName, listener, ListenerShape0.Instance, false, true);

    /// <summary>Node's <c>emitter.prependListener(eventName, listener)</c>: adds the listener before all others.</summary>
    public EventEmitter PrependListener<T1>(string eventName, Action<T1> listener) => Add(eventName, listener, ListenerShape<T1>.Instance, false, true);

    /// <summary>Node's <c>emitter.prependListener(eventName, listener)</c>: adds the listener before all others.</summary>
    public EventEmitter PrependListener<T1, T2>(string eventName, Action<T1, T2> listener) => Add(eventName, listener, ListenerShape<T1, T2>.Instance, false, true);

    /// <summary>Node's <c>emitter.prependListener(eventName, listener)</c>: adds the listener before all others.</summary>
    public EventEmitter PrependListener<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener) => Add(eventName, listener, ListenerShape<T1, T2, T3>.Instance, false, true);

    /// <summary>Node's <c>emitter.prependOnceListener(eventName, listener)</c>: a once-listener added before all others.</summary>
    public EventEmitter PrependOnceListener(string eventName, Action listener) => Add(eventName, listener, ListenerShape0.Instance, true, true);

    /// <summary>Node's <c>emitter.prependOnceListener(eventName, listener)</c>: a once-listener added before all others.</summary>
    public EventEmitter PrependOnceListener<T1>(string eventName, Action<T1> listener) => Add(eventName, listener, ListenerShape<T1>.Instance, true, true);

    /// <summary>Node's <c>emitter.prependOnceListener(eventName, listener)</c>: a once-listener added before all others.</summary>
    public EventEmitter PrependOnceListener<T1, T2>(string eventName, Action<T1, T2> listener) => Add(eventName, listener, ListenerShape<T1, T2>.Instance, true, true);

    /// <summary>Node's <c>emitter.prependOnceListener(eventName, listener)</c>: a once-listener added before all others.</summary>
    public EventEmitter PrependOnceListener<T1, T2, T3>(string eventName, Action<T1, T2, T3> listener) => Add(eventName, listener, ListenerShape<T1, T2, T3>.Instance, true, true);

    /// <summary>
    /// Node's <c>emitter.removeListener(eventName, listener)</c>: removes the most recently added registration of
    /// <paramref name="listener"/> (a once-listener too, by its original delegate), then emits <c>'removeListener'</c>.
    /// </summary>
    public EventEmitter RemoveListener(string eventName, Delegate listener)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(listener);
        int slot = FindSlot(eventName);
        if (slot < 0)
        {
            return this;
        }
        ListenerEntry single = null!;
        ReadOnlySpan<ListenerEntry> list = View(slots![slot].Listeners, ref single);
        for (int i = list.Length - 1; i >= 0; i--)
        {
            ListenerEntry entry = list[i];
            if (entry.Listener.Equals(listener) || (entry.OnceWrapper is not null && ReferenceEquals(entry.OnceWrapper, listener)))
            {
                RemoveAt(slot, i);
                if (HasListeners(RemoveListenerEvent))
                {
                    Emit(RemoveListenerEvent, eventName, entry.Listener);
                }
                OnListenerRemoved(eventName);
                break;
            }
        }
        return this;
    }

    /// <summary>Node's <c>emitter.off(eventName, listener)</c>: an alias of <see cref="RemoveListener"/>.</summary>
    public EventEmitter Off(string eventName, Delegate listener) => RemoveListener(eventName, listener);

    /// <summary>
    /// Node's <c>emitter.removeAllListeners([eventName])</c>: removes every listener of one event, or of all events
    /// (<c>'removeListener'</c> last, so its listeners hear about the others).
    /// </summary>
    public EventEmitter RemoveAllListeners(string? eventName = null)
    {
        if (!HasListeners(RemoveListenerEvent))
        {
            // Nobody to tell: drop the storage outright, as Node does.
            if (eventName is null)
            {
                slots = null;
                slotCount = 0;
            }
            else
            {
                int slot = FindSlot(eventName);
                if (slot >= 0)
                {
                    RemoveSlot(slot);
                }
            }
            OnListenerRemoved(eventName);
            return this;
        }

        if (eventName is null)
        {
            foreach (string name in EventNames())
            {
                if (!string.Equals(name, RemoveListenerEvent, StringComparison.Ordinal))
                {
                    RemoveAllListeners(name);
                }
            }
            RemoveAllListeners(RemoveListenerEvent);
            slots = null;
            slotCount = 0;
            OnListenerRemoved(null);
            return this;
        }

        int index = FindSlot(eventName);
        if (index >= 0)
        {
            // LIFO, each removal announced, as Node's removeAllListeners(type).
            ListenerEntry single = null!;
            ReadOnlySpan<ListenerEntry> list = View(slots![index].Listeners, ref single);
            for (int i = list.Length - 1; i >= 0; i--)
            {
                RemoveListener(eventName, list[i].Listener);
            }
        }
        return this;
    }

    // ---- inspection ---------------------------------------------------------------------------------

    /// <summary>Node's <c>emitter.listenerCount(eventName)</c>.</summary>
    public int ListenerCount(string eventName)
    {
        int slot = FindSlot(eventName);
        return slot < 0 ? 0 : CountOf(slots![slot].Listeners);
    }

    /// <summary>Node's <c>emitter.listenerCount(eventName, listener)</c>: how many times <paramref name="listener"/> is registered.</summary>
    public int ListenerCount(string eventName, Delegate listener)
    {
        int slot = FindSlot(eventName);
        if (slot < 0)
        {
            return 0;
        }
        int count = 0;
        ListenerEntry single = null!;
        foreach (ListenerEntry entry in View(slots![slot].Listeners, ref single))
        {
            if (entry.Listener.Equals(listener) || (entry.OnceWrapper is not null && ReferenceEquals(entry.OnceWrapper, listener)))
            {
                count++;
            }
        }
        return count;
    }

    /// <summary>Node's <c>emitter.eventNames()</c>: events with at least one listener, in order of first registration.</summary>
    public IReadOnlyList<string> EventNames()
    {
        if (slotCount == 0)
        {
            return [];
        }
        var names = new string[slotCount];
        for (int i = 0; i < slotCount; i++)
        {
            names[i] = slots![i].Name;
        }
        return names;
    }

    /// <summary>Node's <c>emitter.listeners(eventName)</c>: a copy of the listeners, once-listeners unwrapped.</summary>
    public Delegate[] Listeners(string eventName)
    {
        int slot = FindSlot(eventName);
        if (slot < 0)
        {
            return [];
        }
        ListenerEntry single = null!;
        ReadOnlySpan<ListenerEntry> list = View(slots![slot].Listeners, ref single);
        var result = new Delegate[list.Length];
        for (int i = 0; i < list.Length; i++)
        {
            result[i] = list[i].Listener;
        }
        return result;
    }

    /// <summary>
    /// Node's <c>emitter.rawListeners(eventName)</c>: a copy of the listeners with once-listeners as their wrappers
    /// (calling a wrapper removes the registration, then calls the listener, at most once).
    /// </summary>
    public Delegate[] RawListeners(string eventName)
    {
        int slot = FindSlot(eventName);
        if (slot < 0)
        {
            return [];
        }
        ListenerEntry single = null!;
        ReadOnlySpan<ListenerEntry> list = View(slots![slot].Listeners, ref single);
        var result = new Delegate[list.Length];
        for (int i = 0; i < list.Length; i++)
        {
            ListenerEntry entry = list[i];
            result[i] = entry.Once ? entry.OnceWrapper ??= entry.Shape.MakeOnceWrapper(this, eventName, entry) : entry.Listener;
        }
        return result;
    }

    // ---- storage ------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FindSlot(string eventName)
    {
        EventSlot[]? s = slots;
        if (s is null)
        {
            return -1;
        }
        int count = slotCount;
        for (int i = 0; i < count; i++)
        {
            if (ReferenceEquals(s[i].Name, eventName))
            {
                return i;
            }
        }
        // A name built at run time: compare text, the length first so that a miss (the usual case of a ListenerCount
        // asked per read) costs no call per slot.
        int length = eventName.Length;
        for (int i = 0; i < count; i++)
        {
            string name = s[i].Name;
            if (name.Length == length && string.Equals(name, eventName, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>The listener snapshot for an event, or null when it has none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private object? Snapshot(string eventName)
    {
        int slot = FindSlot(eventName);
        return slot < 0 ? null : slots![slot].Listeners;
    }

    private bool HasListeners(string eventName) => FindSlot(eventName) >= 0;

    /// <summary>The entries of a slot's (or snapshot's) <see cref="EventSlot.Listeners"/>; a single one is viewed through <paramref name="single"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ReadOnlySpan<ListenerEntry> View(object listeners, ref ListenerEntry single)
    {
        if (listeners is ListenerEntry one)
        {
            single = one;
            return new ReadOnlySpan<ListenerEntry>(ref single);
        }
        return (ListenerEntry[])listeners;
    }

    private static int CountOf(object listeners) => listeners is ListenerEntry[] list ? list.Length : 1;

    /// <summary>Runs after a listener was added (Node's subclasses override <c>on</c> for this, e.g. Readable).</summary>
    private protected virtual void OnListenerAdded(string eventName)
    {
    }

    /// <summary>
    /// Raises <c>'newListener'</c> (when anyone listens for it) before <paramref name="listener"/> is added, as Node
    /// does. A subclass reacts to its own new listeners by overriding it and calling the base, as a Node subclass
    /// listening to its own <c>'newListener'</c>: a listener it adds here lands in front of an appended one and behind
    /// a prepended one.
    /// </summary>
    private protected virtual void OnNewListener(string eventName, Delegate listener)
    {
        if (HasListeners(NewListenerEvent))
        {
            Emit(NewListenerEvent, eventName, listener);
        }
    }

    /// <summary>Runs after a listener was removed; <paramref name="eventName"/> is null when every listener of every event went.</summary>
    private protected virtual void OnListenerRemoved(string? eventName)
    {
    }

    private EventEmitter Add(string eventName, Delegate listener, ListenerShape shape, bool once, bool prepend)
    {
        ArgumentNullException.ThrowIfNull(eventName);
        ArgumentNullException.ThrowIfNull(listener);
        // Node emits 'newListener' before adding, so a listener it adds lands in front of this one.
        OnNewListener(eventName, listener);

        var entry = new ListenerEntry(listener, shape, once);
        int slot = FindSlot(eventName);
        if (slot < 0)
        {
            if (slots is null)
            {
                slots = new EventSlot[initialEventSlots];
            }
            else if (slotCount == slots.Length)
            {
                Array.Resize(ref slots, slotCount * 2);
            }
            slots[slotCount++] = new EventSlot { Name = eventName, Listeners = entry };
            slot = slotCount - 1;
        }
        else
        {
            ListenerEntry single = null!;
            ReadOnlySpan<ListenerEntry> old = View(slots![slot].Listeners, ref single);
            var list = new ListenerEntry[old.Length + 1];
            if (prepend)
            {
                list[0] = entry;
                old.CopyTo(list.AsSpan(1));
            }
            else
            {
                old.CopyTo(list);
                list[old.Length] = entry;
            }
            slots[slot].Listeners = list;
        }

        int max = MaxListeners;
        ref EventSlot s = ref slots[slot];
        if (max > 0 && CountOf(s.Listeners) > max && !s.Warned)
        {
            s.Warned = true;
            EmitterWarnings.MaxListenersExceeded(this, eventName, CountOf(s.Listeners), max);
        }
        OnListenerAdded(eventName);
        return this;
    }

    private void RemoveAt(int slot, int index)
    {
        if (slots![slot].Listeners is not ListenerEntry[] old)
        {
            RemoveSlot(slot);
            return;
        }
        if (old.Length == 2)
        {
            slots[slot].Listeners = old[1 - index];
            return;
        }
        var list = new ListenerEntry[old.Length - 1];
        Array.Copy(old, 0, list, 0, index);
        Array.Copy(old, index + 1, list, index, old.Length - index - 1);
        slots[slot].Listeners = list;
    }

    private void RemoveSlot(int slot)
    {
        // Shift down to keep first-registration order for EventNames().
        int count = slotCount - 1;
        if (slot < count)
        {
            Array.Copy(slots!, slot + 1, slots!, slot, count - slot);
        }
        slots![count] = default;
        slotCount = count;
    }

    /// <summary>
    /// Node's <c>onceWrapper</c> prologue: marks the entry fired and removes it before the listener runs.
    /// False when it already fired (an outer emit's snapshot still holds it).
    /// </summary>
    internal bool TakeOnce(string eventName, ListenerEntry entry)
    {
        if (entry.Fired)
        {
            return false;
        }
        entry.Fired = true;
        int slot = FindSlot(eventName);
        if (slot >= 0)
        {
            ListenerEntry single = null!;
            int index = View(slots![slot].Listeners, ref single).IndexOf(entry);
            if (index >= 0)
            {
                RemoveAt(slot, index);
                if (HasListeners(RemoveListenerEvent))
                {
                    Emit(RemoveListenerEvent, eventName, entry.Listener);
                }
                OnListenerRemoved(eventName);
            }
        }
        return true;
    }
}
