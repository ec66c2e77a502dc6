using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace NodeHttp.Tests.Diagnostics;

/// <summary>One measurement as a <see cref="MeterListener"/> saw it.</summary>
internal sealed record Measured(string Instrument, string? Unit, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public object? Tag(string name) => Tags.TryGetValue(name, out object? v) ? v : null;
}

/// <summary>
/// Records the measurements of one meter that pass a filter (a port, a thread), so that other servers and clients in the
/// process do not count. Dispose stops listening.
/// </summary>
internal sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly Func<IReadOnlyDictionary<string, object?>, bool> filter;

    public MetricsRecorder(string meterName, Func<IReadOnlyDictionary<string, object?>, bool> filter)
    {
        this.filter = filter;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        listener.Start();
    }

    public ConcurrentQueue<Measured> All { get; } = new();

    public IReadOnlyList<Measured> Of(string instrument) => All.Where(m => m.Instrument == instrument).ToList();

    /// <summary>Waits (bounded) until <paramref name="done"/> holds for what was recorded; fails the test with what was seen.</summary>
    public async Task WaitAsync(Func<MetricsRecorder, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TestServer.Deadline;
        while (!done(this))
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("timed out waiting for " + what + "; recorded:\n" + string.Join('\n', All.Select(m => m.Instrument + " " + m.Value + " " + string.Join(',', m.Tags.Select(t => t.Key + "=" + t.Value)))));
            }
            await Task.Delay(10);
        }
    }

    public void Dispose() => listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var t in tags)
        {
            dict[t.Key] = t.Value;
        }
        if (filter(dict))
        {
            All.Enqueue(new Measured(instrument.Name, instrument.Unit, value, dict));
        }
    }
}
