using System.Runtime.CompilerServices;

namespace NodeHttp;

// Dispatch. Each typed Emit calls listeners whose delegate type fits the static argument types directly
// (variance lets Action<Exception> take an emit of NodeHttpException; a listener with fewer parameters
// gets the leading arguments), so the common case allocates nothing. Anything else is boxed once and
// goes through ListenerSignatures, which calls it or throws ERR_LISTENER_SIGNATURE.
public partial class EventEmitter
{
    /// <summary>
    /// Node's <c>emitter.emit(eventName, ...args)</c> with any number of untyped arguments: calls every listener
    /// registered at the time of the call, in order. Returns whether the event had listeners.
    /// An <c>'error'</c> event with no listener throws its argument (or <c>ERR_UNHANDLED_ERROR</c>).
    /// </summary>
    /// <remarks>
    /// <c>Emit(name, null)</c> binds to this overload with a null array; it is read as one null argument,
    /// which is what <c>emit(name, null)</c> means in Node.
    /// </remarks>
    public bool Emit(string eventName, params object?[] args)
    {
        args ??= [null];
        object? listeners = Snapshot(eventName);
        if (listeners is null)
        {
            return IsErrorEvent(eventName) ? throw ListenerSignatures.UnhandledError(args) : false;
        }
        ListenerEntry single = null!;
        foreach (ListenerEntry entry in View(listeners, ref single))
        {
            if (entry.Once && !TakeOnce(eventName, entry))
            {
                continue;
            }
            if (entry.Listener is Action a0)
            {
                a0();
            }
            else
            {
                ListenerSignatures.InvokeBoxed(eventName, entry, args);
            }
        }
        return true;
    }

    /// <summary>Node's <c>emitter.emit(eventName)</c>: an event without arguments.</summary>
    public bool Emit(string eventName)
    {
        object? listeners = Snapshot(eventName);
        if (listeners is null)
        {
            return IsErrorEvent(eventName) ? throw ListenerSignatures.UnhandledError([]) : false;
        }
        ListenerEntry single = null!;
        foreach (ListenerEntry entry in View(listeners, ref single))
        {
            if (entry.Once && !TakeOnce(eventName, entry))
            {
                continue;
            }
            if (entry.Listener is Action a0)
            {
                a0();
            }
            else
            {
                ListenerSignatures.InvokeBoxed(eventName, entry, []);
            }
        }
        return true;
    }

    /// <summary>Node's <c>emitter.emit(eventName, arg1)</c>, without boxing when listeners match.</summary>
    public bool Emit<T1>(string eventName, T1 arg1)
    {
        object? listeners = Snapshot(eventName);
        if (listeners is null)
        {
            return IsErrorEvent(eventName) ? throw ListenerSignatures.UnhandledError([arg1]) : false;
        }
        ListenerEntry single = null!;
        foreach (ListenerEntry entry in View(listeners, ref single))
        {
            if (entry.Once && !TakeOnce(eventName, entry))
            {
                continue;
            }
            switch (entry.Listener)
            {
                case Action<T1> a1:
                    a1(arg1);
                    break;
                case Action a0:
                    a0();
                    break;
                default:
                    ListenerSignatures.InvokeBoxed(eventName, entry, [arg1]);
                    break;
            }
        }
        return true;
    }

    /// <summary>Node's <c>emitter.emit(eventName, arg1, arg2)</c>, without boxing when listeners match.</summary>
    public bool Emit<T1, T2>(string eventName, T1 arg1, T2 arg2)
    {
        object? listeners = Snapshot(eventName);
        if (listeners is null)
        {
            return IsErrorEvent(eventName) ? throw ListenerSignatures.UnhandledError([arg1, arg2]) : false;
        }
        ListenerEntry single = null!;
        foreach (ListenerEntry entry in View(listeners, ref single))
        {
            if (entry.Once && !TakeOnce(eventName, entry))
            {
                continue;
            }
            switch (entry.Listener)
            {
                case Action<T1, T2> a2:
                    a2(arg1, arg2);
                    break;
                case Action<T1> a1:
                    a1(arg1);
                    break;
                case Action a0:
                    a0();
                    break;
                default:
                    ListenerSignatures.InvokeBoxed(eventName, entry, [arg1, arg2]);
                    break;
            }
        }
        return true;
    }

    /// <summary>Node's <c>emitter.emit(eventName, arg1, arg2, arg3)</c>, without boxing when listeners match.</summary>
    public bool Emit<T1, T2, T3>(string eventName, T1 arg1, T2 arg2, T3 arg3)
    {
        object? listeners = Snapshot(eventName);
        if (listeners is null)
        {
            return IsErrorEvent(eventName) ? throw ListenerSignatures.UnhandledError([arg1, arg2, arg3]) : false;
        }
        ListenerEntry single = null!;
        foreach (ListenerEntry entry in View(listeners, ref single))
        {
            if (entry.Once && !TakeOnce(eventName, entry))
            {
                continue;
            }
            switch (entry.Listener)
            {
                case Action<T1, T2, T3> a3:
                    a3(arg1, arg2, arg3);
                    break;
                case Action<T1, T2> a2:
                    a2(arg1, arg2);
                    break;
                case Action<T1> a1:
                    a1(arg1);
                    break;
                case Action a0:
                    a0();
                    break;
                default:
                    ListenerSignatures.InvokeBoxed(eventName, entry, [arg1, arg2, arg3]);
                    break;
            }
        }
        return true;
    }

    // With no listeners an emit returns false, except that an unheard 'error' throws, as in Node. The
    // arguments are only boxed on that path.
    // Asked on every emit nobody listens to: the length settles almost every other name without a call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsErrorEvent(string eventName) =>
        eventName.Length == ErrorEvent.Length && string.Equals(eventName, ErrorEvent, StringComparison.Ordinal);
}
