using NodeHttp.Tests.Net;

namespace NodeHttp.Tests.Tls;

/// <summary>Back-pressure over TLS, as over a plain socket: a paused reader stops reading, Write says false past the highWaterMark.</summary>
public class TlsFlowTests
{
    [Fact]
    public async Task A_paused_reader_stops_the_flow_and_the_writer_sees_false_until_it_resumes()
    {
        const int Size = 4 << 20;
        using var t = new NetTestLoop();
        var writerBlocked = NetTestExtensions.NewTcs<bool>();
        var drained = NetTestExtensions.NewTcs<bool>();
        byte[] block = new byte[32 * 1024];
        var (server, port) = await TlsSocketTests.ListenAsync(t, TlsSocketTests.ServerOptions(), tls =>
        {
            int sent = 0;
            void Pump()
            {
                while (sent < Size)
                {
                    sent += block.Length;
                    if (!tls.Write(block))
                    {
                        writerBlocked.TrySetResult(true);
                        tls.Once("drain", () => { drained.TrySetResult(true); Pump(); });
                        return;
                    }
                }
                tls.End();
            }
            Pump();
        });
        var secure = NetTestExtensions.NewTcs<TlsSocket>();
        var ended = NetTestExtensions.NewTcs<long>();
        await t.RunAsync(() =>
        {
            TlsSocket c = NodeHttp.Tls.Connect(new TlsConnectOptions { Port = port, Host = "localhost", Ca = TestCertificates.Ca.CertPem });
            c.Pause();
            c.On("secureConnect", () => secure.TrySetResult(c));
            c.On<Exception>("error", e => secure.TrySetException(e));
        });
        TlsSocket client = await secure.Bounded();
        Assert.True(await writerBlocked.Bounded());
        // Paused: what reached the client stays about its highWaterMark and a record, while the writer waits. The
        // count settles at its own pace (a busy machine decrypts slowly), so it is sampled until it holds still.
        long before = -1, after = await t.RunAsync(() => client.BytesRead);
        for (int i = 0; i < 30 && after != before; i++)
        {
            await Task.Delay(300);
            before = after;
            after = await t.RunAsync(() => client.BytesRead);
        }
        Assert.True(before == after, $"the paused client kept reading: {after} bytes");
        Assert.InRange(after, 0, 256 * 1024);
        Assert.False(drained.Task.IsCompleted && after == Size);
        await t.RunAsync(() =>
        {
            long n = 0;
            client.On<NodeBuffer>("data", d => n += d.Length);
            client.On("end", () => ended.TrySetResult(n));
            client.Resume();
        });
        Assert.Equal(Size, await ended.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await drained.Bounded());
        await t.RunAsync(() => server.Close());
    }

    [Fact]
    public async Task Destroy_closes_the_inner_socket_and_the_peer_sees_the_end()
    {
        using var t = new NetTestLoop();
        var serverClosed = NetTestExtensions.NewTcs<bool>();
        var (server, port) = await TlsSocketTests.ListenAsync(t, TlsSocketTests.ServerOptions(), tls =>
        {
            tls.On("close", () => serverClosed.TrySetResult(true));
            tls.On<Exception>("error", _ => { });
        });
        var clientClosed = NetTestExtensions.NewTcs<bool>();
        await t.RunAsync(() =>
        {
            TlsSocket c = NodeHttp.Tls.Connect(new TlsConnectOptions { Port = port, Host = "localhost", Ca = TestCertificates.Ca.CertPem });
            c.On("secureConnect", () => c.Destroy());
            c.On<bool>("close", e => clientClosed.TrySetResult(e));
        });
        Assert.False(await clientClosed.Bounded());
        Assert.True(await serverClosed.Bounded());
        await t.RunAsync(() => server.Close());
    }
}
