using System.Security.Cryptography;
using NodeHttp.Tests.Net;

namespace NodeHttp.Tests.Tls;

/// <summary>
/// <see cref="TlsSocket.IsSessionReused"/>: the hello reader on crafted handshakes (every way a verdict is reached,
/// bytes split anywhere), and NodeHttp's client and server resuming with each other.
/// </summary>
public class TlsSessionTests
{
    private static readonly byte[] HelloRetryRandom = Convert.FromHexString("CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C");

    private static byte[] Record(byte type, byte[] payload) =>
        [type, 0x03, 0x03, (byte)(payload.Length >> 8), (byte)payload.Length, .. payload];

    private static byte[] Message(byte type, byte[] body) =>
        [type, (byte)(body.Length >> 16), (byte)(body.Length >> 8), (byte)body.Length, .. body];

    private static byte[] Extension(ushort type, byte[] value) =>
        [(byte)(type >> 8), (byte)type, (byte)(value.Length >> 8), (byte)value.Length, .. value];

    private static byte[] ClientHello(byte[] sessionId)
    {
        byte[] extensions = [.. Extension(0, [0, 6, 0, 0, 3, (byte)'a', (byte)'.', (byte)'b']), .. Extension(43, [4, 3, 4, 3, 3])];
        byte[] body =
        [
            3, 3, .. RandomNumberGenerator.GetBytes(32), (byte)sessionId.Length, .. sessionId,
            0, 4, 0x13, 0x01, 0xC0, 0x2B, 1, 0,
            (byte)(extensions.Length >> 8), (byte)extensions.Length, .. extensions,
        ];
        return Message(1, body);
    }

    private static byte[] ServerHello(byte[] sessionId, bool tls13, bool psk, byte[]? random = null)
    {
        var extensions = new List<byte>();
        if (tls13)
        {
            extensions.AddRange(Extension(51, [0, 29, 0, 1, 7]));
            extensions.AddRange(Extension(43, [3, 4]));
        }
        else
        {
            extensions.AddRange(Extension(0xff01, [0]));
        }
        if (psk)
        {
            extensions.AddRange(Extension(41, [0, 0]));
        }
        byte[] body =
        [
            3, 3, .. random ?? RandomNumberGenerator.GetBytes(32), (byte)sessionId.Length, .. sessionId,
            0x13, 0x01, 0, (byte)(extensions.Count >> 8), (byte)extensions.Count, .. extensions,
        ];
        return Message(2, body);
    }

    // Feeds the client's and the server's flights in order, as a client (sent, received) or a server (received, sent),
    // each cut into pieces of `piece` bytes.
    private static TlsHelloObserver Observe(bool asServer, int piece, params (bool FromClient, byte[] Bytes)[] flights)
    {
        var observer = new TlsHelloObserver(asServer);
        foreach ((bool fromClient, byte[] bytes) in flights)
        {
            for (int at = 0; at < bytes.Length; at += piece)
            {
                ReadOnlySpan<byte> part = bytes.AsSpan(at, Math.Min(piece, bytes.Length - at));
                if (fromClient == asServer)
                {
                    observer.OnReceived(part);
                }
                else
                {
                    observer.OnSent(part);
                }
            }
        }
        return observer;
    }

    public static TheoryData<bool, int> Sides => new() { { false, 1 }, { false, 7 }, { false, 4096 }, { true, 1 }, { true, 4096 } };

