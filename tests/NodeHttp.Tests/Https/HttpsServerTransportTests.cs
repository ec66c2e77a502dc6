using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace NodeHttp.Tests.Https;

/// <summary>
/// NodeHttp's https server with curl as the peer, and what the TLS side does with clients that never complete a
/// handshake (a plaintext request, silence past <see cref="HttpsServerOptions.HandshakeTimeout"/>).
/// </summary>
[Collection("Timing")]
public class HttpsServerTransportTests
{
    [Fact]
    public async Task Curl_KeepAlive_ChunkedUploadAnd100Continue()
    {
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(HttpsTestServer.LocalhostOptions(), (req, res) =>
        {
            var parts = new List<NodeBuffer>();
            req.On<NodeBuffer>("data", parts.Add);
            req.On("end", () => res.End(req.Method + " " + req.Url + " " + NodeBuffer.Concat(parts) + "\n"));
        });
        using var ca = new TempPem(TestCertificates.Ca.CertPem);
        string url = "https://localhost:" + server.Port.ToString(CultureInfo.InvariantCulture);
        var (code, stdout, stderr) = await CurlAsync("streamed-from-stdin", "-sv", "--max-time", "10", "--cacert", ca.Path, url + "/a", url + "/b");
        Assert.True(code == 0, stderr);
        Assert.Equal("GET /a \nGET /b \n", stdout);
        Assert.Contains("Re-using existing connection", stderr);

        (code, stdout, stderr) = await CurlAsync("streamed-from-stdin", "-sv", "--max-time", "10", "--cacert", ca.Path,
            "-H", "Transfer-Encoding: chunked", "-H", "Expect: 100-continue", "--data-binary", "@-", url + "/up");
        Assert.True(code == 0, stderr);
        Assert.Equal("POST /up streamed-from-stdin\n", stdout);
        Assert.Contains("HTTP/1.1 100 Continue", stderr);
    }

    [Fact]
    public async Task Curl_LargeStream_WithBackPressure()
    {
        const long Total = 256L * 1024 * 1024;
        int refused = 0;
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(HttpsTestServer.LocalhostOptions(), (req, res) =>
        {
            NodeBuffer chunk = NodeBuffer.Alloc(64 * 1024, (byte)'x');
            long sent = 0;
            void Pump()
            {
                while (sent < Total)
                {
                    sent += chunk.Length;
                    if (!res.Write(chunk))
                    {
                        refused++;
                        res.Once("drain", Pump);
                        return;
                    }
                }
                res.End();
            }
            Pump();
        });
        using var ca = new TempPem(TestCertificates.Ca.CertPem);
        var (code, stdout, stderr) = await CurlAsync(null, 90, "-s", "--max-time", "60", "--cacert", ca.Path, "-o", "/dev/null", "-w", "%{size_download}",
            "https://localhost:" + server.Port.ToString(CultureInfo.InvariantCulture) + "/stream");
        Assert.True(code == 0, stderr);
        Assert.Equal(Total.ToString(CultureInfo.InvariantCulture), stdout);
        // The writer waited for 'drain': the TLS socket said no once its buffer passed the highWaterMark.
        Assert.True(refused > 0);
    }

