namespace NodeHttp.Tests.Events;

/// <summary>Node's EventEmitter semantics (test/parallel/test-event-emitter-*.js, checked against node 20).</summary>
public class EventEmitterTests
{
    [Fact]
    public void Listeners_run_in_registration_order_and_emit_reports_whether_any_ran()
    {
        var e = new EventEmitter();
        var log = new List<string>();
        Assert.False(e.Emit("x"));
        e.On("x", () => log.Add("a"));
        e.AddListener("x", () => log.Add("b"));
        e.On<int>("x", n => log.Add("c" + n));
        Assert.True(e.Emit("x", 1));
        Assert.Equal(["a", "b", "c1"], log);
    }

    [Fact]
    public void Prepend_puts_listeners_first()
    {
        var e = new EventEmitter();
        var log = new List<string>();
        e.On("x", () => log.Add("on"));
        e.PrependListener("x", () => log.Add("prepend"));
        e.PrependOnceListener("x", () => log.Add("prependOnce"));
        e.Emit("x");
        e.Emit("x");
        Assert.Equal(["prependOnce", "prepend", "on", "prepend", "on"], log);
    }

    [Fact]
    public void Once_is_removed_before_it_runs()
    {
        var e = new EventEmitter();
        int calls = 0;
        int countInside = -1;
        e.Once<string>("x", s =>
        {
            calls++;
            countInside = e.ListenerCount("x");
        });
        Assert.True(e.Emit("x", "a"));
        Assert.False(e.Emit("x", "b"));
        Assert.Equal(1, calls);
        Assert.Equal(0, countInside);
    }

    [Fact]
    public void Once_fires_once_when_the_event_is_emitted_again_from_a_listener()
    {
        // test-event-emitter-once.js: a recursive emit must not call the once-listener twice.
        var e = new EventEmitter();
        int onceCalls = 0;
        bool reentered = false;
        e.On("x", () =>
        {
            if (!reentered)
            {
                reentered = true;
                e.Emit("x");
            }
        });
        e.Once("x", () => onceCalls++);
        e.Emit("x");
        Assert.Equal(1, onceCalls);
    }

    [Fact]
    public void Once_listener_that_throws_is_still_removed()
    {
        var e = new EventEmitter();
        e.Once("x", () => throw new InvalidOperationException("boom"));
        var ex = Assert.Throws<InvalidOperationException>(() => e.Emit("x"));
        Assert.Equal("boom", ex.Message);
        Assert.Equal(0, e.ListenerCount("x"));
    }

    [Fact]
    public void Changes_during_an_emit_do_not_affect_that_emit()
    {
        var e = new EventEmitter();
        var log = new List<string>();
        Action b = () => log.Add("b");
        e.On("x", () =>
        {
            log.Add("a");
            e.On("x", () => log.Add("late"));
            e.RemoveListener("x", b);
        });
        e.On("x", b);
        e.Emit("x");
        Assert.Equal(["a", "b"], log);
        log.Clear();
        e.Emit("x");
        Assert.Equal(["a", "late"], log);
    }

    [Fact]
    public void Removing_all_during_emit_still_runs_the_snapshot()
    {
        var e = new EventEmitter();
        int second = 0;
        e.On("x", () => e.RemoveAllListeners("x"));
        e.On("x", () => second++);
        e.Emit("x");
        Assert.Equal(1, second);
        Assert.False(e.Emit("x"));
    }

    [Fact]
    public void Listener_exceptions_propagate_and_stop_the_emit()
    {
        var e = new EventEmitter();
        bool later = false;
        e.On("x", () => throw new FormatException("bad"));
        e.On("x", () => later = true);
        Assert.Throws<FormatException>(() => e.Emit("x"));
        Assert.False(later);
    }

    [Fact]
    public void Error_without_listener_throws_the_exception_itself()
    {
        var e = new EventEmitter();
        var error = new NodeHttpException("ECONNRESET", "read ECONNRESET");
        var thrown = Assert.Throws<NodeHttpException>(() => e.Emit(EventEmitter.ErrorEvent, error));
        Assert.Same(error, thrown);
        var boxed = Assert.Throws<NodeHttpException>(() => e.Emit("error", (object)error));
        Assert.Same(error, boxed);
    }

    [Theory]
    [InlineData("text", "Unhandled error. ('text')")]
    [InlineData(42, "Unhandled error. (42)")]
    [InlineData(null, "Unhandled error. (null)")]
    public void Error_with_a_non_exception_throws_ERR_UNHANDLED_ERROR(object? value, string message)
    {
        var e = new EventEmitter();
        var thrown = Assert.Throws<NodeHttpException>(() => e.Emit("error", value));
        Assert.Equal("ERR_UNHANDLED_ERROR", thrown.Code);
        Assert.Equal(message, thrown.Message);
        Assert.Equal(value, thrown.Data["context"]);
    }

