using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace NodeHttp.Tests.Https;

/// <summary>
/// Exact bytes over TLS (a .NET <see cref="SslStream"/> trusting the test CA): the http server's wire behaviour —
/// pipelining, <c>clientError</c>'s 400, the keep-alive timeout — is the same over a <see cref="TlsSocket"/>.
/// </summary>
[Collection("Timing")]
public class HttpsServerRawTlsTests
{
    [Fact]
    public async Task Pipelined_TwoRequestsInOneRecord_TwoAnswersInOrder()
    {
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(HttpsTestServer.LocalhostOptions(), (req, res) => res.End("answer " + req.Url));
        await using TlsClient client = await TlsClient.ConnectAsync(server.Port);
        await client.SendAsync("GET /1 HTTP/1.1\r\nHost: localhost\r\n\r\nGET /2 HTTP/1.1\r\nHost: localhost\r\n\r\n");
        string first = await client.ReadUntilAsync("answer /1");
        string second = await client.ReadUntilAsync("answer /2");
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", first, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200 OK\r\n", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedRequest_IsClientError400_OverTls()
    {
        var socketTypes = new List<string>();
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(HttpsTestServer.LocalhostOptions(), (req, res) => res.End("ok"), s =>
            s.On<Exception, Socket>("clientError", (e, socket) =>
            {
                lock (socketTypes)
                {
                    socketTypes.Add(((NodeHttpException)e).Code + " " + socket.GetType().Name);
                }
                socket.End("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
            }));
        await using TlsClient client = await TlsClient.ConnectAsync(server.Port);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: localhost\r\nBad Header\r\n\r\n");
        string answer = await client.ReadToEndAsync();
        Assert.Equal("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n", answer);
        lock (socketTypes)
        {
            Assert.Equal(["HPE_INVALID_HEADER_TOKEN TlsSocket"], socketTypes);
        }
    }

    [Fact]
    public async Task IdleKeepAliveConnection_ClosesAfterKeepAliveTimeout()
    {
        HttpsServerOptions options = HttpsTestServer.LocalhostOptions();
        options.KeepAliveTimeout = 300;
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(options, (req, res) => res.End("ok"));
        await using TlsClient client = await TlsClient.ConnectAsync(server.Port);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        await client.ReadUntilAsync("\r\n\r\nok");
        var idle = Stopwatch.StartNew();
        string rest = await client.ReadToEndAsync();
        Assert.Equal("", rest);
        Assert.InRange(idle.ElapsedMilliseconds, 200, 5000);
    }

    /// <summary>A TLS client over a real socket: sends exact bytes, reads under a deadline; latin1 both ways.</summary>
    private sealed class TlsClient : IAsyncDisposable
    {
        private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
        private readonly TcpClient tcp;
        private readonly SslStream ssl;
        private readonly StringBuilder received = new();

        private TlsClient(TcpClient tcp, SslStream ssl)
        {
            this.tcp = tcp;
            this.ssl = ssl;
        }

        public static async Task<TlsClient> ConnectAsync(int port)
        {
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync("127.0.0.1", port).WaitAsync(Deadline);
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(TestCertificates.Ca.PublicOnly);
            var ssl = new SslStream(tcp.GetStream());
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", CertificateChainPolicy = policy }).WaitAsync(Deadline);
            return new TlsClient(tcp, ssl);
        }

        public async Task SendAsync(string text) => await ssl.WriteAsync(Encoding.Latin1.GetBytes(text)).AsTask().WaitAsync(Deadline);

        public async Task<string> ReadUntilAsync(string marker)
        {
            while (true)
            {
                string all = received.ToString();
                int i = all.IndexOf(marker, StringComparison.Ordinal);
                if (i >= 0)
                {
                    received.Remove(0, i + marker.Length);
                    return all[..(i + marker.Length)];
                }
                if (!await FillAsync())
                {
                    throw new EndOfStreamException($"closed before \"{marker}\"; got: {all}");
                }
            }
        }

        public async Task<string> ReadToEndAsync()
        {
            while (await FillAsync())
            {
            }
            string all = received.ToString();
            received.Clear();
            return all;
        }

        private async Task<bool> FillAsync()
        {
            var buffer = new byte[16 * 1024];
            int n;
            try
            {
                n = await ssl.ReadAsync(buffer).AsTask().WaitAsync(Deadline);
            }
            catch (IOException)
            {
                return false;
            }
            received.Append(Encoding.Latin1.GetString(buffer, 0, n));
            return n > 0;
        }

        public async ValueTask DisposeAsync()
        {
            await ssl.DisposeAsync();
            tcp.Dispose();
        }
    }
}
