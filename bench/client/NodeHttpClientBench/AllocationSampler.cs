using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

/// <summary>
/// With <c>ALLOC_SAMPLE=1</c>: listens to the runtime's <c>GCAllocationTick</c> events (one per ~100 KB allocated,
/// naming the type whose allocation crossed the mark) and prints the types that took the most samples, an
/// estimate of where the allocated bytes go. The listener allocates too, so the per-request figure of such a run
/// is not the one to report.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private readonly ConcurrentDictionary<string, long> bytes = new();
    private volatile bool recording;

    public bool Recording
    {
        get => recording;
        set => recording = value;
    }

    public void Print(TextWriter writer, int top = 25)
    {
        long sum = bytes.Values.Sum();
        writer.WriteLine($"allocation samples (~100 KB each), {sum / 1024} KiB sampled:");
        foreach (var (type, b) in bytes.OrderByDescending(p => p.Value).Take(top))
        {
            writer.WriteLine($"  {100.0 * b / Math.Max(1, sum),5:F1}%  {type}");
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!recording || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null)
        {
            return;
        }
        int iType = e.PayloadNames!.IndexOf("TypeName");
        int iSize = e.PayloadNames.IndexOf("AllocationAmount64");
        string type = iType >= 0 ? e.Payload[iType] as string ?? "?" : "?";
        long size = iSize >= 0 ? Convert.ToInt64(e.Payload[iSize], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        bytes.AddOrUpdate(type, size, (_, v) => v + size);
    }
}
