using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using NodeHttp.Tests.Net;

namespace NodeHttp.Tests.Tls;

/// <summary>
/// The OpenSSL verify codes <see cref="TlsSocket.AuthorizationError"/> reports for certificate chains the common cases
/// do not reach, each checked against what Node (OpenSSL) says for the same chain: Node's client reads the chain from
/// Node's server first, then NodeHttp's client from the same server; client certificates the same way on the server
/// side. Every certificate is made here, at test time.
/// </summary>
public class TlsVerifyCodeTests
{
    private static readonly Lazy<Chains> Certs = new(() => new Chains());

    // Node's tls server presenting CHAIN (PEM, leaf first) with KEY; once listening, Node's own client connects to it
    // (trusting TRUST, or the system's roots when null) and prints "node <code or ok>", then "listening <port>".
    private const string NodeServer = """
        const tls = require('tls');
        const server = tls.createServer({ cert: CHAIN, key: KEY }, (s) => s.end());
        server.listen(0, '127.0.0.1', () => {
          const port = server.address().port;
          const c = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false,
            ca: TRUST || undefined }, () => {
            console.log('node ' + (c.authorizationError ? (c.authorizationError.code || c.authorizationError) : 'ok'));
            c.destroy();
            console.log('listening ' + port);
          });
          c.on('error', (e) => { console.log('node ' + e.code); console.log('listening ' + port); });
        });
        """;

    private static string Js(string? value) => JsonSerializer.Serialize(value);

