namespace NodeHttp.Tests.Https;

/// <summary>Which module takes which protocol, as Node's <c>http</c> and <c>https</c> decide it (<c>ERR_INVALID_PROTOCOL</c>).</summary>
public class HttpsProtocolTests
{
    [Fact]
    public void HttpRequest_HttpsUrl_ThrowsInvalidProtocol()
    {
        var e = Assert.Throws<NodeHttpException>(() => NodeHttp.Http.Request("https://127.0.0.1:1/"));
        Assert.Equal("ERR_INVALID_PROTOCOL", e.Code);
        Assert.Equal("Protocol \"https:\" not supported. Expected \"http:\"", e.Message);
    }

    [Fact]
    public void HttpsRequest_HttpUrl_ThrowsInvalidProtocol()
    {
        var e = Assert.Throws<NodeHttpException>(() => NodeHttp.Https.Request("http://127.0.0.1:1/"));
        Assert.Equal("ERR_INVALID_PROTOCOL", e.Code);
        Assert.Equal("Protocol \"http:\" not supported. Expected \"https:\"", e.Message);
    }

    [Fact]
    public void HttpRequest_WithHttpsAgentAndNoProtocol_ThrowsAsNode()
    {
        // Node: the protocol defaults to http's global agent's, which is not the https agent's.
        var e = Assert.Throws<NodeHttpException>(() => NodeHttp.Http.Request(new RequestOptions { Host = "127.0.0.1", Port = 1, Agent = new HttpsAgent() }));
        Assert.Equal("Protocol \"http:\" not supported. Expected \"https:\"", e.Message);
    }

    [Fact]
    public void HttpsRequest_WithHttpAgent_ThrowsAsNode()
    {
        var e = Assert.Throws<NodeHttpException>(() => NodeHttp.Https.Request(new RequestOptions { Host = "127.0.0.1", Port = 1, Agent = new Agent() }));
        Assert.Equal("Protocol \"https:\" not supported. Expected \"http:\"", e.Message);
    }

    [Fact]
    public async Task HttpsRequest_Defaults_Port443AndHttpsProtocol()
    {
        string? protocol = null;
        string? host = null;
        await LoopRunner.RunAsync(() =>
        {
            // Nothing listens on 443 of this address: only the request's own fields are looked at.
            ClientRequest req = NodeHttp.Https.Request(new RequestOptions { Host = "127.0.0.1", UseAgent = false });
            req.On<Exception>("error", _ => { });
            protocol = req.Protocol;
            host = req.GetHeader("host").ToString();
            req.Destroy();
        });
        Assert.Equal("https:", protocol);
        Assert.Equal("127.0.0.1", host);
    }

    [Fact]
    public async Task HttpsAgent_CreateConnection_WithoutPort_ConnectsTo443()
    {
        string? remote = null;
        await LoopRunner.RunAsync(() =>
        {
            Socket socket = new HttpsAgent().CreateConnection(new RequestOptions { Host = "127.0.0.1" }, (_, _) => { })!;
            socket.On<Exception>("error", e => remote = (e as NodeHttpException)?.Port?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        // Nothing listens there: the refused connect names the port it tried.
        Assert.Equal("443", remote);
    }
}
