using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using NodeHttp.Tests.Net;

namespace NodeHttp.Tests.Tls;

/// <summary>Connections that never become secure: reported as <c>tlsClientError</c>, closed, and not left behind.</summary>
[Collection("Timing")]
public class TlsServerErrorTests
{
    private static async Task<int> OpenConnections(NetTestLoop t, NetServer server)
    {
        var count = NetTestExtensions.NewTcs<int>();
        await t.RunAsync(() => server.GetConnections((e, n) => count.TrySetResult(n)));
        return await count.Bounded();
    }

    private static async Task<int> ReadUntilClosed(TcpClient raw)
    {
        var buffer = new byte[4096];
        int total = 0;
        try
        {
            while (true)
            {
                int n = await raw.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
                if (n == 0)
                {
                    return total;
                }
                total += n;
            }
        }
        catch (IOException)
        {
            return total;
        }
    }

    [Fact]
    public async Task A_plaintext_http_request_on_the_tls_port_is_a_tls_client_error_and_the_connection_closes()
    {
        using var t = new NetTestLoop();
        var error = NetTestExtensions.NewTcs<(string, bool)>();
        var (server, port) = await TlsSocketTests.ListenAsync(t, TlsSocketTests.ServerOptions(),
            _ => error.TrySetException(new InvalidOperationException("a plaintext client became secure")),
            (e, tls) => error.TrySetResult((((NodeHttpException)e).Code, tls.Destroyed)));
        using var raw = new TcpClient();
        await raw.ConnectAsync("127.0.0.1", port);
        await raw.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"));
        Assert.Equal(("ERR_SSL_HTTP_REQUEST", true), await error.Bounded());
        await ReadUntilClosed(raw);
        Assert.Equal(0, await OpenConnections(t, server));
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Garbage_instead_of_a_client_hello_is_a_tls_client_error()
    {
        using var t = new NetTestLoop();
        var error = NetTestExtensions.NewTcs<string>();
        var (server, port) = await TlsSocketTests.ListenAsync(t, TlsSocketTests.ServerOptions(), _ => { },
            (e, tls) => error.TrySetResult(((NodeHttpException)e).Code));
        using var raw = new TcpClient();
        await raw.ConnectAsync("127.0.0.1", port);
        await raw.GetStream().WriteAsync(new byte[] { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a });
        Assert.Equal("ERR_SSL_WRONG_VERSION_NUMBER", await error.Bounded());
        await ReadUntilClosed(raw);
        Assert.Equal(0, await OpenConnections(t, server));
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task A_client_that_says_nothing_fails_at_the_handshake_timeout()
    {
        using var t = new NetTestLoop();
        var error = NetTestExtensions.NewTcs<string>();
        TlsServerOptions options = TlsSocketTests.ServerOptions();
        options.HandshakeTimeout = 300;
        var (server, port) = await TlsSocketTests.ListenAsync(t, options, _ => { },
            (e, tls) => error.TrySetResult(((NodeHttpException)e).Code));
        using var raw = new TcpClient();
        var clock = Stopwatch.StartNew();
        await raw.ConnectAsync("127.0.0.1", port);
        Assert.Equal("ERR_TLS_HANDSHAKE_TIMEOUT", await error.Bounded());
        Assert.InRange(clock.ElapsedMilliseconds, 250, 5000);
        Assert.Equal(0, await ReadUntilClosed(raw));
        Assert.Equal(0, await OpenConnections(t, server));
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task A_client_that_hangs_up_mid_handshake_is_a_tls_client_error()
    {
        using var t = new NetTestLoop();
        var error = NetTestExtensions.NewTcs<string>();
        var (server, port) = await TlsSocketTests.ListenAsync(t, TlsSocketTests.ServerOptions(), _ => { },
            (e, tls) => error.TrySetResult(((NodeHttpException)e).Code));
        using (var raw = new TcpClient())
        {
            await raw.ConnectAsync("127.0.0.1", port);
            // The start of a ClientHello record, then gone.
            await raw.GetStream().WriteAsync(new byte[] { 0x16, 0x03, 0x01, 0x01, 0x00, 0x01 });
        }
        Assert.Equal("ECONNRESET", await error.Bounded());
        Assert.Equal(0, await OpenConnections(t, server));
        await t.RunAsync(() => server.Close());
    }
}
