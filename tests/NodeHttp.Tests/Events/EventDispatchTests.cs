namespace NodeHttp.Tests.Events;

/// <summary>How arguments reach listeners of different delegate types (API.md: fewer parameters, base types).</summary>
public class EventDispatchTests
{
    private sealed class Thing
    {
    }

    [Fact]
    public void Listener_with_fewer_parameters_gets_the_leading_arguments()
    {
        var e = new EventEmitter();
        var log = new List<string>();
        e.On("x", () => log.Add("0"));
        e.On<int>("x", a => log.Add($"1:{a}"));
        e.On<int, string>("x", (a, b) => log.Add($"2:{a},{b}"));
        e.On<int, string, bool>("x", (a, b, c) => log.Add($"3:{a},{b},{c}"));
        e.Emit("x", 1, "two", true);
        Assert.Equal(["0", "1:1", "2:1,two", "3:1,two,True"], log);
    }

    [Fact]
    public void Listener_may_declare_a_base_type_of_what_is_passed()
    {
        var e = new EventEmitter();
        Exception? seen = null;
        object? second = null;
        e.On<Exception, object>("clientError", (ex, o) => (seen, second) = (ex, o));
        var error = new NodeHttpException("HPE_INVALID_METHOD", "Invalid method");
        var thing = new Thing();
        e.Emit<NodeHttpException, Thing>("clientError", error, thing);
        Assert.Same(error, seen);
        Assert.Same(thing, second);
    }

    [Fact]
    public void Value_types_reach_object_and_nullable_parameters()
    {
        var e = new EventEmitter();
        var log = new List<object?>();
        e.On<object>("close", v => log.Add(v));
        e.On<bool?>("close", v => log.Add(v));
        e.On<IComparable>("close", v => log.Add(v));
        e.Emit("close", true);
        e.Emit<bool>("close", false);
        Assert.Equal([true, true, true, false, false, false], log);
    }

    [Fact]
    public void Untyped_emit_uses_runtime_types()
    {
        var e = new EventEmitter();
        var log = new List<string>();
        e.On<string, int>("x", (s, n) => log.Add($"{s}{n}"));
        e.On<NodeBuffer>("x", _ => log.Add("never"));
        e.RemoveAllListeners();
        e.On<string, int>("x", (s, n) => log.Add($"{s}{n}"));
        e.Emit("x", new object?[] { "a", 1 });
        e.Emit<object, object>("x", "b", 2);
        Assert.Equal(["a1", "b2"], log);
    }

    [Fact]
    public void Null_reaches_reference_and_nullable_parameters()
    {
        var e = new EventEmitter();
        var log = new List<string>();
        e.On<string?, int?>("x", (s, n) => log.Add($"{s ?? "null"}:{n?.ToString() ?? "null"}"));
        e.Emit("x", null, null);
        Assert.Throws<NodeHttpException>(() => e.Emit("x", (object?)null)); // one argument, two parameters
        Assert.Equal(["null:null"], log);
    }

    [Fact]
    public void Emit_with_a_null_array_passes_one_null()
    {
        var e = new EventEmitter();
        object? seen = "unset";
        e.On<object?>("x", v => seen = v);
        e.Emit("x", null!);
        Assert.Null(seen);
    }

    [Fact]
    public void Null_to_a_value_type_parameter_fails_with_ERR_LISTENER_SIGNATURE()
    {
        var e = new EventEmitter();
        e.On<int>("x", _ => { });
        var ex = Assert.Throws<NodeHttpException>(() => e.Emit("x", (object?)null));
        Assert.Equal("ERR_LISTENER_SIGNATURE", ex.Code);
        Assert.Equal("The listener for \"x\" takes (int) but the event passes (null)", ex.Message);
    }

    [Fact]
    public void Mismatched_types_fail_with_a_message_naming_event_and_types()
    {
        var e = new EventEmitter();
        bool earlier = false;
        e.On("data", () => earlier = true);
        e.On<string, int>("data", (_, _) => { });
        var ex = Assert.Throws<NodeHttpException>(() => e.Emit("data", NodeBuffer.From("x"), 3L));
        Assert.Equal("ERR_LISTENER_SIGNATURE", ex.Code);
        Assert.Equal(ErrorKind.TypeError, ex.Kind);
        Assert.Equal("The listener for \"data\" takes (string, int) but the event passes (NodeBuffer, long)", ex.Message);
        Assert.True(earlier);
    }

    [Fact]
    public void A_listener_wanting_more_arguments_than_passed_fails()
    {
        var e = new EventEmitter();
        e.On<int, int>("x", (_, _) => { });
        var ex = Assert.Throws<NodeHttpException>(() => e.Emit("x", 1));
        Assert.Equal("The listener for \"x\" takes (int, int) but the event passes (int)", ex.Message);
        Assert.Throws<NodeHttpException>(() => e.Emit("x"));
    }

    [Fact]
    public void Generic_type_names_read_like_CSharp()
    {
        var e = new EventEmitter();
        e.On<List<string>, int?>("x", (_, _) => { });
        var ex = Assert.Throws<NodeHttpException>(() => e.Emit("x", 1, 2));
        Assert.Equal("The listener for \"x\" takes (List<string>, int?) but the event passes (int, int)", ex.Message);
    }

    [Fact]
    public void Slow_path_gives_the_same_answer_every_time()
    {
        // The acceptance of (listener type, argument types) is cached: a second emit must agree with the first.
        var e = new EventEmitter();
        int calls = 0;
        e.On<object, IComparable>("x", (_, _) => calls++);
        for (int i = 0; i < 3; i++)
        {
            e.Emit("x", 1, "s");
            Assert.Throws<NodeHttpException>(() => e.Emit("x", 1, new object()));
        }
        Assert.Equal(3, calls);
    }

    [Fact]
    public void Typed_emit_to_matching_listeners_allocates_nothing()
    {
        var e = new EventEmitter();
        long sum = 0;
        e.On<int, long>("x", (a, b) => sum += a + b);
        e.On<int>("x", a => sum += a);
        e.On("x", () => sum++);
        e.On<Exception>("err", _ => sum++);
        var error = new NodeHttpException("E", "e");
        // Warm up (JIT, tiering).
        for (int i = 0; i < 100; i++)
        {
            e.Emit("x", i, 1L);
            e.Emit<NodeHttpException>("err", error);
            e.Emit("nobody", i);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            e.Emit("x", i, 1L);
            e.Emit<NodeHttpException>("err", error);
            e.Emit("nobody", i);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.True(sum > 0);
    }

    [Fact]
    public void Variance_through_Once_and_Prepend()
    {
        var e = new EventEmitter();
        var seen = new List<string>();
        e.Once<Exception>("error", ex => seen.Add("once " + ex.Message));
        e.PrependListener<object>("error", o => seen.Add("prepend " + ((Exception)o).Message));
        e.Emit("error", new InvalidOperationException("a"));
        Assert.Equal(["prepend a", "once a"], seen);
    }
}