    public static TheoryData<string, string> ServerChains => new()
    {
        { "root-sent-untrusted", "SELF_SIGNED_CERT_IN_CHAIN" },
        { "intermediate-sent-root-unknown", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" },
        { "not-yet-valid", "CERT_NOT_YET_VALID" },
        { "issuer-without-basic-constraints", "INVALID_CA" },
        // OpenSSL checks an issuer's purpose before its CA flag: one that says CA:false yet may sign certificates
        // fails as a purpose; one that may not sign them is no issuer at all (OpenSSL 3.0, as in Node 20, says
        // "unspecified" then).
        { "issuer-not-a-ca", "INVALID_PURPOSE" },
        { "issuer-not-a-ca-and-not-a-signer", "UNSPECIFIED" },
        { "client-purpose-only", "INVALID_PURPOSE" },
        { "bad-signature", "CERT_SIGNATURE_FAILURE" },
        { "expired-intermediate", "CERT_HAS_EXPIRED" },
    };

    [Theory]
    [MemberData(nameof(ServerChains))]
    public async Task OurClient_NamesTheServersChainAsNodeDoes(string which, string expected)
    {
        Chains c = Certs.Value;
        (string chain, string key, string? trust) = which switch
        {
            // Leaf and self-signed root sent, the root not trusted (system roots only).
            "root-sent-untrusted" => (c.Leaf.Pem + c.Root.Pem, c.Leaf.KeyPem, (string?)null),
            // Leaf and intermediate sent; the root above them is nowhere.
            "intermediate-sent-root-unknown" => (c.UnderIntermediate.Pem + c.Intermediate.Pem, c.UnderIntermediate.KeyPem, null),
            "not-yet-valid" => (c.NotYetValid.Pem, c.NotYetValid.KeyPem, c.Root.Pem),
            // The leaf's issuer has no basic constraints, or says CA:false (with or without the keyCertSign usage).
            "issuer-without-basic-constraints" => (c.UnderNoConstraints.Pem + c.NoConstraints.Pem, c.UnderNoConstraints.KeyPem, c.Root.Pem),
            "issuer-not-a-ca" => (c.UnderNonCa.Pem + c.NonCa.Pem, c.UnderNonCa.KeyPem, c.Root.Pem),
            "issuer-not-a-ca-and-not-a-signer" => (c.UnderNonSigner.Pem + c.NonSigner.Pem, c.UnderNonSigner.KeyPem, c.Root.Pem),
            // A certificate for clients only (extended key usage clientAuth) presented by a server.
            "client-purpose-only" => (c.ClientOnly.Pem, c.ClientOnly.KeyPem, c.Root.Pem),
            "bad-signature" => (c.BadSignature.Pem, c.BadSignature.KeyPem, c.Root.Pem),
            _ => (c.UnderExpiredIntermediate.Pem + c.ExpiredIntermediate.Pem, c.UnderExpiredIntermediate.KeyPem, c.Root.Pem),
        };
        await using NodePeer peer = NodePeer.Start(
            "const CHAIN = " + Js(chain) + ";\nconst KEY = " + Js(key) + ";\nconst TRUST = " + Js(trust) + ";\n" + NodeServer);
        string node = await peer.WaitLineAsync(l => l.StartsWith("node ", StringComparison.Ordinal));
        string listening = await peer.WaitLineAsync(l => l.StartsWith("listening ", StringComparison.Ordinal));
        int port = int.Parse(listening["listening ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("node " + expected, node);

        using var t = new NetTestLoop();
        var lenient = NetTestExtensions.NewTcs<(bool, string?)>();
        var strict = NetTestExtensions.NewTcs<string?>();
        await t.RunAsync(() =>
        {
            TlsConnectOptions Options(bool reject) => new() { Port = port, Host = "127.0.0.1", Servername = "localhost", Ca = trust, RejectUnauthorized = reject };
            TlsSocket a = NodeHttp.Tls.Connect(Options(reject: false));
            a.On("secureConnect", () => { lenient.TrySetResult((a.Authorized, a.AuthorizationError)); a.Destroy(); });
            a.On<Exception>("error", e => lenient.TrySetException(e));
            TlsSocket b = NodeHttp.Tls.Connect(Options(reject: true));
            b.On("secureConnect", () => { strict.TrySetResult(null); b.Destroy(); });
            b.On<NodeHttpException>("error", e => strict.TrySetResult(e.Code));
        });
        Assert.Equal((false, expected), await lenient.Bounded());
        Assert.Equal(expected, await strict.Bounded());
    }

    // Node's tls client presenting CERT/KEY (none when null) to PORT, trusting the test root; it prints "done" once closed.
    private const string NodeClient = """
        const tls = require('tls');
        const c = tls.connect({ port: +process.argv[2], host: '127.0.0.1', servername: 'localhost', ca: ROOT,
          cert: CERT || undefined, key: KEY || undefined });
        c.on('secureConnect', () => c.end());
        c.on('data', () => {});
        c.on('error', () => {});
        c.on('close', () => console.log('done'));
        """;

    // Node's tls server asking for client certificates (trusting the test root, accepting unverified clients); it
    // prints "server <code or ok>" for the one client, then exits.
    private const string NodeCertServer = """
        const tls = require('tls');
        const server = tls.createServer({ cert: SERVER_CERT, key: SERVER_KEY, ca: ROOT, requestCert: true, rejectUnauthorized: false }, (s) => {
          console.log('server ' + (s.authorizationError ? (s.authorizationError.code || s.authorizationError) : 'ok'));
          s.end();
          server.close();
        });
        server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
        """;

    public static TheoryData<string, string> ClientCertificates => new()
    {
        { "none", "UNABLE_TO_GET_ISSUER_CERT" },
        { "self-signed", "DEPTH_ZERO_SELF_SIGNED_CERT" },
        { "server-purpose-only", "INVALID_PURPOSE" },
        { "expired", "CERT_HAS_EXPIRED" },
    };

    [Theory]
    [MemberData(nameof(ClientCertificates))]
    public async Task OurServer_NamesTheClientsCertificateAsNodeDoes(string which, string expected)
    {
        Chains c = Certs.Value;
        Made? client = which switch
        {
            "none" => null,
            "self-signed" => c.SelfSignedClient,
            // A server's certificate (extended key usage serverAuth only) presented by a client.
            "server-purpose-only" => c.Leaf,
            _ => c.ExpiredClient,
        };
        string clientScript = "const ROOT = " + Js(c.Root.Pem) + ";\nconst CERT = " + Js(client?.Pem) + ";\nconst KEY = " + Js(client?.KeyPem) + ";\n" + NodeClient;

        // Node's server first: what OpenSSL calls this client's certificate.
        await using (NodePeer nodeServer = NodePeer.Start("const SERVER_CERT = " + Js(c.Leaf.Pem) + ";\nconst SERVER_KEY = " + Js(c.Leaf.KeyPem)
            + ";\nconst ROOT = " + Js(c.Root.Pem) + ";\n" + NodeCertServer))
        {
            string listening = await nodeServer.WaitLineAsync(l => l.StartsWith("listening ", StringComparison.Ordinal));
            await using NodePeer nodeClient = NodePeer.Start(clientScript, listening["listening ".Length..]);
            Assert.Equal("server " + expected, await nodeServer.WaitLineAsync(l => l.StartsWith("server ", StringComparison.Ordinal)));
            await nodeClient.WaitLineAsync(l => l == "done");
        }

        using var t = new NetTestLoop();
        TlsServerOptions options = new()
        {
            Cert = c.Leaf.Pem,
            Key = c.Leaf.KeyPem,
            Ca = c.Root.Pem,
            RequestCert = true,
            RejectUnauthorized = false,
        };
        var seen = NetTestExtensions.NewTcs<(bool, string?)>();
        var (server, port) = await TlsSocketTests.ListenAsync(t, options, tls =>
        {
            seen.TrySetResult((tls.Authorized, tls.AuthorizationError));
            tls.End();
        }, (e, _) => seen.TrySetException(e));
        await using (NodePeer nodeClient = NodePeer.Start(clientScript, port.ToString(System.Globalization.CultureInfo.InvariantCulture)))
        {
            Assert.Equal((false, expected), await seen.Bounded());
            await nodeClient.WaitLineAsync(l => l == "done");
        }
        await t.RunAsync(() => server.Close());
    }

    /// <summary>A certificate made for these tests, with its key, as PEM.</summary>
    internal sealed record Made(X509Certificate2 Certificate, ECDsa Key)
    {
        public string Pem => Certificate.ExportCertificatePem() + "\n";

        public string KeyPem => Key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>A root of its own (so no other test's trust matters) and the chains under it.</summary>
    private sealed class Chains
    {
        private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
        private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
        private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

        internal Chains()
        {
            Root = Make("CN=Verify Test Root", issuer: null, ca: true, null, Now.AddDays(-60), Now.AddYears(2));
            Leaf = Make("CN=localhost", Root, ca: false, ServerAuth, Now.AddDays(-1), Now.AddDays(60));
            Intermediate = Make("CN=Verify Test Intermediate", Root, ca: true, null, Now.AddDays(-30), Now.AddYears(1));
            UnderIntermediate = Make("CN=localhost", Intermediate, ca: false, ServerAuth, Now.AddDays(-1), Now.AddDays(60));
            NotYetValid = Make("CN=localhost", Root, ca: false, ServerAuth, Now.AddDays(2), Now.AddDays(60));
            NoConstraints = Make("CN=Verify Test No Constraints", Root, ca: null, null, Now.AddDays(-30), Now.AddYears(1), CaUsage);
            UnderNoConstraints = Make("CN=localhost", NoConstraints, ca: false, ServerAuth, Now.AddDays(-1), Now.AddDays(60));
            NonCa = Make("CN=Verify Test Not A CA", Root, ca: false, null, Now.AddDays(-30), Now.AddYears(1), CaUsage);
            UnderNonCa = Make("CN=localhost", NonCa, ca: false, ServerAuth, Now.AddDays(-1), Now.AddDays(60));
            NonSigner = Make("CN=Verify Test Not A Signer", Root, ca: false, null, Now.AddDays(-30), Now.AddYears(1));
            UnderNonSigner = Make("CN=localhost", NonSigner, ca: false, ServerAuth, Now.AddDays(-1), Now.AddDays(60));
            ClientOnly = Make("CN=localhost", Root, ca: false, ClientAuth, Now.AddDays(-1), Now.AddDays(60));
            ExpiredIntermediate = Make("CN=Verify Test Expired Intermediate", Root, ca: true, null, Now.AddDays(-30), Now.AddDays(-2));
            UnderExpiredIntermediate = Make("CN=localhost", ExpiredIntermediate, ca: false, ServerAuth, Now.AddDays(-3), Now.AddDays(60));
            SelfSignedClient = Make("CN=self client", issuer: null, ca: false, ClientAuth, Now.AddDays(-1), Now.AddDays(60));
            ExpiredClient = Make("CN=expired client", Root, ca: false, ClientAuth, Now.AddDays(-30), Now.AddDays(-1));
            Made good = Make("CN=localhost", Root, ca: false, ServerAuth, Now.AddDays(-1), Now.AddDays(60));
            // The same certificate with the last byte of its signature changed (still well-formed DER).
            byte[] der = good.Certificate.RawData;
            der[^1] ^= 0x01;
            BadSignature = new Made(X509CertificateLoader.LoadCertificate(der), good.Key);
        }

        public Made Root { get; }

        public Made Leaf { get; }

        public Made Intermediate { get; }

        public Made UnderIntermediate { get; }

        public Made NotYetValid { get; }

        public Made NoConstraints { get; }

        public Made UnderNoConstraints { get; }

        public Made NonCa { get; }

        public Made UnderNonCa { get; }

        public Made NonSigner { get; }

        public Made UnderNonSigner { get; }

        public Made ClientOnly { get; }

        public Made ExpiredIntermediate { get; }

        public Made UnderExpiredIntermediate { get; }

        public Made SelfSignedClient { get; }

        public Made ExpiredClient { get; }

        public Made BadSignature { get; }

        private const X509KeyUsageFlags CaUsage = X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature;

        // ca null: no basic constraints at all. keyUsage null: a CA's usages for a CA, digitalSignature for the rest.
        private static Made Make(string subject, Made? issuer, bool? ca, string? usage, DateTimeOffset notBefore, DateTimeOffset notAfter, X509KeyUsageFlags? keyUsage = null)
        {
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            if (ca is bool isCa)
            {
                request.CertificateExtensions.Add(new X509BasicConstraintsExtension(isCa, false, 0, true));
            }
            request.CertificateExtensions.Add(new X509KeyUsageExtension(keyUsage ?? (ca == true ? CaUsage : X509KeyUsageFlags.DigitalSignature), true));
            if (usage is not null)
            {
                request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
            }
            if (subject == "CN=localhost")
            {
                var san = new SubjectAlternativeNameBuilder();
                san.AddDnsName("localhost");
                san.AddIpAddress(IPAddress.Loopback);
                request.CertificateExtensions.Add(san.Build());
            }
            request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
            if (issuer is null)
            {
                return new Made(request.CreateSelfSigned(notBefore, notAfter), key);
            }
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer.Certificate, true, false));
            byte[] serial = RandomNumberGenerator.GetBytes(12);
            serial[0] &= 0x7f;
            // Signed with the issuer's key whatever its constraints say (an issuer that is not a CA included).
            X509Certificate2 made = request.Create(issuer.Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(issuer.Key), notBefore, notAfter, serial);
            return new Made(made, key);
        }
    }
}