    [Theory]
    [MemberData(nameof(Sides))]
    public void Tls13_IsResumed_ExactlyWhenTheServerHelloCarriesPreSharedKey(bool asServer, int piece)
    {
        byte[] sid = RandomNumberGenerator.GetBytes(32);
        byte[] encrypted = Record(23, RandomNumberGenerator.GetBytes(90));
        foreach (bool psk in new[] { true, false })
        {
            TlsHelloObserver o = Observe(asServer, piece,
                (true, Record(22, ClientHello(sid))),
                (false, [.. Record(22, ServerHello(sid, tls13: true, psk)), .. Record(20, [1]), .. encrypted]));
            Assert.True(o.Done);
            Assert.Equal(psk, o.Resumed);
        }
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public void Tls13_AfterAHelloRetryRequest_TheSecondServerHelloDecides(bool asServer, int piece)
    {
        byte[] sid = RandomNumberGenerator.GetBytes(32);
        TlsHelloObserver o = Observe(asServer, piece,
            (true, Record(22, ClientHello(sid))),
            // The retry request names the PSK extension nowhere; the verdict must wait for the real ServerHello.
            (false, [.. Record(22, ServerHello(sid, tls13: true, psk: false, HelloRetryRandom)), .. Record(20, [1])]),
            (true, [.. Record(20, [1]), .. Record(22, ClientHello(sid))]),
            (false, Record(22, ServerHello(sid, tls13: true, psk: true))));
        Assert.True(o.Done);
        Assert.True(o.Resumed);
    }

    [Theory]
    [MemberData(nameof(Sides))]
    public void Tls12_IsResumed_ExactlyWhenTheServerEchoesTheClientsSessionId(bool asServer, int piece)
    {
        byte[] offered = RandomNumberGenerator.GetBytes(32);
        (byte[] Client, byte[] Server, bool Resumed)[] cases =
        [
            (offered, offered, true),
            (offered, RandomNumberGenerator.GetBytes(32), false),
            ([], RandomNumberGenerator.GetBytes(32), false),
            ([], [], false),
            (offered, [], false),
        ];
        foreach (var (client, server, resumed) in cases)
        {
            // The server's hello and the next message share a record, as servers send them.
            byte[] flight = Record(22, [.. ServerHello(server, tls13: false, psk: false), .. Message(11, [0, 0, 0])]);
            TlsHelloObserver o = Observe(asServer, piece, (true, Record(22, ClientHello(client))), (false, flight));
            Assert.True(o.Done);
            Assert.Equal(resumed, o.Resumed);
        }
    }

    [Fact]
    public void AHelloSplitOverRecords_IsReassembled()
    {
        byte[] sid = RandomNumberGenerator.GetBytes(32);
        byte[] hello = ServerHello(sid, tls13: true, psk: true);
        TlsHelloObserver o = Observe(asServer: false, 3,
            (true, [.. Record(22, ClientHello(sid)[..10]), .. Record(22, ClientHello(sid)[10..])]),
            (false, [.. Record(22, hello[..5]), .. Record(22, []), .. Record(22, hello[5..])]));
        Assert.True(o.Done);
        Assert.True(o.Resumed);
    }

    [Fact]
    public void AnAlertOrGarbageInsteadOfAServerHello_IsNoResumption()
    {
        byte[] sid = RandomNumberGenerator.GetBytes(32);
        TlsHelloObserver alert = Observe(asServer: false, 4096, (true, Record(22, ClientHello(sid))), (false, Record(21, [2, 40])));
        Assert.True(alert.Done);
        Assert.False(alert.Resumed);

        // A plaintext request on a TLS port: nothing to read, no verdict, and never "resumed".
        TlsHelloObserver http = Observe(asServer: true, 4096, (true, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"u8.ToArray()));
        Assert.False(http.Done);
        Assert.False(http.Resumed);

        // A handshake message with an absurd length is not waited for.
        TlsHelloObserver huge = Observe(asServer: false, 4096, (true, Record(22, ClientHello(sid))), (false, Record(22, [2, 0x7f, 0xff, 0xff, 0])));
        Assert.True(huge.Done);
        Assert.False(huge.Resumed);
    }

    [Theory]
    [InlineData("TLSv1.3")]
    [InlineData("TLSv1.2")]
    public async Task OurClientAndServer_ResumeWithEachOther_AndBothSidesSaySo(string version)
    {
        using var t = new NetTestLoop();
        TlsServerOptions options = TlsSocketTests.ServerOptions();
        options.MaxVersion = version;
        var serverSaw = new List<bool>();
        var (server, port) = await TlsSocketTests.ListenAsync(t, options, tls =>
        {
            serverSaw.Add(tls.IsSessionReused());
            tls.On<NodeBuffer>("data", d => tls.End(d));
        });
        // The platform's client cache is per server name, process-wide: a name of this test's own (the certificate
        // check is the test's too) so no other connection replaces the session.
        string name = "s" + Guid.NewGuid().ToString("N")[..12] + ".resume.test";
        var clientSaw = new List<(bool Reused, string? Protocol)>();
        for (int i = 0; i < 3; i++)
        {
            var done = NetTestExtensions.NewTcs<bool>();
            await t.RunAsync(() =>
            {
                TlsSocket c = NodeHttp.Tls.Connect(new TlsConnectOptions
                {
                    Port = port,
                    Host = "127.0.0.1",
                    Servername = name,
                    Ca = TestCertificates.Ca.CertPem,
                    CheckServerIdentity = (_, _) => null,
                });
                Assert.False(c.IsSessionReused());
                c.On("secureConnect", () =>
                {
                    clientSaw.Add((c.IsSessionReused(), c.GetProtocol()));
                    c.End("x");
                });
                // The session's tickets (TLS 1.3) come after the handshake: the echo's end means they arrived.
                c.On<NodeBuffer>("data", _ => { });
                c.On("close", () => done.TrySetResult(true));
                c.On<Exception>("error", e => done.TrySetException(e));
            });
            await done.Bounded();
        }
        (bool, string?)[] client = await t.RunAsync(() => clientSaw.ToArray());
        bool[] serverSide = await t.RunAsync(() => serverSaw.ToArray());
        Assert.Equal(new (bool, string?)[] { (false, version), (true, version), (true, version) }, client);
        Assert.Equal(new[] { false, true, true }, serverSide);
        await t.RunAsync(() => server.Close());
    }
}
