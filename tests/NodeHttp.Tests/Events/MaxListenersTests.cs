namespace NodeHttp.Tests.Events;

/// <summary>
/// The max-listeners warning (test-event-emitter-max-listeners-warning.js). Node's text, checked against node 20:
/// "(node:PID) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. 11 foo listeners added to
/// [EventEmitter]. MaxListeners is 10. Use emitter.setMaxListeners() to increase limit".
/// </summary>
[Collection(nameof(MaxListenersTests))] // swaps a static sink: not in parallel with itself
public class MaxListenersTests
{
    private sealed class MyEmitter : EventEmitter
    {
    }

    private static List<string> Capture(Action body)
    {
        var messages = new List<string>();
        Action<string> previous = EventEmitter.WarningSink;
        // Only this test's events: other tests in the process may warn too.
        EventEmitter.WarningSink = m =>
        {
            lock (messages)
            {
                messages.Add(m);
            }
        };
        try
        {
            body();
        }
        finally
        {
            EventEmitter.WarningSink = previous;
        }
        return messages;
    }

    [Fact]
    public void Default_is_ten()
    {
        Assert.Equal(10, EventEmitter.DefaultMaxListeners);
        Assert.Equal(10, new EventEmitter().MaxListeners);
    }

    [Fact]
    public void Warns_once_at_the_eleventh_listener()
    {
        int afterTen = -1;
        List<string> messages = [];
        messages = Capture(() =>
        {
            var e = new MyEmitter();
            for (int i = 0; i < 10; i++)
            {
                e.On("maxListenersFoo", () => { });
            }
            afterTen = e.ListenerCount("maxListenersFoo");
            e.On("maxListenersFoo", () => { });
            e.On("maxListenersFoo", () => { });
            e.On("maxListenersBar", () => { });
        });
        Assert.Equal(10, afterTen);
        var mine = messages.Where(m => m.Contains("maxListeners", StringComparison.Ordinal)).ToList();
        Assert.Single(mine);
        Assert.Equal(
            $"(node:{Environment.ProcessId}) MaxListenersExceededWarning: Possible EventEmitter memory leak detected. " +
            "11 maxListenersFoo listeners added to [MyEmitter]. MaxListeners is 10. Use emitter.MaxListeners to increase limit",
            mine[0]);
    }

    [Fact]
    public void Warning_text_is_written_at_the_eleventh_not_the_tenth()
    {
        var messages = Capture(() =>
        {
            var e = new EventEmitter();
            for (int i = 0; i < 10; i++)
            {
                e.On("tenthEvent", () => { });
            }
        });
        Assert.DoesNotContain(messages, m => m.Contains("tenthEvent", StringComparison.Ordinal));
    }

    [Fact]
    public void Warns_once_per_event()
    {
        var messages = Capture(() =>
        {
            var e = new EventEmitter { MaxListeners = 1 };
            e.On("perEventA", () => { });
            e.On("perEventA", () => { });
            e.On("perEventA", () => { });
            e.On("perEventB", () => { });
            e.On("perEventB", () => { });
        });
        var mine = messages.Where(m => m.Contains("perEvent", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, mine.Count);
        Assert.Contains("2 perEventA listeners added to [EventEmitter]. MaxListeners is 1.", mine[0], StringComparison.Ordinal);
        Assert.Contains("2 perEventB listeners", mine[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_means_unlimited()
    {
        var messages = Capture(() =>
        {
            var e = new EventEmitter { MaxListeners = 0 };
            for (int i = 0; i < 50; i++)
            {
                e.On("unlimitedEvent", () => { });
            }
            Assert.Equal(50, e.ListenerCount("unlimitedEvent"));
        });
        Assert.DoesNotContain(messages, m => m.Contains("unlimitedEvent", StringComparison.Ordinal));
    }

    [Fact]
    public void Negative_limits_are_out_of_range()
    {
        var e = new EventEmitter();
        var ex = Assert.Throws<NodeHttpException>(() => e.MaxListeners = -1);
        Assert.Equal("ERR_OUT_OF_RANGE", ex.Code);
        Assert.Throws<NodeHttpException>(() => EventEmitter.DefaultMaxListeners = -1);
        Assert.Equal(10, EventEmitter.DefaultMaxListeners);
    }
}
