using System.Net.Sockets;
using System.Text;
using NodeHttp.Tests.Https;

namespace NodeHttp.Tests.Diagnostics;

/// <summary>
/// An https server's handshakes under a <see cref="System.Diagnostics.Metrics.MeterListener"/>: Kestrel's
/// <c>kestrel.tls_handshake.duration</c> (with <c>tls.protocol.version</c>, or <c>error.type</c> for a failed one)
/// and <c>kestrel.active_tls_handshakes</c>, which returns to zero.
/// </summary>
[Collection("Timing")]
public sealed class TlsHandshakeMetricsTests
{
    [Fact]
    public async Task A_completed_and_a_failed_handshake_are_measured_as_Kestrel_names_them()
    {
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(HttpsTestServer.LocalhostOptions(), (req, res) => res.End("ok"));
        int port = server.Port;
        using var recorder = new MetricsRecorder(NodeHttpDiagnostics.ServerMeterName, tags => tags.TryGetValue("server.port", out object? p) && p is int n && n == port);

        IncomingMessage res = await NodeHttp.Https.RequestAsync(new RequestOptions
        {
            Host = "127.0.0.1", Port = port, RejectUnauthorized = false, UseAgent = false,
        }).WaitAsync(HttpsTestServer.Deadline);
        Assert.Equal("ok", await res.TextAsync().WaitAsync(HttpsTestServer.Deadline));

        // Plaintext on the TLS port: the handshake fails.
        using (var plain = new TcpClient())
        {
            await plain.ConnectAsync("127.0.0.1", port).WaitAsync(HttpsTestServer.Deadline);
            NetworkStream stream = plain.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).AsTask().WaitAsync(HttpsTestServer.Deadline);
            await recorder.WaitAsync(r => r.Of("kestrel.tls_handshake.duration").Count == 2, "two handshake durations");
        }

        IReadOnlyList<Measured> durations = recorder.Of("kestrel.tls_handshake.duration");
        Assert.All(durations, d =>
        {
            Assert.Equal("s", d.Unit);
            Assert.InRange(d.Value, 0, HttpsTestServer.Deadline.TotalSeconds);
            Assert.Equal("127.0.0.1", d.Tag("server.address"));
            Assert.Equal("tcp", d.Tag("network.transport"));
        });
        Measured ok = Assert.Single(durations, d => d.Tag("error.type") is null);
        Assert.Contains(ok.Tag("tls.protocol.version") as string, new[] { "1.2", "1.3" });
        Measured failed = Assert.Single(durations, d => d.Tag("error.type") is not null);
        Assert.Equal("ERR_SSL_HTTP_REQUEST", failed.Tag("error.type"));
        Assert.Null(failed.Tag("tls.protocol.version"));

        IReadOnlyList<Measured> active = recorder.Of("kestrel.active_tls_handshakes");
        Assert.All(active, a => Assert.Equal("{handshake}", a.Unit));
        Assert.Equal(2, active.Count(a => a.Value == 1));
        Assert.Equal(2, active.Count(a => a.Value == -1));
    }
}