    [Fact]
    public void Error_without_arguments_is_unhandled_undefined()
    {
        var e = new EventEmitter();
        var thrown = Assert.Throws<NodeHttpException>(() => e.Emit("error"));
        Assert.Equal("Unhandled error. (undefined)", thrown.Message);
        var typed = Assert.Throws<NodeHttpException>(() => e.Emit<string>("error", "x"));
        Assert.Equal("Unhandled error. ('x')", typed.Message);
    }

    [Fact]
    public void Error_with_a_listener_does_not_throw()
    {
        var e = new EventEmitter();
        Exception? seen = null;
        e.On<Exception>("error", ex => seen = ex);
        var error = new InvalidOperationException();
        Assert.True(e.Emit("error", error));
        Assert.Same(error, seen);
    }

    [Fact]
    public void NewListener_is_emitted_before_adding_with_the_original_listener()
    {
        var e = new EventEmitter();
        var log = new List<(string Name, Delegate Listener, int CountBefore)>();
        e.On<string, Delegate>(EventEmitter.NewListenerEvent, (name, listener) => log.Add((name, listener, e.ListenerCount(name))));
        Action a = () => { };
        Action<int> b = _ => { };
        e.On("x", a);
        e.Once("x", b);
        Assert.Equal(2, log.Count);
        Assert.Equal(("x", (Delegate)a, 0), log[0]);
        Assert.Equal(("x", (Delegate)b, 1), log[1]);
    }

    [Fact]
    public void NewListener_that_adds_a_listener_to_the_same_event_lands_first()
    {
        var e = new EventEmitter();
        var order = new List<string>();
        bool added = false;
        e.On<string>("newListener", name =>
        {
            if (name == "x" && !added)
            {
                added = true;
                e.On("x", () => order.Add("from newListener"));
            }
        });
        e.On("x", () => order.Add("original"));
        e.Emit("x");
        Assert.Equal(["from newListener", "original"], order);
    }

    [Fact]
    public void RemoveListener_event_follows_removal()
    {
        var e = new EventEmitter();
        var log = new List<string>();
        Action a = () => { };
        e.On("x", a);
        e.On<string, Delegate>("removeListener", (name, listener) => log.Add($"{name}:{ReferenceEquals(listener, a)}:{e.ListenerCount(name)}"));
        e.RemoveListener("x", a);
        Assert.Equal(["x:True:0"], log);
    }

    [Fact]
    public void Once_emits_removeListener_with_the_original_listener()
    {
        var e = new EventEmitter();
        var removed = new List<Delegate>();
        Action a = () => { };
        e.Once("x", a);
        e.On<string, Delegate>("removeListener", (_, l) => removed.Add(l));
        e.Emit("x");
        Assert.Equal([a], removed);
    }

    [Fact]
    public void RemoveListener_takes_the_last_registration_and_unwraps_once()
    {
        var e = new EventEmitter();
        var log = new List<string>();
        Action a = () => log.Add("a");
        Action b = () => log.Add("b");
        e.On("x", a);
        e.On("x", b);
        e.On("x", a);
        e.RemoveListener("x", a);
        e.Emit("x");
        Assert.Equal(["a", "b"], log);

        e.Once("y", a);
        e.Off("y", a);
        Assert.False(e.Emit("y"));
        Assert.Equal(0, e.ListenerCount("y"));

        // Unknown event or listener: nothing happens.
        e.RemoveListener("nope", a);
        e.RemoveListener("x", () => { });
        Assert.Equal(2, e.ListenerCount("x"));
    }

    [Fact]
    public void RemoveAllListeners_announces_each_removal_last_first_and_removeListener_last()
    {
        // node: x:b x:a y:c, then eventNames() is empty.
        var e = new EventEmitter();
        var log = new List<string>();
        Action a = () => { }, b = () => { }, c = () => { };
        e.On("x", a);
        e.On("x", b);
        e.On("y", c);
        e.On<string, Delegate>("removeListener", (n, l) => log.Add(n + ":" + (ReferenceEquals(l, a) ? "a" : ReferenceEquals(l, b) ? "b" : ReferenceEquals(l, c) ? "c" : "?")));
        e.RemoveAllListeners();
        Assert.Equal(["x:b", "x:a", "y:c"], log);
        Assert.Empty(e.EventNames());
    }

    [Fact]
    public void RemoveAllListeners_for_one_event_keeps_the_others()
    {
        var e = new EventEmitter();
        e.On("x", () => { });
        e.On("x", () => { });
        e.On("y", () => { });
        e.RemoveAllListeners("x");
        Assert.Equal(0, e.ListenerCount("x"));
        Assert.Equal(["y"], e.EventNames());
        e.RemoveAllListeners("absent");
        e.RemoveAllListeners();
        Assert.Empty(e.EventNames());
    }