    [Fact]
    public async Task PlaintextRequest_OnTheTlsPort_IsTlsClientError_AndTheServerGoesOn()
    {
        var errors = new ConcurrentQueue<(Exception Error, string SocketType)>();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(HttpsTestServer.LocalhostOptions(), (req, res) => res.End("ok"), s =>
            s.On<Exception, TlsSocket>("tlsClientError", (e, socket) =>
            {
                errors.Enqueue((e, socket.GetType().Name));
                seen.TrySetResult();
            }));
        await using (RawConnection raw = await RawConnection.ConnectAsync(server.Port))
        {
            await raw.SendAsync("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await raw.ReadToEndAsync();
            Assert.True(raw.Closed);
        }
        (Exception error, string type) = Assert.Single(errors);
        Assert.Equal(nameof(TlsSocket), type);
        // OpenSSL's name for it, as a Node server reports it.
        Assert.Equal("ERR_SSL_HTTP_REQUEST", Assert.IsType<NodeHttpException>(error).Code);

        using var ca = new TempPem(TestCertificates.Ca.CertPem);
        var (code, stdout, stderr) = await CurlAsync(null, "-s", "--max-time", "10", "--cacert", ca.Path, "https://localhost:" + server.Port.ToString(CultureInfo.InvariantCulture) + "/");
        Assert.True(code == 0, stderr);
        Assert.Equal("ok", stdout);
        Assert.Empty(server.Uncaught);
    }

    [Fact]
    public async Task SilentClient_PastHandshakeTimeout_IsTlsClientError()
    {
        HttpsServerOptions options = HttpsTestServer.LocalhostOptions();
        options.HandshakeTimeout = 300;
        var failed = new TaskCompletionSource<(Exception, long)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(options, (req, res) => res.End("ok"), s =>
            s.On<Exception, TlsSocket>("tlsClientError", (e, _) => failed.TrySetResult((e, clock.ElapsedMilliseconds))));
        await using RawConnection raw = await RawConnection.ConnectAsync(server.Port);
        long connectedAt = clock.ElapsedMilliseconds;
        (Exception error, long at) = await failed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var node = Assert.IsType<NodeHttpException>(error);
        Assert.Equal("ERR_TLS_HANDSHAKE_TIMEOUT", node.Code);
        Assert.Equal("TLS handshake timeout", node.Message);
        Assert.InRange(at - connectedAt, 250, 5000);
        await raw.ReadToEndAsync();
        Assert.True(raw.Closed);
    }

    [Fact]
    public async Task PfxCertificate_AndX509Certificate_ServeAsPem()
    {
        foreach (HttpsServerOptions options in new[]
        {
            new HttpsServerOptions { Pfx = TestCertificates.Localhost.Pfx, Passphrase = TestCertificates.PfxPassphrase },
            new HttpsServerOptions { Certificate = TestCertificates.Localhost.Certificate },
        })
        {
            await using HttpsTestServer server = await HttpsTestServer.StartAsync(options, (req, res) => res.End("ok"));
            using var ca = new TempPem(TestCertificates.Ca.CertPem);
            var (code, stdout, stderr) = await CurlAsync(null, "-s", "--max-time", "10", "--cacert", ca.Path, "https://localhost:" + server.Port.ToString(CultureInfo.InvariantCulture) + "/");
            Assert.True(code == 0, stderr);
            Assert.Equal("ok", stdout);
        }
    }

    /// <summary>Runs curl with <paramref name="args"/> (and <paramref name="stdin"/> on its input) under a 15 s deadline.</summary>
    internal static Task<(int Code, string Stdout, string Stderr)> CurlAsync(string? stdin, params string[] args) => CurlAsync(stdin, 15, args);

    internal static async Task<(int Code, string Stdout, string Stderr)> CurlAsync(string? stdin, int timeoutSeconds, params string[] args)
    {
        var psi = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi)!;
        try
        {
            if (stdin is not null)
            {
                await p.StandardInput.WriteAsync(stdin);
            }
            p.StandardInput.Close();
            Task<string> stdout = p.StandardOutput.ReadToEndAsync();
            Task<string> stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(timeoutSeconds));
            return (p.ExitCode, await stdout, await stderr);
        }
        finally
        {
            if (!p.HasExited)
            {
                p.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>A certificate (public part only) in a temporary PEM file, for curl's <c>--cacert</c>; deleted when disposed.</summary>
    internal sealed class TempPem : IDisposable
    {
        public TempPem(string pem)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nodehttp-ca-" + Guid.NewGuid().ToString("N") + ".pem");
            File.WriteAllText(Path, pem);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
