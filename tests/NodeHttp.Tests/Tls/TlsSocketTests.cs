using System.Text;
using NodeHttp.Tests.Net;

namespace NodeHttp.Tests.Tls;

public class TlsSocketTests
{
    internal static TlsServerOptions ServerOptions(TestCertificate? cert = null) => new()
    {
        Cert = (cert ?? TestCertificates.Localhost).CertPem,
        Key = (cert ?? TestCertificates.Localhost).KeyPem,
    };

    internal static async Task<(TlsServer Server, int Port)> ListenAsync(NetTestLoop t, TlsServerOptions options, Action<TlsSocket> onSecure, Action<Exception, TlsSocket>? onClientError = null)
    {
        var listening = NetTestExtensions.NewTcs<bool>();
        TlsServer server = await t.RunAsync(() =>
        {
            TlsServer s = NodeHttp.Tls.CreateServer(options, onSecure);
            if (onClientError is not null)
            {
                s.On(TlsEvents.TlsClientError, onClientError);
            }
            s.On<Exception>("error", e => listening.TrySetException(e));
            s.Listen(0, "127.0.0.1", NetServer.DefaultBacklog, () => listening.TrySetResult(true));
            return s;
        });
        await listening.Bounded();
        int port = await t.RunAsync(() => server.Address()!.Port);
        return (server, port);
    }

    [Fact]
    public async Task Client_and_server_handshake_and_exchange_data_both_ways_on_the_loop_thread()
    {
        using var t = new NetTestLoop();
        int loopThread = await t.RunAsync(() => Environment.CurrentManagedThreadId);
        var threads = new List<int>();
        var serverGot = NetTestExtensions.NewTcs<string>();
        var clientGot = NetTestExtensions.NewTcs<string>();
        var serverInfo = NetTestExtensions.NewTcs<(string?, string?, bool)>();
        var (server, port) = await ListenAsync(t, ServerOptions(), tls =>
        {
            threads.Add(Environment.CurrentManagedThreadId);
            serverInfo.TrySetResult((tls.GetProtocol(), tls.Servername, tls.Encrypted));
            var sb = new StringBuilder();
            tls.On<NodeBuffer>("data", d =>
            {
                threads.Add(Environment.CurrentManagedThreadId);
                sb.Append(d.ToString());
                if (sb.ToString().EndsWith('!'))
                {
                    serverGot.TrySetResult(sb.ToString());
                    tls.End("pong!");
                }
            });
        });
        var clientSecure = NetTestExtensions.NewTcs<(bool, string?, string?, TlsCipher?)>();
        var clientClosed = NetTestExtensions.NewTcs<bool>();
        await t.RunAsync(() =>
        {
            var options = new TlsConnectOptions { Port = port, Host = "localhost", Ca = TestCertificates.Ca.CertPem };
            TlsSocket c = NodeHttp.Tls.Connect(options, () => threads.Add(Environment.CurrentManagedThreadId));
            c.On("secureConnect", () =>
            {
                clientSecure.TrySetResult((c.Authorized, c.AuthorizationError, c.GetProtocol(), c.GetCipher()));
                c.Write("ping");
                c.Write(" ");
                c.Write("ping!");
            });
            var sb = new StringBuilder();
            c.On<NodeBuffer>("data", d => { threads.Add(Environment.CurrentManagedThreadId); sb.Append(d.ToString()); });
            c.On("end", () => clientGot.TrySetResult(sb.ToString()));
            c.On<bool>("close", e => clientClosed.TrySetResult(e));
            c.On<Exception>("error", e => clientSecure.TrySetException(e));
        });
        var (authorized, error, protocol, cipher) = await clientSecure.Bounded();
        Assert.True(authorized);
        Assert.Null(error);
        Assert.Equal("TLSv1.3", protocol);
        Assert.NotNull(cipher);
        Assert.Equal("TLSv1.3", cipher!.Version);
        Assert.StartsWith("TLS_", cipher.Name);
        Assert.Equal("ping ping!", await serverGot.Bounded());
        Assert.Equal("pong!", await clientGot.Bounded());
        Assert.False(await clientClosed.Bounded());
        Assert.Equal(("TLSv1.3", "localhost", true), await serverInfo.Bounded());
        await t.RunAsync(() => server.Close());
        int[] seen = await t.RunAsync(() => threads.ToArray());
        Assert.NotEmpty(seen);
        Assert.All(seen, id => Assert.Equal(loopThread, id));
        // And no completion needed a hop onto the loop to get there (in any test of this run).
        Assert.Equal(0, Interlocked.Read(ref TlsTransport.OffLoopCompletions));
    }

