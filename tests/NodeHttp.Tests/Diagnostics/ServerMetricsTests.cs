using System.Net;

namespace NodeHttp.Tests.Diagnostics;

/// <summary>
/// The server's instruments under a <see cref="System.Diagnostics.Metrics.MeterListener"/>: names, units, attributes and
/// values for a known run of requests. Request measurements carry no port (as Kestrel's), so they are told apart by the
/// server loop's thread; connection measurements by the server's port.
/// </summary>
[Collection("Timing")]
public sealed class ServerMetricsTests
{
    [Fact]
    public async Task Three_200s_and_a_404_over_one_connection_are_measured_as_Kestrel_names_them()
    {
        await using TestServer server = await TestServer.StartAsync((req, res) =>
        {
            res.StatusCode = req.Url == "/missing" ? 404 : 200;
            res.End("x");
        });
        Thread loopThread = await server.RunAsync(() => Thread.CurrentThread);
        int port = server.Port;
        using var requests = new MetricsRecorder(NodeHttpDiagnostics.ServerMeterName, _ => Thread.CurrentThread == loopThread);

        using (var client = new HttpClient { Timeout = TestServer.Deadline })
        {
            foreach (string path in new[] { "/a", "/b", "/missing", "/c" })
            {
                using HttpResponseMessage response = await client.GetAsync($"http://127.0.0.1:{port}{path}");
                Assert.Equal(path == "/missing" ? HttpStatusCode.NotFound : HttpStatusCode.OK, response.StatusCode);
            }
            await requests.WaitAsync(r => r.Of("http.server.request.duration").Count == 4, "four request durations");
        }
        await requests.WaitAsync(r => r.Of("kestrel.connection.duration").Count == 1, "the connection's duration");

        IReadOnlyList<Measured> durations = requests.Of("http.server.request.duration");
        Assert.All(durations, d =>
        {
            Assert.Equal("s", d.Unit);
            Assert.InRange(d.Value, 0, TestServer.Deadline.TotalSeconds);
            Assert.Equal("GET", d.Tag("http.request.method"));
            Assert.Equal("http", d.Tag("url.scheme"));
            Assert.Equal("1.1", d.Tag("network.protocol.version"));
            Assert.Null(d.Tag("error.type"));
        });
        Assert.Equal([200, 200, 200, 404], durations.Select(d => (int)d.Tag("http.response.status_code")!).Order());

        IReadOnlyList<Measured> active = requests.Of("http.server.active_requests");
        Assert.All(active, a => Assert.Equal("{request}", a.Unit));
        Assert.All(active, a => Assert.Equal("GET", a.Tag("http.request.method")));
        Assert.Equal(4, active.Count(a => a.Value == 1));
        Assert.Equal(4, active.Count(a => a.Value == -1));

        IReadOnlyList<Measured> connections = requests.Of("kestrel.active_connections");
        Assert.Equal([1.0, -1.0], connections.Select(c => c.Value));
        Assert.All(connections, c =>
        {
            Assert.Equal("{connection}", c.Unit);
            Assert.Equal(port, c.Tag("server.port"));
            Assert.Equal("127.0.0.1", c.Tag("server.address"));
            Assert.Equal("tcp", c.Tag("network.transport"));
            Assert.Equal("ipv4", c.Tag("network.type"));
        });
        Measured connection = Assert.Single(requests.Of("kestrel.connection.duration"));
        Assert.Equal("s", connection.Unit);
        Assert.Equal("http", connection.Tag("network.protocol.name"));
        Assert.Equal("1.1", connection.Tag("network.protocol.version"));
        Assert.Equal(port, connection.Tag("server.port"));
        Assert.True(connection.Value >= durations.Max(d => d.Value), "the connection outlived its requests");
    }

    [Fact]
    public async Task A_throwing_handler_is_a_500_with_the_exception_type_as_error_type()
    {
        await using TestServer server = await TestServer.StartAsync((req, res) => throw new InvalidOperationException("handler bug"));
        Thread loopThread = await server.RunAsync(() => Thread.CurrentThread);
        using var requests = new MetricsRecorder(NodeHttpDiagnostics.ServerMeterName, _ => Thread.CurrentThread == loopThread);

        using (var client = new HttpClient { Timeout = TestServer.Deadline })
        {
            using HttpResponseMessage response = await client.GetAsync($"http://127.0.0.1:{server.Port}/");
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }
        await requests.WaitAsync(r => r.Of("http.server.request.duration").Count == 1, "the request's duration");

        Measured d = Assert.Single(requests.Of("http.server.request.duration"));
        Assert.Equal(500, d.Tag("http.response.status_code"));
        Assert.Equal(typeof(InvalidOperationException).FullName, d.Tag("error.type"));
    }

    [Fact]
    public async Task A_malformed_request_ends_its_connection_with_a_Kestrel_error_type()
    {
        await using TestServer server = await TestServer.StartAsync((req, res) => res.End());
        int port = server.Port;
        using var recorder = new MetricsRecorder(NodeHttpDiagnostics.ServerMeterName, t => Equals(t.GetValueOrDefault("server.port"), port));

        await using (RawConnection raw = await server.ConnectAsync())
        {
            await raw.SendAsync("GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 400", await raw.ReadToEndAsync());
        }
        await recorder.WaitAsync(r => r.Of("kestrel.connection.duration").Count == 1, "the connection's duration");

        Assert.Equal("invalid_request_headers", Assert.Single(recorder.Of("kestrel.connection.duration")).Tag("error.type"));
    }
}
