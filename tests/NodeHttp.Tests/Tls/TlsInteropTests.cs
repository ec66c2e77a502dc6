using System.Security.Cryptography;
using System.Text;
using NodeHttp.Tests.Net;

namespace NodeHttp.Tests.Tls;

/// <summary>NodeHttp's TLS client and server against Node's own <c>tls</c> module (and openssl) on loopback.</summary>
public sealed class TlsInteropTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("nodehttp-tls-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private string File(string name, string content)
    {
        string path = Path.Combine(dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    // A Node tls server serving `cert`; it answers "hello <servername> <alpn>" and echoes upper-cased; with
    // `requestCert` it reports the client's certificate. It also connects to itself with Node's own client
    // (rejectUnauthorized false) and prints what Node thinks of the certificate: "node-auth <authorized> <code>".
    private const string NodeServer = """
        const tls = require('tls'); const fs = require('fs');
        const [cert, key, ca, extra] = process.argv.slice(2);
        const opts = JSON.parse(extra || '{}');
        const server = tls.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key),
          ca: ca !== '-' ? fs.readFileSync(ca) : undefined, ALPNProtocols: opts.alpn, requestCert: !!opts.requestCert,
          rejectUnauthorized: false }, s => {
          if (opts.requestCert) console.log('client-cert ' + s.authorized + ' ' + (s.getPeerCertificate().subject || {}).CN);
          if (opts.send) {
            const chunk = Buffer.alloc(1 << 16, 'x'); let left = opts.send;
            const pump = () => { while (left > 0) { left -= chunk.length; if (!s.write(chunk)) { s.once('drain', pump); return; } } s.end(); };
            pump(); return;
          }
          s.write('hello ' + s.servername + ' ' + s.alpnProtocol + '\n');
          s.on('data', d => s.write(d.toString().toUpperCase()));
          s.on('end', () => { console.log('server-end'); s.end('bye\n'); });
          s.on('error', e => console.log('server-error ' + e.code));
        });
        server.listen(0, '127.0.0.1', () => {
          const port = server.address().port;
          const c = tls.connect({ port, host: '127.0.0.1', servername: 'localhost', rejectUnauthorized: false,
            ca: ca !== '-' ? fs.readFileSync(ca) : undefined }, () => {
            let code = c.authorizationError ? (c.authorizationError.code || c.authorizationError) : null;
            if (!code) { const e = tls.checkServerIdentity('localhost', c.getPeerCertificate()); if (e) code = e.code; }
            console.log('node-auth ' + (c.authorized && !code) + ' ' + code);
            c.destroy();
            console.log('listening ' + port);
          });
          c.on('error', e => { console.log('node-auth false ' + e.code); console.log('listening ' + port); });
        });
        """;

    private async Task<(NodePeer Peer, int Port, string NodeAuth)> StartNodeServer(TestCertificate cert, TestCertificate? ca, string extra = "{}")
    {
        NodePeer peer = NodePeer.Start(NodeServer, File("cert.pem", cert.CertPem), File("key.pem", cert.KeyPem),
            ca is null ? "-" : File("ca.pem", ca.CertPem), extra);
        string auth = await peer.WaitLineAsync(l => l.StartsWith("node-auth ", StringComparison.Ordinal));
        string listening = await peer.WaitLineAsync(l => l.StartsWith("listening ", StringComparison.Ordinal));
        return (peer, int.Parse(listening["listening ".Length..]), auth["node-auth ".Length..]);
    }

    [Fact]
    public async Task Our_client_talks_to_a_node_server_with_alpn_sni_and_half_close()
    {
        var (peer, port, _) = await StartNodeServer(TestCertificates.Localhost, null, """{"alpn":["h2","http/1.1"]}""");
        await using var _peer = peer;
        using var t = new NetTestLoop();
        var got = NetTestExtensions.NewTcs<(string Text, string? Alpn, bool Authorized, string? Server)>();
        await t.RunAsync(() =>
        {
            var options = new TlsConnectOptions
            {
                Port = port,
                Host = "127.0.0.1",
                Servername = "localhost",
                Ca = TestCertificates.Ca.CertPem,
                AlpnProtocols = ["http/1.1"],
            };
            TlsSocket c = NodeHttp.Tls.Connect(options);
            var text = new StringBuilder();
            c.On("secureConnect", () => c.Write("abc"));
            c.On<NodeBuffer>("data", d =>
            {
                text.Append(d.ToString());
                if (text.ToString().EndsWith("ABC", StringComparison.Ordinal))
                {
                    c.End();
                }
            });
            c.On("end", () => got.TrySetResult((text.ToString(), c.AlpnProtocol, c.Authorized, c.Servername)));
            c.On<Exception>("error", e => got.TrySetException(e));
        });
        var (textResult, alpn, authorized, servername) = await got.Bounded();
        Assert.Equal("hello localhost http/1.1\nABCbye\n", textResult);
        Assert.Equal("http/1.1", alpn);
        Assert.True(authorized);
        Assert.Equal("localhost", servername);
        await peer.WaitLineAsync(l => l == "server-end");
    }

    [Theory]
    [InlineData("self-signed", "DEPTH_ZERO_SELF_SIGNED_CERT")]
    [InlineData("unknown-ca", "UNABLE_TO_VERIFY_LEAF_SIGNATURE")]
    [InlineData("expired", "CERT_HAS_EXPIRED")]
    [InlineData("wrong-host", "ERR_TLS_CERT_ALTNAME_INVALID")]
    public async Task Authorization_errors_match_what_node_reports_for_the_same_certificate(string which, string expected)
    {
        (TestCertificate cert, bool trustCa) = which switch
        {
            "self-signed" => (TestCertificates.SelfSigned, false),
            "unknown-ca" => (TestCertificates.Localhost, false),
            "expired" => (TestCertificates.Expired, true),
            _ => (TestCertificates.OtherHost, true),
        };
        var (peer, port, nodeAuth) = await StartNodeServer(cert, trustCa ? TestCertificates.Ca : null);
        await using var _peer = peer;
        Assert.Equal("false " + expected, nodeAuth);
        using var t = new NetTestLoop();
        var lenient = NetTestExtensions.NewTcs<(bool, string?)>();
        var strict = NetTestExtensions.NewTcs<string>();
        await t.RunAsync(() =>
        {
            TlsConnectOptions Options(bool reject) => new()
            {
                Port = port,
                Host = "localhost",
                RejectUnauthorized = reject,
                Ca = trustCa ? TestCertificates.Ca.CertPem : null,
            };
            TlsSocket a = NodeHttp.Tls.Connect(Options(reject: false));
            a.On("secureConnect", () => { lenient.TrySetResult((a.Authorized, a.AuthorizationError)); a.Destroy(); });
            a.On<Exception>("error", e => lenient.TrySetException(e));
            TlsSocket b = NodeHttp.Tls.Connect(Options(reject: true));
            b.On("secureConnect", () => strict.TrySetResult("connected"));
            b.On<NodeHttpException>("error", e => strict.TrySetResult(e.Code));
        });
        Assert.Equal((false, expected), await lenient.Bounded());
        Assert.Equal(expected, await strict.Bounded());
    }

    // A Node tls client: connects with the given options, writes its argument, ends, prints what it got.
    private const string NodeClient = """
        const tls = require('tls'); const fs = require('fs');
        const [port, optsJson] = process.argv.slice(2);
        const o = JSON.parse(optsJson);
        const opts = { port: +port, host: '127.0.0.1', servername: o.servername, ALPNProtocols: o.alpn,
          ca: o.ca ? fs.readFileSync(o.ca) : undefined, cert: o.cert ? fs.readFileSync(o.cert) : undefined,
          key: o.key ? fs.readFileSync(o.key) : undefined, rejectUnauthorized: o.reject !== false };
        const c = tls.connect(opts, () => {
          console.log('secure ' + c.authorized + ' ' + c.getProtocol() + ' ' + c.alpnProtocol + ' ' + c.getPeerCertificate().subject.CN);
          if (o.expect) {
            const h = require('crypto').createHash('sha256'); let n = 0;
            c.on('data', d => { n += d.length; h.update(d); });
            c.on('end', () => { console.log('got ' + n + ' ' + h.digest('hex')); c.end(); });
            return;
          }
          c.write(o.send || 'hi'); c.end();
        });
        if (!o.expect) {
          let got = ''; c.on('data', d => got += d);
          c.on('end', () => console.log('got ' + got));
        }
        c.on('error', e => console.log('error ' + e.code));
        c.on('close', () => console.log('closed'));
        """;

    private NodePeer StartNodeClient(int port, object options) =>
        NodePeer.Start(NodeClient, port.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Text.Json.JsonSerializer.Serialize(options));

    [Fact]
    public async Task A_node_client_talks_to_our_server_with_alpn_and_half_close()
    {
        using var t = new NetTestLoop();
        var serverSaw = NetTestExtensions.NewTcs<string>();
        var options = TlsSocketTests.ServerOptions();
        options.AlpnProtocols = ["http/1.1", "h2"];
        var (server, port) = await TlsSocketTests.ListenAsync(t, options, tls =>
        {
            var sb = new StringBuilder();
            tls.On<NodeBuffer>("data", d => sb.Append(d.ToString()));
            tls.On("end", () =>
            {
                // The client half-closed: this side may still answer.
                serverSaw.TrySetResult(sb + " " + tls.AlpnProtocol + " " + tls.Servername);
                tls.End(sb.ToString().ToUpperInvariant());
            });
        });
        await using NodePeer client = StartNodeClient(port, new { servername = "localhost", alpn = new[] { "h2" }, ca = File("ca.pem", TestCertificates.Ca.CertPem), send = "half closed" });
        Assert.Equal("secure true TLSv1.3 h2 localhost", await client.WaitLineAsync(l => l.StartsWith("secure ", StringComparison.Ordinal)));
        Assert.Equal("half closed h2 localhost", await serverSaw.Bounded());
        Assert.Equal("got HALF CLOSED", await client.WaitLineAsync(l => l.StartsWith("got ", StringComparison.Ordinal)));
        await client.WaitLineAsync(l => l == "closed");
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Sni_picks_the_certificate_for_the_name_the_client_asked_for()
    {
        using var t = new NetTestLoop();
        var options = TlsSocketTests.ServerOptions();
        var asked = new List<string>();
        options.SniCallback = name =>
        {
            asked.Add(name);
            return name == "other.example" ? new TlsOptions { Cert = TestCertificates.OtherHost.CertPem, Key = TestCertificates.OtherHost.KeyPem } : null;
        };
        var (server, port) = await TlsSocketTests.ListenAsync(t, options, tls => tls.On<NodeBuffer>("data", d => tls.End(d)));
        string ca = File("ca.pem", TestCertificates.Ca.CertPem);
        await using (NodePeer other = StartNodeClient(port, new { servername = "other.example", ca }))
        {
            Assert.Equal("secure true TLSv1.3 false other.example", await other.WaitLineAsync(l => l.StartsWith("secure ", StringComparison.Ordinal)));
        }
        await using (NodePeer local = StartNodeClient(port, new { servername = "localhost", ca }))
        {
            Assert.Equal("secure true TLSv1.3 false localhost", await local.WaitLineAsync(l => l.StartsWith("secure ", StringComparison.Ordinal)));
        }
        Assert.Equal(["other.example", "localhost"], await t.RunAsync(() => asked.ToArray()));
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Our_server_verifies_client_certificates_and_refuses_a_client_without_one()
    {
        using var t = new NetTestLoop();
        var options = TlsSocketTests.ServerOptions();
        options.RequestCert = true;
        options.Ca = TestCertificates.Ca.CertPem;
        var secureSeen = NetTestExtensions.NewTcs<(bool, string?, string?)>();
        var refused = NetTestExtensions.NewTcs<string>();
        var (server, port) = await TlsSocketTests.ListenAsync(t, options,
            tls =>
            {
                secureSeen.TrySetResult((tls.Authorized, tls.AuthorizationError, tls.GetPeerCertificate()?.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false)));
                tls.On<NodeBuffer>("data", d => tls.End(d));
            },
            (e, tls) => refused.TrySetResult(((NodeHttpException)e).Code));
        string ca = File("ca.pem", TestCertificates.Ca.CertPem);
        await using (NodePeer withCert = StartNodeClient(port, new { servername = "localhost", ca, cert = File("client.pem", TestCertificates.Client.CertPem), key = File("client.key", TestCertificates.Client.KeyPem) }))
        {
            await withCert.WaitLineAsync(l => l.StartsWith("got ", StringComparison.Ordinal));
        }
        Assert.Equal((true, null, "test client"), await secureSeen.Bounded());
        await using (NodePeer without = StartNodeClient(port, new { servername = "localhost", ca }))
        {
            // TLS 1.3: the client's handshake is done before the server looks at its (missing) certificate; the alert follows.
            await without.WaitLineAsync(l => l.StartsWith("error ", StringComparison.Ordinal) || l == "closed");
        }
        Assert.Equal("ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE", await refused.Bounded());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Our_client_presents_its_certificate_to_a_node_server()
    {
        var (peer, port, _) = await StartNodeServer(TestCertificates.Localhost, TestCertificates.Ca, """{"requestCert":true}""");
        await using var _peer = peer;
        using var t = new NetTestLoop();
        var hello = NetTestExtensions.NewTcs<string>();
        await t.RunAsync(() =>
        {
            var options = new TlsConnectOptions
            {
                Port = port,
                Host = "localhost",
                Ca = TestCertificates.Ca.CertPem,
                Cert = TestCertificates.Client.CertPem,
                Key = TestCertificates.Client.KeyPem,
            };
            TlsSocket c = NodeHttp.Tls.Connect(options);
            c.On<NodeBuffer>("data", d => { hello.TrySetResult(d.ToString()); c.Destroy(); });
            c.On<Exception>("error", e => hello.TrySetException(e));
        });
        Assert.StartsWith("hello localhost", await hello.Bounded());
        Assert.Equal("client-cert true test client", await peer.WaitLineAsync(l => l.StartsWith("client-cert ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sixty_four_mebibytes_flow_both_ways_with_back_pressure()
    {
        const int Size = 64 << 20;
        // Node's server sends 64 MiB; our client reads them pausing now and then.
        var (peer, port, _) = await StartNodeServer(TestCertificates.Localhost, null, "{\"send\":" + Size + "}");
        await using var _peer = peer;
        using var t = new NetTestLoop();
        var received = NetTestExtensions.NewTcs<long>();
        await t.RunAsync(() =>
        {
            TlsSocket c = NodeHttp.Tls.Connect(new TlsConnectOptions { Port = port, Host = "localhost", Ca = TestCertificates.Ca.CertPem });
            long n = 0;
            int chunks = 0;
            c.On<NodeBuffer>("data", d =>
            {
                n += d.Length;
                if (++chunks % 200 == 0)
                {
                    c.Pause();
                    c.Loop.SetTimeout(() => c.Resume(), 1);
                }
            });
            c.On("end", () => received.TrySetResult(n));
            c.On<Exception>("error", e => received.TrySetException(e));
        });
        Assert.Equal(Size, await received.Task.WaitAsync(TimeSpan.FromSeconds(60)));

        // Our server sends 64 MiB to Node's client, writing only while Write returns true.
        var falseSeen = NetTestExtensions.NewTcs<bool>();
        byte[] block = new byte[64 * 1024];
        new Random(7).NextBytes(block);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int i = 0; i < Size / block.Length; i++)
        {
            hash.AppendData(block);
        }
        string expected = Convert.ToHexStringLower(hash.GetHashAndReset());
        var (server, serverPort) = await TlsSocketTests.ListenAsync(t, TlsSocketTests.ServerOptions(), tls =>
        {
            int sent = 0;
            void Pump()
            {
                while (sent < Size)
                {
                    sent += block.Length;
                    if (!tls.Write(block))
                    {
                        falseSeen.TrySetResult(true);
                        tls.Once("drain", Pump);
                        return;
                    }
                }
                tls.End();
            }
            Pump();
        });
        await using NodePeer client = StartNodeClient(serverPort, new { servername = "localhost", ca = File("ca.pem", TestCertificates.Ca.CertPem), expect = true });
        string got = await client.WaitLineAsync(l => l.StartsWith("got ", StringComparison.Ordinal), seconds: 60);
        Assert.Equal("got " + Size + " " + expected, got);
        Assert.True(await falseSeen.Bounded());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Openssl_s_client_completes_a_handshake_with_our_server()
    {
        if (!System.IO.File.Exists("/usr/bin/openssl"))
        {
            Assert.Fail("openssl is not installed");
        }
        using var t = new NetTestLoop();
        var (server, port) = await TlsSocketTests.ListenAsync(t, TlsSocketTests.ServerOptions(), tls => tls.On<NodeBuffer>("data", d => tls.End(d)));
        var psi = new System.Diagnostics.ProcessStartInfo("openssl")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in new[] { "s_client", "-connect", "127.0.0.1:" + port, "-servername", "localhost", "-CAfile", File("ca.pem", TestCertificates.Ca.CertPem), "-verify_return_error", "-quiet", "-ign_eof" })
        {
            psi.ArgumentList.Add(a);
        }
        using var p = System.Diagnostics.Process.Start(psi)!;
        await p.StandardInput.WriteLineAsync("echo me");
        p.StandardInput.Close();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        string output = await p.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        string line = output.Trim();
        Assert.Contains("verify return:1", await stderr);
        Assert.Equal("echo me", line);
        await t.RunAsync(() => server.Close());
    }
}