    private static async Task<(string? Protocol, TlsCipher? Cipher, string? Subject)> HandshakeAsync(TlsServerOptions serverOptions, TlsConnectOptions clientOptions)
    {
        using var t = new NetTestLoop();
        var (server, port) = await ListenAsync(t, serverOptions, tls => tls.On<NodeBuffer>("data", d => tls.End(d)));
        var result = NetTestExtensions.NewTcs<(string?, TlsCipher?, string?)>();
        clientOptions.Port = port;
        clientOptions.Ca ??= TestCertificates.Ca.CertPem;
        await t.RunAsync(() =>
        {
            TlsSocket c = NodeHttp.Tls.Connect(clientOptions);
            c.On("secureConnect", () => c.Write("x"));
            c.On<NodeBuffer>("data", _ => result.TrySetResult((c.GetProtocol(), c.GetCipher(), c.GetPeerCertificate()?.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false))));
            c.On<Exception>("error", e => result.TrySetException(e));
        });
        try
        {
            return await result.Bounded();
        }
        finally
        {
            await t.RunAsync(() => server.Close());
        }
    }

    [Fact]
    public async Task Versions_and_ciphers_are_chosen_as_asked()
    {
        var (protocol, cipher, _) = await HandshakeAsync(ServerOptions(), new TlsConnectOptions { Host = "localhost", MaxVersion = "TLSv1.2", Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256" });
        Assert.Equal("TLSv1.2", protocol);
        Assert.Equal(new TlsCipher("ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLSv1.2"), cipher);
        Assert.Equal("TLSv1.3", (await HandshakeAsync(ServerOptions(), new TlsConnectOptions { Host = "localhost", MinVersion = "TLSv1.3" })).Protocol);
        var bad = Assert.Throws<NodeHttpException>(() => NodeHttp.Tls.CreateSecureContext(new TlsOptions { MinVersion = "TLSv9" }));
        Assert.Equal("ERR_TLS_INVALID_PROTOCOL_VERSION", bad.Code);
    }

    [Fact]
    public async Task A_server_certificate_may_come_as_pfx_or_as_an_x509_certificate()
    {
        var pfx = new TlsServerOptions { Pfx = TestCertificates.Localhost.Pfx, Passphrase = TestCertificates.PfxPassphrase };
        Assert.Equal("localhost", (await HandshakeAsync(pfx, new TlsConnectOptions { Host = "localhost" })).Subject);
        var cert = new TlsServerOptions { Certificate = TestCertificates.Localhost.Certificate };
        Assert.Equal("localhost", (await HandshakeAsync(cert, new TlsConnectOptions { Host = "127.0.0.1" })).Subject);
    }

    [Fact]
    public async Task The_asynchronous_sni_callback_picks_the_certificate_and_the_handshake_stays_on_the_loop()
    {
        var options = ServerOptions();
        options.SniCallbackAsync = async name =>
        {
            await Task.Delay(10);
            return name == "other.example" ? new TlsOptions { Cert = TestCertificates.OtherHost.CertPem, Key = TestCertificates.OtherHost.KeyPem } : null;
        };
        Assert.Equal("other.example", (await HandshakeAsync(options, new TlsConnectOptions { Host = "127.0.0.1", Servername = "other.example" })).Subject);
        Assert.Equal("localhost", (await HandshakeAsync(options, new TlsConnectOptions { Host = "localhost" })).Subject);
        Assert.Equal(0, Interlocked.Read(ref TlsTransport.OffLoopCompletions));
    }

    [Fact]
    public async Task Writes_made_before_the_handshake_are_sent_after_it_and_end_sends_close_notify()
    {
        using var t = new NetTestLoop();
        var got = NetTestExtensions.NewTcs<string>();
        var (server, port) = await ListenAsync(t, ServerOptions(), tls =>
        {
            var sb = new StringBuilder();
            tls.On<NodeBuffer>("data", d => sb.Append(d.ToString()));
            tls.On("end", () => got.TrySetResult(sb.ToString()));
        });
        await t.RunAsync(() =>
        {
            TlsSocket c = NodeHttp.Tls.Connect(new TlsConnectOptions { Port = port, Host = "localhost", Ca = TestCertificates.Ca.CertPem });
            Assert.True(c.Connecting);
            c.Write("early ");
            c.End("and last");
        });
        Assert.Equal("early and last", await got.Bounded());
        await t.RunAsync(() => server.Close());
    }
}
