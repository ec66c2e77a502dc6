using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeHttp;

// The HTTPS server of Node's https docs, on 127.0.0.1:8443 (or the port given; 0 picks a free one):
//   https.createServer({ key, cert }, (req, res) => { res.writeHead(200); res.end('hello world\n'); }).listen(8443);
// The certificate is made at start-up (self-signed, P-256, for localhost and 127.0.0.1) and its PEM written to a
// temporary file, so a client can trust exactly it. The program prints
//   certificate <path of the PEM file>
//   listening on https://localhost:<port>/
// then, for every request, "<method> <url> over <TLS version>"; each answer is "hello world\n".
// Try it with: curl --cacert <path> https://localhost:8443/
int port = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 8443;

(string certPem, string keyPem) = MakeCertificate();
string certPath = Path.Combine(Path.GetTempPath(), $"nodehttp-https-example-{Environment.ProcessId}.pem");
File.WriteAllText(certPath, certPem);
Console.WriteLine("certificate " + certPath);

EventLoop.Run(() =>
{
    Server server = Https.CreateServer(new HttpsServerOptions { Cert = certPem, Key = keyPem }, (req, res) =>
    {
        var socket = (TlsSocket)req.Socket!;
        Console.WriteLine($"{req.Method} {req.Url} over {socket.GetProtocol()}");
        res.WriteHead(200);
        res.End("hello world\n");
    });
    server.On<Exception, TlsSocket>("tlsClientError", (error, _) => Console.WriteLine("tls client error: " + error.Message));
    server.On<Exception>("error", error => Console.Error.WriteLine("server error: " + error.Message));
    server.Listen(port, "127.0.0.1", () => Console.WriteLine($"listening on https://localhost:{server.Address()!.Port}/"));
});

// What `openssl req -x509 -newkey ec -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1` makes.
static (string CertPem, string KeyPem) MakeCertificate()
{
    using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
    var names = new SubjectAlternativeNameBuilder();
    names.AddDnsName("localhost");
    names.AddIpAddress(IPAddress.Loopback);
    request.CertificateExtensions.Add(names.Build());
    request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
    using X509Certificate2 cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30));
    return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
}
