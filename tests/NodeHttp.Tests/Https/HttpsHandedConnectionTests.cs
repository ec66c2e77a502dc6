namespace NodeHttp.Tests.Https;

/// <summary>
/// A connection handed to an https server with <c>Emit("connection", …)</c> gets the TLS handshake first, as an
/// accepted one does (Node's https server: tls.Server's own 'connection' listener wraps it).
/// </summary>
public class HttpsHandedConnectionTests
{
    [Fact]
    public async Task ASocketAcceptedByAPlainNetServer_IsServedOverTls()
    {
        string body = "";
        var events = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server https = NodeHttp.Https.CreateServer(HttpsTestServer.LocalhostOptions(), (req, res) => res.End("secure " + req.Url));
            https.On<TlsSocket>("secureConnection", _ => events.Add("secureConnection"));
            NetServer net = NodeHttp.Net.CreateServer(s => https.Emit("connection", s));
            net.Listen(0, "127.0.0.1", () =>
            {
                var options = new RequestOptions
                {
                    Host = "localhost",
                    Port = net.Address()!.Port,
                    Path = "/x",
                    Ca = TestCertificates.Ca.CertPem,
                    UseAgent = false,
                };
                NodeHttp.Https.Request(options, res =>
                {
                    res.SetEncoding("utf8");
                    res.On<string>("data", d => body += d);
                    res.On("end", () => net.Close());
                }).End();
            });
        });
        Assert.Equal("secure /x", body);
        Assert.Equal(["secureConnection"], events);
    }
}
