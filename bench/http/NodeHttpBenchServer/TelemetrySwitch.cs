using System.Diagnostics;
using System.Diagnostics.Metrics;
using NodeHttp;

namespace NodeHttpBenchServer;

/// <summary>
/// <c>NODEHTTP_BENCH_TELEMETRY=1</c>: the server runs observed, to measure what observing costs. A
/// <see cref="MeterListener"/> takes every instrument of NodeHttp's meters and adds their measurements up (what an
/// exporter's aggregation does at the least), and an <see cref="ActivityListener"/> samples every span of NodeHttp's
/// sources with all their data and counts them when they stop.
/// </summary>
public static class TelemetrySwitch
{
    private const string Variable = "NODEHTTP_BENCH_TELEMETRY";

    private static long measurements;
    private static double sum;
    private static long spans;

    /// <summary>Starts the listeners when the variable is <c>1</c>; returns them (to keep) or null.</summary>
    public static IDisposable? StartIfAsked()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            return null;
        }
        var meters = new MeterListener
        {
            InstrumentPublished = static (instrument, listener) =>
            {
                if (instrument.Meter.Name is NodeHttpDiagnostics.ServerMeterName or NodeHttpDiagnostics.ClientMeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<double>(static (_, value, _, _) => Add(value));
        meters.SetMeasurementEventCallback<long>(static (_, value, _, _) => Add(value));
        meters.Start();
        var activities = new ActivityListener
        {
            ShouldListenTo = static source => source.Name is NodeHttpDiagnostics.ServerActivitySourceName or NodeHttpDiagnostics.ClientActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = static _ => Interlocked.Increment(ref spans),
        };
        ActivitySource.AddActivityListener(activities);
        Console.Error.WriteLine("telemetry on: a MeterListener on every NodeHttp instrument, an ActivityListener sampling every NodeHttp span");
        return new Listeners(meters, activities);
    }

    private static void Add(double value)
    {
        Interlocked.Increment(ref measurements);
        sum += value;
    }

    private sealed class Listeners(MeterListener meters, ActivityListener activities) : IDisposable
    {
        public void Dispose()
        {
            meters.Dispose();
            activities.Dispose();
            Console.Error.WriteLine($"telemetry: {Interlocked.Read(ref measurements)} measurements (sum {sum}), {Interlocked.Read(ref spans)} spans");
        }
    }
}
