using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodeHttp.Hosting;

namespace NodeHttp.Tests.Hosting;

/// <summary>
/// The hosted server's meter is made by the host's <see cref="IMeterFactory"/>, as Kestrel's is: a listener that takes
/// the meters of one container (by <see cref="Meter.Scope"/>) sees that host's requests and connections, and neither
/// the process-wide <c>NodeHttp.Server</c> meter nor another host's factory sees them.
/// </summary>
public sealed class HostedMetricsTests
{
    [Fact]
    public async Task The_hosted_server_counts_in_the_meter_its_hosts_factory_made()
    {
        using IHost host = BuildHost();
        using IHost other = BuildHost();
        IMeterFactory factory = host.Services.GetRequiredService<IMeterFactory>();
        IMeterFactory otherFactory = other.Services.GetRequiredService<IMeterFactory>();
        Assert.NotSame(factory, otherFactory);
        await host.StartAsync().Bounded();
        await other.StartAsync().Bounded();
        int port = host.Services.GetRequiredService<NodeHttpHostedService>().Address!.Port;

        var seen = new ConcurrentQueue<(object? Scope, string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == NodeHttpDiagnostics.ServerMeterName)
            {
                l.EnableMeasurementEvents(instrument, instrument.Meter.Scope);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? scope)
        {
            var dict = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, object?> t in tags)
            {
                dict[t.Key] = t.Value;
            }
            seen.Enqueue((scope, instrument.Name, value, dict));
        }
        listener.SetMeasurementEventCallback<double>((i, v, tags, scope) => Record(i, v, tags, scope));
        listener.SetMeasurementEventCallback<long>((i, v, tags, scope) => Record(i, v, tags, scope));
        listener.Start();

        using (var client = new HttpClient { Timeout = TestServer.Deadline })
        {
            Assert.Equal("counted", await client.GetStringAsync($"http://127.0.0.1:{port}/").Bounded());
        }
        await host.StopAsync().Bounded();

        // The connection's measurements carry the port; requests of other tests (other ports, other meters) may come
        // and go meanwhile and are told apart by it and by the meter's scope.
        bool OfThisServer(Dictionary<string, object?> tags) => tags.TryGetValue("server.port", out object? p) && Equals(p, port);
        var deadline = DateTime.UtcNow + TestServer.Deadline;
        while (!seen.Any(m => m.Instrument == "kestrel.connection.duration" && OfThisServer(m.Tags)))
        {
            Assert.True(DateTime.UtcNow < deadline, "no kestrel.connection.duration for port " + port);
            await Task.Delay(10);
        }

        var ofFactory = seen.Where(m => ReferenceEquals(m.Scope, factory)).ToList();
        Assert.Contains(ofFactory, m => m.Instrument == "kestrel.active_connections" && m.Value == 1 && OfThisServer(m.Tags));
        Assert.Contains(ofFactory, m => m.Instrument == "kestrel.connection.duration" && OfThisServer(m.Tags));
        Assert.Contains(ofFactory, m => m.Instrument == "http.server.active_requests" && m.Value == 1);
        Assert.Contains(ofFactory, m => m.Instrument == "http.server.request.duration" && Equals(m.Tags["http.response.status_code"], 200));
        // Nothing of this server anywhere else, and nothing at all in the other host's meter (it served nothing).
        Assert.DoesNotContain(seen, m => !ReferenceEquals(m.Scope, factory) && OfThisServer(m.Tags));
        Assert.DoesNotContain(seen, m => ReferenceEquals(m.Scope, otherFactory));
        await other.StopAsync().Bounded();
    }

    private static IHost BuildHost()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["NodeHttp:Port"] = "0",
            ["NodeHttp:Host"] = "127.0.0.1",
        });
        builder.Logging.ClearProviders();
        builder.Services.AddNodeHttpServer((_, _, res) =>
        {
            res.End("counted");
            return Task.CompletedTask;
        });
        return builder.Build();
    }
}
