using System.Collections.Concurrent;
using System.Diagnostics;

namespace NodeHttp.Tests.Diagnostics;

/// <summary>
/// The spans under an <see cref="ActivityListener"/>: W3C trace context carried from a NodeHttp client through a NodeHttp
/// server and its own NodeHttp client to a second server, and from HttpClient to a NodeHttp server. Each test starts its
/// own root activity and looks only at spans of that trace.
/// </summary>
[Collection("Timing")]
public sealed class TracingTests
{
    [Fact]
    public async Task A_client_server_client_server_chain_is_one_trace_each_span_the_child_of_the_one_before()
    {
        using var spans = new SpanRecorder();
        await using TestServer back = await TestServer.StartAsync((req, res) => res.End("back"));
        int backPort = back.Port;
        await using TestServer front = await TestServer.StartAsync((req, res) =>
        {
            // Made while the request's span is current: the outgoing request is its child.
            NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = backPort, Path = "/back" }, backRes =>
            {
                backRes.Resume();
                backRes.On("end", () => res.End("front"));
            });
        });

        using var root = new Activity("test root").Start();
        Assert.Equal(200, await Get(front.Port, "/front?x=1").Bounded());
        root.Stop();
        IReadOnlyList<Activity> trace = await spans.WaitAsync(root.TraceId, 4);

        Activity client1 = trace.Single(a => a.Kind == ActivityKind.Client && Equals(a.GetTagItem("server.port"), front.Port));
        Activity server1 = trace.Single(a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("url.path") == "/front");
        Activity client2 = trace.Single(a => a.Kind == ActivityKind.Client && Equals(a.GetTagItem("server.port"), backPort));
        Activity server2 = trace.Single(a => a.Kind == ActivityKind.Server && (string?)a.GetTagItem("url.path") == "/back");

        Assert.Equal(root.SpanId, client1.ParentSpanId);
        Assert.Equal(client1.SpanId, server1.ParentSpanId);
        Assert.Equal(server1.SpanId, client2.ParentSpanId);
        Assert.Equal(client2.SpanId, server2.ParentSpanId);
        Assert.True(server1.HasRemoteParent);
        Assert.True(server2.HasRemoteParent);

        Assert.Equal(NodeHttpDiagnostics.ClientActivityName, client1.OperationName);
        Assert.Equal(NodeHttpDiagnostics.ServerActivityName, server1.OperationName);
        Assert.All(trace, a => Assert.Equal("GET", a.DisplayName));
        Assert.All(trace, a => Assert.Equal(200, a.GetTagItem("http.response.status_code")));
        Assert.All(trace, a => Assert.Equal(ActivityStatusCode.Unset, a.Status));
        Assert.Equal($"http://127.0.0.1:{front.Port}/front?*", client1.GetTagItem("url.full"));
        Assert.Equal("127.0.0.1", client1.GetTagItem("server.address"));
        Assert.Equal("x=1", server1.GetTagItem("url.query"));
        Assert.Equal("http", server1.GetTagItem("url.scheme"));
        Assert.Equal("127.0.0.1", server1.GetTagItem("server.address"));
        Assert.Equal(front.Port, server1.GetTagItem("server.port"));
        Assert.Equal("1.1", server1.GetTagItem("network.protocol.version"));
    }

    [Fact]
    public async Task HttpClient_to_a_NodeHttp_server_continues_the_trace_HttpClient_sends()
    {
        using var spans = new SpanRecorder();
        var seen = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync((req, res) =>
        {
            seen.TrySetResult(req.Headers.TryGetValue("traceparent", out var tp) ? tp.ToString() : null);
            res.StatusCode = 503;
            res.End();
        });

        using var root = new Activity("test root").Start();
        using (var client = new HttpClient { Timeout = TestServer.Deadline })
        {
            using HttpResponseMessage response = await client.GetAsync($"http://127.0.0.1:{server.Port}/hc");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }
        root.Stop();
        string? traceparent = await seen.Task.Bounded();
        Activity span = Assert.Single(await spans.WaitAsync(root.TraceId, 1));

        Assert.NotNull(traceparent);
        Assert.True(ActivityContext.TryParse(traceparent, null, out ActivityContext sent));
        Assert.Equal(root.TraceId, sent.TraceId);
        Assert.Equal(sent.SpanId, span.ParentSpanId);
        Assert.Equal(ActivityKind.Server, span.Kind);
        Assert.Equal(503, span.GetTagItem("http.response.status_code"));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
    }

    [Fact]
    public async Task With_no_listener_and_no_current_activity_no_trace_header_is_sent()
    {
        var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using TestServer server = await TestServer.StartAsync((req, res) =>
        {
            seen.TrySetResult(req.Headers.ContainsKey("traceparent"));
            res.End();
        });
        Assert.Null(Activity.Current);
        Assert.Equal(200, await Get(server.Port, "/").Bounded());
        Assert.False(await seen.Task.Bounded());
    }

    // A GET made on the calling thread (so its parent is the caller's current activity), on the default loop.
    private static Task<int> Get(int port, string path)
    {
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        ClientRequest req = NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Path = path }, res =>
        {
            res.On("end", () => done.TrySetResult(res.StatusCode ?? 0));
            res.Resume();
        });
        req.On<Exception>("error", e => done.TrySetException(e));
        return done.Task;
    }

    /// <summary>Collects the stopped spans of NodeHttp's sources.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener listener;
        private readonly ConcurrentQueue<Activity> stopped = new();

        public SpanRecorder()
        {
            listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name is NodeHttpDiagnostics.ServerActivitySourceName or NodeHttpDiagnostics.ClientActivitySourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(listener);
        }

        public async Task<IReadOnlyList<Activity>> WaitAsync(ActivityTraceId trace, int count)
        {
            var deadline = DateTime.UtcNow + TestServer.Deadline;
            while (true)
            {
                var spans = stopped.Where(a => a.TraceId == trace).ToList();
                if (spans.Count >= count)
                {
                    await Task.Delay(50);
                    spans = stopped.Where(a => a.TraceId == trace).ToList();
                    Assert.Equal(count, spans.Count);
                    return spans;
                }
                if (DateTime.UtcNow > deadline)
                {
                    Assert.Fail($"timed out waiting for {count} spans of the trace; saw {spans.Count}: " + string.Join(", ", spans.Select(s => s.Kind + " " + s.DisplayName)));
                }
                await Task.Delay(10);
            }
        }

        public void Dispose() => listener.Dispose();
    }
}
