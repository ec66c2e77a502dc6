using System.Text;
using NodeHttp.Tests.Net;

namespace NodeHttp.Tests.Tls;

/// <summary>The http layer's hook works over TLS as over TCP: decrypted bytes reach a <see cref="ISocketDataSink"/>, which can pause and resume.</summary>
public class TlsDataSinkTests
{
    private sealed class Sink(TlsSocket socket, TaskCompletionSource<string> done) : ISocketDataSink
    {
        private readonly StringBuilder text = new();

        public int Calls { get; private set; }

        public bool OnSocketData(ReadOnlySpan<byte> data)
        {
            Calls++;
            text.Append(Encoding.ASCII.GetString(data));
            if (text.ToString().EndsWith("end", StringComparison.Ordinal))
            {
                done.TrySetResult(text.ToString());
            }
            if (Calls == 1)
            {
                // Refuse more for a moment, as a parser with a full queue does.
                socket.Loop.SetTimeout(() => socket.ResumeReading(), 20);
                return false;
            }
            return true;
        }
    }

    [Fact]
    public async Task Decrypted_bytes_reach_the_data_sink_which_pauses_and_resumes_reading()
    {
        using var t = new NetTestLoop();
        var done = NetTestExtensions.NewTcs<string>();
        Sink? sink = null;
        var (server, port) = await TlsSocketTests.ListenAsync(t, TlsSocketTests.ServerOptions(), tls =>
        {
            sink = new Sink(tls, done);
            tls.DataSink = sink;
            tls.ResumeReading();
        });
        await t.RunAsync(() =>
        {
            TlsSocket c = NodeHttp.Tls.Connect(new TlsConnectOptions { Port = port, Host = "localhost", Ca = TestCertificates.Ca.CertPem });
            c.On("secureConnect", () =>
            {
                c.Write("first ");
                c.Loop.SetTimeout(() => c.Write(new string('x', 100_000) + " end"), 5);
            });
        });
        string got = await done.Bounded();
        Assert.StartsWith("first ", got);
        Assert.Equal(6 + 100_000 + 4, got.Length);
        Assert.True(await t.RunAsync(() => sink!.Calls) > 1);
        await t.RunAsync(() => server.Close());
    }
}
