namespace NodeHttp.Tests.Diagnostics;

/// <summary>
/// The client's instruments under a <see cref="System.Diagnostics.Metrics.MeterListener"/>, told apart from other tests'
/// by the server port they carry: four requests through a keep-alive agent limited to one socket, so three wait in its queue.
/// </summary>
[Collection("Timing")]
public sealed class ClientMetricsTests
{
    [Fact]
    public async Task Four_requests_through_one_pooled_socket_are_measured_as_HttpClient_names_them()
    {
        await using TestServer server = await TestServer.StartAsync((req, res) =>
        {
            res.StatusCode = req.Url == "/missing" ? 404 : 200;
            res.End("x");
        });
        int port = server.Port;
        using var recorder = new MetricsRecorder(NodeHttpDiagnostics.ClientMeterName, t => Equals(t.GetValueOrDefault("server.port"), port));
        using var loop = new EventLoop();
        var agent = new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 1 });

        var statuses = new List<Task<int>>();
        await loop.InvokeAsync(() =>
        {
            foreach (string path in new[] { "/a", "/b", "/missing", "/c" })
            {
                statuses.Add(Get(agent, port, path));
            }
        }).Bounded();
        int[] codes = await Task.WhenAll(statuses).Bounded();
        Assert.Equal([200, 200, 404, 200], codes);
        await recorder.WaitAsync(r => r.Of("http.client.open_connections").Any(m => Equals(m.Tag("http.connection.state"), "idle")), "the socket going idle");
        await loop.InvokeAsync(agent.Destroy).Bounded();
        await recorder.WaitAsync(r => r.Of("http.client.connection.duration").Count == 1, "the connection's duration");

        IReadOnlyList<Measured> durations = recorder.Of("http.client.request.duration");
        Assert.Equal(4, durations.Count);
        Assert.All(durations, d =>
        {
            Assert.Equal("s", d.Unit);
            Assert.InRange(d.Value, 0, TestServer.Deadline.TotalSeconds);
            Assert.Equal("GET", d.Tag("http.request.method"));
            Assert.Equal("127.0.0.1", d.Tag("server.address"));
            Assert.Equal("http", d.Tag("url.scheme"));
            Assert.Equal("1.1", d.Tag("network.protocol.version"));
            Assert.Null(d.Tag("error.type"));
        });
        Assert.Equal([200, 200, 200, 404], durations.Select(d => (int)d.Tag("http.response.status_code")!).Order());

        IReadOnlyList<Measured> active = recorder.Of("http.client.active_requests");
        Assert.All(active, a => Assert.Equal("{request}", a.Unit));
        Assert.Equal(4, active.Count(a => a.Value == 1));
        Assert.Equal(0, active.Sum(a => a.Value));

        // One socket for four requests: the first made it, the other three waited in the agent's queue.
        IReadOnlyList<Measured> queued = recorder.Of("http.client.request.time_in_queue");
        Assert.Equal(3, queued.Count);
        Assert.All(queued, q => Assert.Equal("s", q.Unit));

        IReadOnlyList<Measured> open = recorder.Of("http.client.open_connections");
        Assert.All(open, o => Assert.Equal("{connection}", o.Unit));
        Assert.All(open, o => Assert.Equal("127.0.0.1", o.Tag("network.peer.address")));
        Assert.Equal(0, open.Where(o => Equals(o.Tag("http.connection.state"), "active")).Sum(o => o.Value));
        Assert.Equal(0, open.Where(o => Equals(o.Tag("http.connection.state"), "idle")).Sum(o => o.Value));
        Assert.Equal([1.0, -1.0, 1.0, -1.0], open.Select(o => o.Value));
        Assert.Equal(["active", "active", "idle", "idle"], open.Select(o => (string)o.Tag("http.connection.state")!));

        Measured connection = Assert.Single(recorder.Of("http.client.connection.duration"));
        Assert.Equal("s", connection.Unit);
        // A request's time starts before its connection is made, so the two are not ordered; the value is bounded.
        Assert.InRange(connection.Value, 0, TestServer.Deadline.TotalSeconds);
    }

    [Fact]
    public async Task A_refused_connection_is_a_request_duration_with_its_error_type()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var recorder = new MetricsRecorder(NodeHttpDiagnostics.ClientMeterName, t => Equals(t.GetValueOrDefault("server.port"), port));
        using var loop = new EventLoop();
        var failed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await loop.InvokeAsync(() =>
        {
            ClientRequest req = NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Path = "/" });
            req.On<Exception>("error", e => failed.TrySetResult(e));
        }).Bounded();
        await failed.Task.Bounded();
        await recorder.WaitAsync(r => r.Of("http.client.request.duration").Count == 1, "the failed request's duration");

        Measured d = Assert.Single(recorder.Of("http.client.request.duration"));
        Assert.Equal("ECONNREFUSED", d.Tag("error.type"));
        Assert.Null(d.Tag("http.response.status_code"));
        Assert.Equal(0, recorder.Of("http.client.active_requests").Sum(a => a.Value));
    }

    // A GET through the agent on the calling loop: the response's status once its body ended.
    internal static Task<int> Get(Agent agent, int port, string path)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        ClientRequest req = NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Path = path, Agent = agent }, res =>
        {
            res.On("end", () => done.TrySetResult(res.StatusCode ?? 0));
            res.Resume();
        });
        req.On<Exception>("error", e => done.TrySetException(e));
        return done.Task;
    }
}