    [Fact]
    public void EventNames_follow_first_registration_and_drop_emptied_events()
    {
        var e = new EventEmitter();
        Action a = () => { };
        e.On("b", a);
        e.On("a", () => { });
        e.On("c", () => { });
        e.On("d", () => { });
        e.On("e", () => { });
        Assert.Equal(["b", "a", "c", "d", "e"], e.EventNames());
        e.RemoveListener("b", a);
        e.On("b", a);
        Assert.Equal(["a", "c", "d", "e", "b"], e.EventNames());
    }

    [Fact]
    public void Event_names_compare_by_value_not_reference()
    {
        var e = new EventEmitter();
        int calls = 0;
        e.On("data", () => calls++);
        string built = new string("da".ToCharArray()) + "ta";
        Assert.True(e.Emit(built));
        Assert.Equal(1, calls);
        Assert.Equal(1, e.ListenerCount(built));
    }

    [Fact]
    public void Listeners_unwraps_and_RawListeners_wraps_once()
    {
        var e = new EventEmitter();
        int calls = 0;
        Action a = () => calls++;
        Action b = () => { };
        e.Once("x", a);
        e.On("x", b);
        Assert.Equal([a, b], e.Listeners("x"));
        Delegate[] raw = e.RawListeners("x");
        Assert.NotSame(a, raw[0]);
        Assert.Same(b, raw[1]);
        Assert.IsType<Action>(raw[0]);

        // Calling the wrapper removes the registration and calls the listener once.
        ((Action)raw[0])();
        ((Action)raw[0])();
        Assert.Equal(1, calls);
        Assert.Equal([b], e.Listeners("x"));
        Assert.Empty(e.Listeners("none"));
        Assert.Empty(e.RawListeners("none"));
    }

    [Fact]
    public void RemoveListener_accepts_the_raw_once_wrapper()
    {
        var e = new EventEmitter();
        e.Once<int>("x", _ => { });
        Delegate wrapper = e.RawListeners("x")[0];
        Assert.Equal(1, e.ListenerCount("x", wrapper));
        e.RemoveListener("x", wrapper);
        Assert.Equal(0, e.ListenerCount("x"));
    }

    [Fact]
    public void ListenerCount_with_a_listener_counts_its_registrations()
    {
        var e = new EventEmitter();
        Action a = () => { };
        e.On("x", a);
        e.Once("x", a);
        e.On("x", () => { });
        Assert.Equal(3, e.ListenerCount("x"));
        Assert.Equal(2, e.ListenerCount("x", a));
        Assert.Equal(0, e.ListenerCount("y", a));
    }

    [Fact]
    public void Registration_methods_return_the_emitter()
    {
        var e = new EventEmitter();
        Action a = () => { };
        Assert.Same(e, e.On("x", a));
        Assert.Same(e, e.On<int>("x", _ => { }));
        Assert.Same(e, e.On<int, int>("x", (_, _) => { }));
        Assert.Same(e, e.On<int, int, int>("x", (_, _, _) => { }));
        Assert.Same(e, e.Once("x", a));
        Assert.Same(e, e.Once<int>("x", _ => { }));
        Assert.Same(e, e.Once<int, int>("x", (_, _) => { }));
        Assert.Same(e, e.Once<int, int, int>("x", (_, _, _) => { }));
        Assert.Same(e, e.PrependListener("x", a));
        Assert.Same(e, e.PrependListener<int>("x", _ => { }));
        Assert.Same(e, e.PrependListener<int, int>("x", (_, _) => { }));
        Assert.Same(e, e.PrependListener<int, int, int>("x", (_, _, _) => { }));
        Assert.Same(e, e.PrependOnceListener("x", a));
        Assert.Same(e, e.PrependOnceListener<int>("x", _ => { }));
        Assert.Same(e, e.PrependOnceListener<int, int>("x", (_, _) => { }));
        Assert.Same(e, e.PrependOnceListener<int, int, int>("x", (_, _, _) => { }));
        Assert.Same(e, e.AddListener<int, int, int>("x", (_, _, _) => { }));
        Assert.Same(e, e.Off("x", a));
        Assert.Same(e, e.RemoveAllListeners());
    }

    [Fact]
    public void Null_arguments_are_rejected()
    {
        var e = new EventEmitter();
        Assert.Throws<ArgumentNullException>(() => e.On("x", (Action)null!));
        Assert.Throws<ArgumentNullException>(() => e.On(null!, () => { }));
        Assert.Throws<ArgumentNullException>(() => e.RemoveListener("x", null!));
    }
}
