using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using NodeHttp;

// Node's https.get, with the certificate checks a client makes. A local https server answers (its self-signed
// certificate is made at start-up, so the example runs offline), and three GETs go to it:
//   1. trusting the server's certificate (Ca, as Node's `ca` option): prints
//        trusted: 200 authorized=True TLSv1.3 hello over tls
//   2. with the system's roots only: the certificate does not verify, the request fails with Node's code:
//        untrusted: DEPTH_ZERO_SELF_SIGNED_CERT self-signed certificate
//   3. with RejectUnauthorized = false (Node's `rejectUnauthorized: false`): the answer arrives, unverified:
//        insecure: 200 authorized=False DEPTH_ZERO_SELF_SIGNED_CERT
// (the TLS version is what the platform negotiates: TLSv1.3 with a current OpenSSL).
(string certPem, string keyPem) = MakeCertificate();

EventLoop.Run(() =>
{
    Server server = Https.CreateServer(new HttpsServerOptions { Cert = certPem, Key = keyPem }, (req, res) => res.End("hello over tls"));
    server.Listen(0, "127.0.0.1", () =>
    {
        int port = server.Address()!.Port;
        Trusted(port, certPem, () => Untrusted(port, () => Insecure(port, () => server.Close())));
    });
});

static void Trusted(int port, string ca, Action next)
{
    Https.Get(new RequestOptions { Host = "localhost", Port = port, Ca = ca }, res =>
    {
        var socket = (TlsSocket)res.Socket!;
        string body = "";
        res.SetEncoding("utf8");
        res.On<string>("data", chunk => body += chunk);
        res.On("end", () =>
        {
            Console.WriteLine($"trusted: {res.StatusCode} authorized={socket.Authorized} {socket.GetProtocol()} {body}");
            next();
        });
    }).On<Exception>("error", e =>
    {
        Console.WriteLine("trusted: unexpected error " + e.Message);
        next();
    });
}

static void Untrusted(int port, Action next)
{
    Https.Get($"https://localhost:{port}/", res =>
    {
        Console.WriteLine($"untrusted: unexpected answer {res.StatusCode}");
        res.Resume();
        next();
    }).On<Exception>("error", e =>
    {
        Console.WriteLine($"untrusted: {(e as NodeHttpException)?.Code} {e.Message}");
        next();
    });
}

static void Insecure(int port, Action next)
{
    Https.Get(new RequestOptions { Host = "localhost", Port = port, RejectUnauthorized = false }, res =>
    {
        var socket = (TlsSocket)res.Socket!;
        Console.WriteLine($"insecure: {res.StatusCode} authorized={socket.Authorized} {socket.AuthorizationError}");
        res.Resume();
        res.On("end", next);
    }).On<Exception>("error", e =>
    {
        Console.WriteLine("insecure: unexpected error " + e.Message);
        next();
    });
}

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
