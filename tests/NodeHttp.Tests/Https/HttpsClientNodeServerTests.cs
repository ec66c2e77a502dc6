using System.Collections.Concurrent;
using System.Globalization;

namespace NodeHttp.Tests.Https;

/// <summary>NodeHttp's https client (<see cref="NodeHttp.Https"/>, <see cref="HttpsAgent"/>) against Node's own <c>https</c> server.</summary>
public class HttpsClientNodeServerTests
{
    // A Node https server answering "<servername> <authorized> <session reused>" for each request.
    private const string EchoTlsServer = """
        const server = https.createServer(OPTIONS, (req, res) => {
          const s = req.socket;
          res.end((s.servername || '-') + ' ' + s.authorized + ' ' + s.isSessionReused());
        });
        server.on('secureConnection', () => console.log('secure'));
        """;

    private static Task<(NodePeer Peer, int Port)> StartNodeServerAsync(string options) =>
        NodeHttpsPeer.StartServerAsync(EchoTlsServer.Replace("OPTIONS", options, StringComparison.Ordinal));

    private static async Task<(int Status, string Body, TlsSocket Socket)> GetAsync(RequestOptions options)
    {
        IncomingMessage res = await NodeHttp.Https.RequestAsync(options).WaitAsync(TimeSpan.FromSeconds(10));
        string body = await res.TextAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return (res.StatusCode ?? 0, body, Assert.IsType<TlsSocket>(res.Socket));
    }

    private static async Task<NodeHttpException> FailsAsync(RequestOptions options)
    {
        Exception e = await Assert.ThrowsAnyAsync<Exception>(() => NodeHttp.Https.RequestAsync(options).WaitAsync(TimeSpan.FromSeconds(10)));
        return Assert.IsType<NodeHttpException>(e);
    }

    [Fact]
    public async Task SelfSigned_IsRejected_WithNodesCode()
    {
        (NodePeer peer, int port) = await StartNodeServerAsync("{ cert: SELF_CERT, key: SELF_KEY }");
        await using NodePeer owned = peer;
        NodeHttpException e = await FailsAsync(new RequestOptions { Host = "localhost", Port = port, UseAgent = false });
        Assert.Equal("DEPTH_ZERO_SELF_SIGNED_CERT", e.Code);
        Assert.Equal("self-signed certificate", e.Message);
    }

    [Fact]
    public async Task SelfSigned_IsAccepted_WithItAsCa_OrWithRejectUnauthorizedFalse()
    {
        (NodePeer peer, int port) = await StartNodeServerAsync("{ cert: SELF_CERT, key: SELF_KEY }");
        await using NodePeer owned = peer;
        var (status, body, socket) = await GetAsync(new RequestOptions { Host = "localhost", Port = port, Ca = TestCertificates.SelfSigned.CertPem, UseAgent = false });
        Assert.Equal(200, status);
        Assert.Equal("localhost false false", body);
        Assert.True(socket.Authorized);

        (status, body, socket) = await GetAsync(new RequestOptions { Host = "localhost", Port = port, RejectUnauthorized = false, UseAgent = false });
        Assert.Equal(200, status);
        Assert.False(socket.Authorized);
        Assert.Equal("DEPTH_ZERO_SELF_SIGNED_CERT", socket.AuthorizationError);
    }

    [Fact]
    public async Task CaSigned_IsAccepted_ByIpAndByName()
    {
        (NodePeer peer, int port) = await StartNodeServerAsync("{ cert: LOCALHOST_CERT, key: LOCALHOST_KEY }");
        await using NodePeer owned = peer;
        var (status, body, _) = await GetAsync(new RequestOptions { Host = "127.0.0.1", Port = port, Ca = TestCertificates.Ca.CertPem, UseAgent = false });
        Assert.Equal(200, status);
        // An IP address is never sent as SNI (Node's calculateServerName).
        Assert.Equal("- false false", body);
        (status, body, _) = await GetAsync(new RequestOptions { Host = "localhost", Port = port, CaCertificates = [TestCertificates.Ca.PublicOnly], UseAgent = false });
        Assert.Equal("localhost false false", body);
    }

