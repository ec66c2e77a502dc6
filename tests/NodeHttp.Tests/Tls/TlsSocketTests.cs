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
    }
}
