using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace NodeHttp.Tests.Diagnostics;

/// <summary>
/// <see cref="ServerOptions.MeterFactory"/> and <see cref="AgentOptions.MeterFactory"/>: a server and an agent given a
/// container's <see cref="IMeterFactory"/> count in the meters it made (their <see cref="Meter.Scope"/> is the factory),
/// not in the process-wide ones; an agent given none counts in the process-wide <c>NodeHttp.Client</c> meter.
/// </summary>
public sealed class MeterFactoryTests
{
    [Fact]
    public async Task A_server_and_an_agent_given_a_factory_count_in_its_meters_only()
    {
        using ServiceProvider services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        IMeterFactory factory = services.GetRequiredService<IMeterFactory>();
        await using TestServer server = await TestServer.StartAsync((_, res) => res.End("x"), new ServerOptions { MeterFactory = factory });
        int port = server.Port;

        var seen = new ConcurrentQueue<(object? Scope, string Meter, string Instrument, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name is NodeHttpDiagnostics.ServerMeterName or NodeHttpDiagnostics.ClientMeterName)
            {
                l.EnableMeasurementEvents(instrument, instrument.Meter.Scope);
            }
        };
        // Only what carries this test's server port: other tests' servers and clients run meanwhile.
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? scope)
        {
            foreach (KeyValuePair<string, object?> t in tags)
            {
                if (t.Key == "server.port" && Equals(t.Value, port))
                {
                    seen.Enqueue((scope, instrument.Meter.Name, instrument.Name, value));
                }
            }
        }
        listener.SetMeasurementEventCallback<double>((i, v, tags, scope) => Record(i, v, tags, scope));
        listener.SetMeasurementEventCallback<long>((i, v, tags, scope) => Record(i, v, tags, scope));
        listener.Start();

        using var loop = new EventLoop();
        var counted = new Agent(new AgentOptions { KeepAlive = true, MeterFactory = factory });
        var plain = new Agent(new AgentOptions { KeepAlive = true });
        Task<int> first = await loop.InvokeAsync<Task<int>>(() => ClientMetricsTests.Get(counted, port, "/")).Bounded();
        Assert.Equal(200, await first.Bounded());
        Task<int> second = await loop.InvokeAsync<Task<int>>(() => ClientMetricsTests.Get(plain, port, "/")).Bounded();
        Assert.Equal(200, await second.Bounded());
        await loop.InvokeAsync(() =>
        {
            counted.Destroy();
            plain.Destroy();
        }).Bounded();

        var deadline = DateTime.UtcNow + TestServer.Deadline;
        while (seen.Count(m => m.Instrument is "http.client.connection.duration") < 2 || !seen.Any(m => m.Instrument == "kestrel.connection.duration"))
        {
            Assert.True(DateTime.UtcNow < deadline, "not every connection was measured: " + string.Join(", ", seen.Select(m => m.Instrument)));
            await Task.Delay(10);
        }

        // The server: every measurement of it in the factory's meter.
        Assert.Contains(seen, m => m.Meter == NodeHttpDiagnostics.ServerMeterName && m.Instrument == "kestrel.active_connections" && ReferenceEquals(m.Scope, factory));
        Assert.All(seen.Where(m => m.Meter == NodeHttpDiagnostics.ServerMeterName), m => Assert.Same(factory, m.Scope));
        // The clients: the counted agent's request and connection in the factory's meter, the plain agent's in the process-wide one.
        var client = seen.Where(m => m.Meter == NodeHttpDiagnostics.ClientMeterName).ToList();
        Assert.Single(client, m => m.Instrument == "http.client.request.duration" && ReferenceEquals(m.Scope, factory));
        Assert.Single(client, m => m.Instrument == "http.client.request.duration" && m.Scope is null);
        Assert.Single(client, m => m.Instrument == "http.client.connection.duration" && ReferenceEquals(m.Scope, factory));
        Assert.Single(client, m => m.Instrument == "http.client.connection.duration" && m.Scope is null);
        Assert.All(client, m => Assert.True(m.Scope is null || ReferenceEquals(m.Scope, factory)));
    }
}
