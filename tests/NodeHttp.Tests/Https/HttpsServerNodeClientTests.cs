using System.Collections.Concurrent;

namespace NodeHttp.Tests.Https;

/// <summary>NodeHttp's https server with Node's own <c>https</c> client as the peer.</summary>
public class HttpsServerNodeClientTests
{
    [Fact]
    public async Task KeepAlive_ThreeRequestsOverOneTlsConnection()
    {
        int connections = 0, secure = 0;
        var sockets = new ConcurrentQueue<string>();
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(HttpsTestServer.LocalhostOptions(), (req, res) =>
        {
            var tls = Assert.IsType<TlsSocket>(req.Socket);
            sockets.Enqueue(tls.Encrypted + " " + tls.GetProtocol());
            res.End("hi " + req.Url);
        }, s =>
        {
            s.On<Socket>("connection", raw =>
            {
                Assert.IsNotType<TlsSocket>(raw);
                Interlocked.Increment(ref connections);
            });
            s.On<TlsSocket>("secureConnection", _ => Interlocked.Increment(ref secure));
        });
        IReadOnlyList<string> lines = await NodeHttpsPeer.RunClientAsync("""
            const agent = new https.Agent({ keepAlive: true, ca: CA });
            let n = 0;
            function next() {
              https.get({ host: '127.0.0.1', port: PORT, path: '/' + n, agent }, (res) => {
                const authorized = res.socket.authorized;
                let body = '';
                res.setEncoding('utf8');
                res.on('data', (d) => body += d);
                res.on('end', () => {
                  console.log(body + ' reused=' + res.req.reusedSocket + ' authorized=' + authorized);
                  if (++n < 3) setImmediate(next); else agent.destroy();
                });
              }).on('error', (e) => console.log('error ' + e.code + ' ' + e.message));
            }
            next();
            """, server.Port);
        Assert.Equal(["hi /0 reused=false authorized=true", "hi /1 reused=true authorized=true", "hi /2 reused=true authorized=true"], lines);
        Assert.Equal(1, connections);
        Assert.Equal(1, secure);
        Assert.All(sockets, s => Assert.StartsWith("True TLSv1.", s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ChunkedUploadWithTrailers_After100Continue()
    {
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(HttpsTestServer.LocalhostOptions(), (req, res) =>
        {
            var parts = new List<NodeBuffer>();
            req.On<NodeBuffer>("data", parts.Add);
            req.On("end", () => res.End(NodeBuffer.Concat(parts) + "|" + req.Headers["transfer-encoding"] + "|" + req.Trailers["x-sum"]));
        });
        IReadOnlyList<string> lines = await NodeHttpsPeer.RunClientAsync("""
            const req = https.request({ host: '127.0.0.1', port: PORT, method: 'POST', path: '/upload', ca: CA,
              headers: { 'Expect': '100-continue', 'Trailer': 'x-sum' } }, (res) => {
              let body = '';
              res.setEncoding('utf8');
              res.on('data', (d) => body += d);
              res.on('end', () => console.log(res.statusCode + ' ' + body));
            });
            req.on('continue', () => {
              console.log('continue');
              req.write('hello ');
              req.write('world');
              req.addTrailers({ 'x-sum': '42' });
              req.end();
            });
            req.on('error', (e) => console.log('error ' + e.code));
            """, server.Port);
        Assert.Equal(["continue", "200 hello world|chunked|42"], lines);
    }

    [Fact]
    public async Task Upgrade_HandsTheTlsSocketOver()
    {
        string? upgradedType = null;
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(HttpsTestServer.LocalhostOptions(), null, s =>
            s.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (req, socket, head) =>
            {
                upgradedType = socket.GetType().Name;
                socket.Write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: echo\r\nConnection: Upgrade\r\n\r\n");
                if (head.Length > 0)
                {
                    socket.Write(head);
                }
                socket.On<NodeBuffer>("data", d => socket.Write(d));
                socket.On("end", () => socket.End());
            }));
        IReadOnlyList<string> lines = await NodeHttpsPeer.RunClientAsync("""
            const req = https.request({ host: '127.0.0.1', port: PORT, ca: CA, headers: { Connection: 'Upgrade', Upgrade: 'echo' } });
            req.on('upgrade', (res, socket, head) => {
              console.log('upgrade ' + res.statusCode + ' ' + res.headers.upgrade + ' encrypted=' + socket.encrypted);
              let got = head.toString();
              socket.on('data', (d) => {
                got += d;
                if (got === 'ping over tls') { console.log('echo ' + got); socket.end(); }
              });
              socket.write('ping over tls');
            });
            req.on('error', (e) => console.log('error ' + e.code));
            req.end();
            """, server.Port);
        Assert.Equal(["upgrade 101 echo encrypted=true", "echo ping over tls"], lines);
        Assert.Equal(nameof(TlsSocket), upgradedType);
    }

    [Fact]
    public async Task Alpn_AdvertisesHttp11()
    {
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(HttpsTestServer.LocalhostOptions(), (req, res) => res.End(((TlsSocket)req.Socket!).AlpnProtocol ?? "none"));
        IReadOnlyList<string> lines = await NodeHttpsPeer.RunClientAsync("""
            https.get({ host: '127.0.0.1', port: PORT, ca: CA, ALPNProtocols: ['h2', 'http/1.1'], agent: false }, (res) => {
              const alpn = res.socket.alpnProtocol;
              let body = '';
              res.on('data', (d) => body += d);
              res.on('end', () => console.log(alpn + ' ' + body));
            }).on('error', (e) => console.log('error ' + e.code));
            """, server.Port);
        Assert.Equal(["http/1.1 http/1.1"], lines);
    }

    [Fact]
    public async Task Sni_PicksTheCertificateForTheName()
    {
        var names = new ConcurrentQueue<string>();
        HttpsServerOptions options = HttpsTestServer.LocalhostOptions();
        options.SniCallback = name => name == "other.example"
            ? new TlsOptions { Cert = TestCertificates.OtherHost.CertPem, Key = TestCertificates.OtherHost.KeyPem }
            : null;
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(options, (req, res) =>
        {
            names.Enqueue(((TlsSocket)req.Socket!).Servername ?? "(none)");
            res.End("ok");
        });
        IReadOnlyList<string> lines = await NodeHttpsPeer.RunClientAsync("""
            function get(servername, done) {
              https.get({ host: '127.0.0.1', port: PORT, ca: CA, servername, agent: false }, (res) => {
                res.resume();
                res.on('end', () => { console.log(servername + ' ' + res.socket.getPeerCertificate().subject.CN); done(); });
              }).on('error', (e) => { console.log('error ' + e.code); done(); });
            }
            get('other.example', () => get('localhost', () => {}));
            """, server.Port);
        Assert.Equal(["other.example other.example", "localhost localhost"], lines);
        Assert.Equal(["other.example", "localhost"], names.ToArray());
    }

    [Fact]
    public async Task ClientCertificate_RequestCert_SetsAuthorized()
    {
        HttpsServerOptions options = HttpsTestServer.LocalhostOptions();
        options.Ca = TestCertificates.Ca.CertPem;
        options.RequestCert = true;
        options.RejectUnauthorized = false;
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(options, (req, res) =>
        {
            var tls = (TlsSocket)req.Socket!;
            res.End(tls.Authorized + " " + (tls.GetPeerCertificate()?.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false) ?? "-")
                + " " + (tls.AuthorizationError is null ? "-" : "error"));
        });
        IReadOnlyList<string> lines = await NodeHttpsPeer.RunClientAsync("""
            function get(withCert, done) {
              const o = { host: '127.0.0.1', port: PORT, ca: CA, agent: false };
              if (withCert) { o.cert = CLIENT_CERT; o.key = CLIENT_KEY; }
              https.get(o, (res) => {
                let body = '';
                res.on('data', (d) => body += d);
                res.on('end', () => { console.log(body); done(); });
              }).on('error', (e) => { console.log('error ' + e.code); done(); });
            }
            get(true, () => get(false, () => {}));
            """, server.Port);
        Assert.Equal(["True test client -", "False - error"], lines);
    }

    [Fact]
    public async Task ClientCertificate_Required_ClientWithoutOneFailsAndServerSeesTlsClientError()
    {
        HttpsServerOptions options = HttpsTestServer.LocalhostOptions();
        options.Ca = TestCertificates.Ca.CertPem;
        options.RequestCert = true;
        options.RejectUnauthorized = true;
        var tlsErrors = new ConcurrentQueue<Exception>();
        var tlsError = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using HttpsTestServer server = await HttpsTestServer.StartAsync(options, (req, res) => res.End("ok " + ((TlsSocket)req.Socket!).Authorized), s =>
            s.On<Exception, TlsSocket>("tlsClientError", (e, _) => { tlsErrors.Enqueue(e); tlsError.TrySetResult(); }));
        IReadOnlyList<string> lines = await NodeHttpsPeer.RunClientAsync("""
            function get(withCert, done) {
              const o = { host: '127.0.0.1', port: PORT, ca: CA, agent: false };
              if (withCert) { o.cert = CLIENT_CERT; o.key = CLIENT_KEY; }
              https.get(o, (res) => {
                let body = '';
                res.on('data', (d) => body += d);
                res.on('end', () => { console.log(body); done(); });
              }).on('error', (e) => { console.log('failed'); done(); });
            }
            get(true, () => get(false, () => {}));
            """, server.Port);
        Assert.Equal(["ok True", "failed"], lines);
        // The client fails on the server's alert, which the server sends before its loop emits 'tlsClientError'.
        await tlsError.Task.WaitAsync(HttpsTestServer.Deadline);
        Assert.Single(tlsErrors);
    }
}
