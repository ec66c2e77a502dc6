namespace NodeHttp;

/// <summary>
/// The static description of a listener delegate type (<c>Action</c>, <c>Action&lt;T1&gt;</c>...):
/// its parameter types, a way to call it with boxed arguments, and a way to build Node's once-wrapper.
/// One instance per closed delegate type, created by the generic registration methods, so the slow
/// paths of <see cref="EventEmitter"/> need no reflection to call a listener.
/// </summary>
internal abstract class ListenerShape
{
    protected ListenerShape(Type delegateType, Type[] parameterTypes)
    {
        DelegateType = delegateType;
        ParameterTypes = parameterTypes;
    }

    /// <summary>The closed delegate type, e.g. <c>Action&lt;string, int&gt;</c>.</summary>
    public Type DelegateType { get; }

    /// <summary>The declared parameter types, in order.</summary>
    public Type[] ParameterTypes { get; }

    /// <summary>Calls <paramref name="listener"/> with the leading <see cref="ParameterTypes"/>.Length arguments, unboxing as needed.</summary>
    public abstract void Invoke(Delegate listener, object?[] args);

    /// <summary>Builds a delegate of the listener's own type that behaves like Node's <c>onceWrapper</c>.</summary>
    public abstract Delegate MakeOnceWrapper(EventEmitter emitter, string eventName, ListenerEntry entry);
}

/// <summary>The shape of <see cref="Action"/>.</summary>
internal sealed class ListenerShape0 : ListenerShape
{
    public static readonly ListenerShape0 Instance = new();

    private ListenerShape0() : base(typeof(Action), []) { }

    public override void Invoke(Delegate listener, object?[] args) => ((Action)listener)();

    public override Delegate MakeOnceWrapper(EventEmitter emitter, string eventName, ListenerEntry entry)
        => new Action(() =>
        {
            if (emitter.TakeOnce(eventName, entry))
            {
                ((Action)entry.Listener)();
            }
        });
}

/// <summary>The shape of <see cref="Action{T}"/>.</summary>
internal sealed class ListenerShape<T1> : ListenerShape
{
    public static readonly ListenerShape<T1> Instance = new();

    private ListenerShape() : base(typeof(Action<T1>), [typeof(T1)]) { }

    public override void Invoke(Delegate listener, object?[] args) => ((Action<T1>)listener)((T1)args[0]!);

    public override Delegate MakeOnceWrapper(EventEmitter emitter, string eventName, ListenerEntry entry)
        => new Action<T1>(a =>
        {
            if (emitter.TakeOnce(eventName, entry))
            {
                ((Action<T1>)entry.Listener)(a);
            }
        });
}

/// <summary>The shape of <see cref="Action{T1, T2}"/>.</summary>
internal sealed class ListenerShape<T1, T2> : ListenerShape
{
    public static readonly ListenerShape<T1, T2> Instance = new();

    private ListenerShape() : base(typeof(Action<T1, T2>), [typeof(T1), typeof(T2)]) { }

    public override void Invoke(Delegate listener, object?[] args)
        => ((Action<T1, T2>)listener)((T1)args[0]!, (T2)args[1]!);

    public override Delegate MakeOnceWrapper(EventEmitter emitter, string eventName, ListenerEntry entry)
        => new Action<T1, T2>((a, b) =>
        {
            if (emitter.TakeOnce(eventName, entry))
            {
                ((Action<T1, T2>)entry.Listener)(a, b);
            }
        });
}

/// <summary>The shape of <see cref="Action{T1, T2, T3}"/>.</summary>
internal sealed class ListenerShape<T1, T2, T3> : ListenerShape
{
    public static readonly ListenerShape<T1, T2, T3> Instance = new();

    private ListenerShape() : base(typeof(Action<T1, T2, T3>), [typeof(T1), typeof(T2), typeof(T3)]) { }

    public override void Invoke(Delegate listener, object?[] args)
        => ((Action<T1, T2, T3>)listener)((T1)args[0]!, (T2)args[1]!, (T3)args[2]!);

    public override Delegate MakeOnceWrapper(EventEmitter emitter, string eventName, ListenerEntry entry)
        => new Action<T1, T2, T3>((a, b, c) =>
        {
            if (emitter.TakeOnce(eventName, entry))
            {
                ((Action<T1, T2, T3>)entry.Listener)(a, b, c);
            }
        });
}