    [Fact]
    public async Task HostnameMismatch_IsAltnameInvalid()
    {
        (NodePeer peer, int port) = await StartNodeServerAsync("{ cert: OTHER_CERT, key: OTHER_KEY }");
        await using NodePeer owned = peer;
        NodeHttpException e = await FailsAsync(new RequestOptions { Host = "localhost", Port = port, Ca = TestCertificates.Ca.CertPem, UseAgent = false });
        Assert.Equal("ERR_TLS_CERT_ALTNAME_INVALID", e.Code);
        Assert.StartsWith("Hostname/IP does not match certificate's altnames: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("DNS:other.example", e.Message, StringComparison.Ordinal);

        // With the name the certificate is for (SNI and check), it verifies.
        var (status, body, _) = await GetAsync(new RequestOptions { Host = "127.0.0.1", Port = port, Servername = "other.example", Ca = TestCertificates.Ca.CertPem, UseAgent = false });
        Assert.Equal(200, status);
        Assert.Equal("other.example false false", body);
    }

    [Fact]
    public async Task Sni_ServerPicksTheCertificateForTheServername()
    {
        (NodePeer peer, int port) = await NodeHttpsPeer.StartServerAsync("""
            const other = tls.createSecureContext({ cert: OTHER_CERT, key: OTHER_KEY });
            const server = https.createServer({ cert: LOCALHOST_CERT, key: LOCALHOST_KEY,
              SNICallback: (name, cb) => cb(null, name === 'other.example' ? other : undefined) },
              (req, res) => res.end(req.socket.servername));
            """);
        await using NodePeer owned = peer;
        var (_, body, socket) = await GetAsync(new RequestOptions { Host = "127.0.0.1", Port = port, Servername = "other.example", Ca = TestCertificates.Ca.CertPem, UseAgent = false });
        Assert.Equal("other.example", body);
        Assert.Contains("CN=other.example", socket.GetPeerCertificate()!.Subject, StringComparison.Ordinal);
        (_, body, socket) = await GetAsync(new RequestOptions { Host = "localhost", Port = port, Ca = TestCertificates.Ca.CertPem, UseAgent = false });
        Assert.Equal("localhost", body);
        Assert.Contains("CN=localhost", socket.GetPeerCertificate()!.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientCertificate_PemPfxOrX509_IsAuthorizedByTheServer()
    {
        (NodePeer peer, int port) = await StartNodeServerAsync("{ cert: LOCALHOST_CERT, key: LOCALHOST_KEY, ca: CA, requestCert: true, rejectUnauthorized: false }");
        await using NodePeer owned = peer;
        RequestOptions Base() => new() { Host = "localhost", Port = port, Ca = TestCertificates.Ca.CertPem, UseAgent = false };
        RequestOptions pem = Base();
        pem.Cert = TestCertificates.Client.CertPem;
        pem.Key = TestCertificates.Client.KeyPem;
        RequestOptions pfx = Base();
        pfx.Pfx = TestCertificates.Client.Pfx;
        pfx.Passphrase = TestCertificates.PfxPassphrase;
        RequestOptions x509 = Base();
        x509.Certificate = TestCertificates.Client.Certificate;
        // The last field (session reused) is the platform's choice: the same certificate may resume one session.
        foreach (RequestOptions o in new[] { pem, pfx, x509 })
        {
            var (_, body, _) = await GetAsync(o);
            Assert.StartsWith("localhost true ", body, StringComparison.Ordinal);
        }
        var (_, without, _) = await GetAsync(Base());
        Assert.StartsWith("localhost false ", without, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HttpsAgent_KeepAlive_PoolsOneConnection_AndHttpRequestWithTheAgentWorks()
    {
        (NodePeer peer, int port) = await StartNodeServerAsync("{ cert: LOCALHOST_CERT, key: LOCALHOST_KEY }");
        await using NodePeer owned = peer;
        var agent = new HttpsAgent(new HttpsAgentOptions { KeepAlive = true, Tls = new TlsOptions { Ca = TestCertificates.Ca.CertPem } });
        var reused = new ConcurrentQueue<bool>();
        await LoopRunner.RunAsync(() =>
        {
            void Next(int i)
            {
                var options = new RequestOptions { Host = "localhost", Port = port, Agent = agent, Path = "/" + i.ToString(CultureInfo.InvariantCulture) };
                ClientRequest req = null!;
                void OnResponse(IncomingMessage res)
                {
                    res.Resume();
                    res.On("end", () =>
                    {
                        reused.Enqueue(req.ReusedSocket);
                        if (i < 3)
                        {
                            EventLoop.Current!.Post(() => Next(i + 1));
                        }
                        else
                        {
                            // After the socket went back to the pool (it does once 'end' has been emitted).
                            EventLoop.Current!.Post(agent.Destroy);
                        }
                    });
                }
                if (i == 2)
                {
                    // Node's http.request with an https agent and protocol "https:".
                    options.Protocol = "https:";
                    req = NodeHttp.Http.Request(options, OnResponse);
                    req.End();
                }
                else
                {
                    req = NodeHttp.Https.Get(options, OnResponse);
                }
                req.On<Exception>("error", e => Console.Error.WriteLine(e));
            }
            Next(1);
        });
        Assert.Equal([false, true, true], reused.ToArray());
        // Node's stdout reaches this process through a pipe read on its own: the line is awaited, then counted.
        await peer.WaitLineAsync(l => l == "secure");
        Assert.Single(peer.Lines, l => l == "secure");
    }

    [Fact]
    public async Task HttpsAgent_ResumesTheSession_OnTheSecondConnection()
    {
        (NodePeer peer, int port) = await StartNodeServerAsync("{ cert: LOCALHOST_CERT, key: LOCALHOST_KEY }");
        await using NodePeer owned = peer;
        var agent = new HttpsAgent(new HttpsAgentOptions { Tls = new TlsOptions { Ca = TestCertificates.Ca.CertPem } });
        var (_, first, s1) = await GetAsync(new RequestOptions { Host = "localhost", Port = port, Agent = agent });
        var (_, second, s2) = await GetAsync(new RequestOptions { Host = "localhost", Port = port, Agent = agent });
        Assert.NotSame(s1, s2);
        Assert.Equal("localhost false false", first);
        // Node's server side tells whether the second handshake resumed the first session.
        Assert.Equal("localhost false true", second);
    }
}
