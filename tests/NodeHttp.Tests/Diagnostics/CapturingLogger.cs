using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace NodeHttp.Tests.Diagnostics;

/// <summary>One log call as a <see cref="CapturingLogger"/> received it, with its structured fields.</summary>
internal sealed record LogEntry(LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> Fields, Exception? Exception);

/// <summary>An <see cref="ILogger"/> that keeps every entry (all levels enabled).</summary>
internal sealed class CapturingLogger : ILogger
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (state is IReadOnlyList<KeyValuePair<string, object?>> pairs)
        {
            foreach (var p in pairs)
            {
                fields[p.Key] = p.Value;
            }
        }
        Entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), fields, exception));
    }

    /// <summary>Waits (bounded) for an entry with the event name; fails with what was logged.</summary>
    public async Task<LogEntry> WaitForAsync(string eventName)
    {
        var deadline = DateTime.UtcNow + TestServer.Deadline;
        while (true)
        {
            if (Entries.FirstOrDefault(e => e.EventId.Name == eventName) is { } entry)
            {
                return entry;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("no " + eventName + " was logged; got: " + string.Join(" | ", Entries.Select(e => e.EventId.Name + ": " + e.Message)));
            }
            await Task.Delay(10);
        }
    }
}
