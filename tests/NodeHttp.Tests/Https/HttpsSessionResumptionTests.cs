using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NodeHttp.Tests.Https;

/// <summary>
/// TLS session resumption over https, each side checked by the other: NodeHttp's client against Node's https server
/// (Node's <c>isSessionReused()</c> on the server and <see cref="TlsSocket.IsSessionReused"/> on the client must agree),
/// Node's https client against NodeHttp's server, and <see cref="HttpsAgentOptions.MaxCachedSessions"/> = 0.
/// </summary>
public class HttpsSessionResumptionTests
{
    // The platform keeps client sessions per server name, process-wide: every test talks to its own name (under a
    // wildcard certificate) so that no other test's connection replaces the session it expects to be offered.
    private static readonly Lazy<(string CertPem, string KeyPem)> Wildcard = new(MakeWildcard);

    private static (string, string) MakeWildcard()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=*.resume.test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("*.resume.test");
        request.CertificateExtensions.Add(san.Build());
        DateTimeOffset now = DateTimeOffset.UtcNow;
        byte[] serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        using X509Certificate2 cert = request.Create(TestCertificates.Ca.Certificate, now.AddDays(-1), now.AddDays(30), serial);
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private static string UniqueName() => "s" + Guid.NewGuid().ToString("N")[..12] + ".resume.test";

    // A Node https server answering "<protocol> <session reused>" as its side of the connection sees it.
    private static Task<(NodePeer Peer, int Port)> StartNodeServerAsync(string maxVersion)
    {
        (string cert, string key) = Wildcard.Value;
        return NodeHttpsPeer.StartServerAsync(
            "const server = https.createServer({ cert: " + System.Text.Json.JsonSerializer.Serialize(cert) + ", key: "
            + System.Text.Json.JsonSerializer.Serialize(key) + ", maxVersion: '" + maxVersion + "' }, (req, res) => "
            + "res.end(req.socket.getProtocol() + ' ' + req.socket.isSessionReused()));\n");
    }

    private static async Task<(string Body, bool Reused)> GetAsync(int port, string servername, HttpsAgent agent)
    {
        IncomingMessage res = await NodeHttp.Https.RequestAsync(new RequestOptions
        {
            Host = "127.0.0.1",
            Port = port,
            Servername = servername,
            Agent = agent,
        }).WaitAsync(TimeSpan.FromSeconds(10));
        string body = await res.TextAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return (body, Assert.IsType<TlsSocket>(res.Socket).IsSessionReused());
    }

    private static HttpsAgent NewAgent(int maxCachedSessions = HttpsAgentOptions.DefaultMaxCachedSessions) =>
        new(new HttpsAgentOptions { MaxCachedSessions = maxCachedSessions, Tls = new TlsOptions { Ca = TestCertificates.Ca.CertPem } });

    [Theory]
    [InlineData("TLSv1.3")]
    [InlineData("TLSv1.2")]
    public async Task OurClient_ResumesTheSessionWithNodesServer_AndBothSidesSaySo(string version)
    {
        (NodePeer peer, int port) = await StartNodeServerAsync(version);
        await using NodePeer owned = peer;
        HttpsAgent agent = NewAgent();
        string name = UniqueName();
        Assert.Equal((version + " false", false), await GetAsync(port, name, agent));
        Assert.Equal((version + " true", true), await GetAsync(port, name, agent));
        // Later connections resume as the platform's cache allows (under TLS 1.3 it does not keep the ticket a resumed
        // connection receives from an OpenSSL server, so every other handshake is a full one): either way, both sides
        // must tell the same.
        for (int i = 0; i < 3; i++)
        {
            (string body, bool reused) = await GetAsync(port, name, agent);
            Assert.Equal(version + (reused ? " true" : " false"), body);
        }
    }

    [Fact]
    public async Task MaxCachedSessionsZero_MakesEveryConnectionAFullHandshake()
    {
        (NodePeer peer, int port) = await StartNodeServerAsync("TLSv1.3");
        await using NodePeer owned = peer;
        string name = UniqueName();
        // A session for this server is in the platform's cache...
        HttpsAgent caching = NewAgent();
        Assert.Equal(("TLSv1.3 false", false), await GetAsync(port, name, caching));
        // ...and an agent that caches none does not offer it.
        HttpsAgent none = NewAgent(maxCachedSessions: 0);
        Assert.Equal(("TLSv1.3 false", false), await GetAsync(port, name, none));
        Assert.Equal(("TLSv1.3 false", false), await GetAsync(port, name, none));
        // The session was there to be offered all along.
        Assert.Equal(("TLSv1.3 true", true), await GetAsync(port, name, caching));
    }

    [Theory]
    [InlineData("TLSv1.3")]
    [InlineData("TLSv1.2")]
    public async Task NodesClient_ResumesTheSessionWithOurServer_AndBothSidesSaySo(string version)
    {
        HttpsServerOptions options = HttpsTestServer.LocalhostOptions();
        options.MaxVersion = version;
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(options, (req, res) =>
        {
            var tls = Assert.IsType<TlsSocket>(req.Socket);
            res.End(tls.GetProtocol() + " " + (tls.IsSessionReused() ? "true" : "false"));
        });
        IReadOnlyList<string> lines = await NodeHttpsPeer.RunClientAsync("""
            // Node's agent keeps the session of each connection and offers it on the next one.
            const agent = new https.Agent({ ca: CA });
            let n = 0;
            function next() {
              https.get({ host: 'localhost', port: PORT, agent }, (res) => {
                const reused = res.socket.isSessionReused();
                let body = '';
                res.setEncoding('utf8');
                res.on('data', (d) => body += d);
                res.on('end', () => {
                  console.log(body + ' ' + reused);
                  if (++n < 3) setImmediate(next);
                });
              }).on('error', (e) => console.log('error ' + e.code + ' ' + e.message));
            }
            next();
            """, server.Port);
        Assert.Equal([version + " false false", version + " true true", version + " true true"], lines);
        Assert.Empty(server.Uncaught);
    }

    [Fact]
    public async Task NodesClient_WithoutItsSession_GetsAFullHandshake_AndOurServerSaysSo()
    {
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(HttpsTestServer.LocalhostOptions(), (req, res) =>
            res.End(Assert.IsType<TlsSocket>(req.Socket).IsSessionReused() ? "true" : "false"));
        IReadOnlyList<string> lines = await NodeHttpsPeer.RunClientAsync("""
            // maxCachedSessions 0: Node's agent offers no session.
            const agent = new https.Agent({ ca: CA, maxCachedSessions: 0 });
            let n = 0;
            function next() {
              https.get({ host: 'localhost', port: PORT, agent }, (res) => {
                const reused = res.socket.isSessionReused();
                let body = '';
                res.setEncoding('utf8');
                res.on('data', (d) => body += d);
                res.on('end', () => {
                  console.log(body + ' ' + reused);
                  if (++n < 2) setImmediate(next);
                });
              }).on('error', (e) => console.log('error ' + e.code + ' ' + e.message));
            }
            next();
            """, server.Port);
        Assert.Equal(["false false", "false false"], lines);
    }
}
