using System.Text.Json;

namespace NodeHttp.Tests.Https;

/// <summary><see cref="HttpsAgent.GetName"/> against Node's <c>new https.Agent().getName(options)</c>, run on the same options.</summary>
public class HttpsAgentNameTests
{
    // Each case: the options as Node's object literal, and the same options for NodeHttp.
    private static readonly (string Node, Func<RequestOptions?> Ours)[] Cases =
    [
        ("undefined", () => null),
        ("{}", () => new RequestOptions()),
        ("{ host: 'example.com', port: 8443 }", () => new RequestOptions { Host = "example.com", Port = 8443 }),
        ("{ host: 'h', port: 443, ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM', ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256', rejectUnauthorized: false, servername: 'sni.example', minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3', localAddress: '127.0.0.2', family: 4 }",
            () => new RequestOptions
            {
                Host = "h", Port = 443, Ca = "CA-PEM", Cert = "CERT-PEM", Key = "KEY-PEM", Ciphers = "ECDHE-ECDSA-AES128-GCM-SHA256",
                RejectUnauthorized = false, Servername = "sni.example", MinVersion = "TLSv1.2", MaxVersion = "TLSv1.3",
                LocalAddress = "127.0.0.2", Family = 4,
            }),
        ("{ host: 'h', rejectUnauthorized: true }", () => new RequestOptions { Host = "h", RejectUnauthorized = true }),
        // A servername equal to the host is left out of the key.
        ("{ host: 'same.example', servername: 'same.example' }", () => new RequestOptions { Host = "same.example", Servername = "same.example" }),
        ("{ host: 'h', socketPath: '/tmp/s.sock' }", () => new RequestOptions { Host = "h", SocketPath = "/tmp/s.sock" }),
    ];

    [Fact]
    public async Task GetName_MatchesNodeHttpsAgent()
    {
        string script = "const https = require('https');\nconst agent = new https.Agent();\n"
            + string.Concat(Cases.Select(c => "console.log(JSON.stringify(agent.getName(" + c.Node + ")));\n"));
        await using NodePeer node = NodePeer.Start(script);
        Assert.Equal(0, await node.WaitExitAsync());
        IReadOnlyList<string> expected = node.Lines.Select(l => JsonSerializer.Deserialize<string>(l)!).ToArray();
        var agent = new HttpsAgent();
        string[] actual = Cases.Select(c => agent.GetName(c.Ours())).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void GetName_AgentTlsOptionsWinOverTheRequests()
    {
        // Node's addRequest names { ...options, ...agent.options }: "h:1::AGENTCA::::::false:::::::::::::".
        var agent = new HttpsAgent(new HttpsAgentOptions { Tls = new TlsOptions { Ca = "AGENTCA" } });
        string name = agent.GetName(new RequestOptions { Host = "h", Port = 1, Ca = "REQCA", RejectUnauthorized = false });
        Assert.Equal("h:1::AGENTCA::::::false:::::::::::::", name);
    }

    [Fact]
    public void ServernameOf_TakesTheHostHeaderAndDropsIpAddresses()
    {
        Assert.Equal("example.com", HttpsAgent.ServernameOf(new RequestOptions { Host = "127.0.0.1", Headers = [new("Host", "example.com:99")] }));
        Assert.Equal("", HttpsAgent.ServernameOf(new RequestOptions { Host = "127.0.0.1", Headers = [new("host", "[::1]:5")] }));
        Assert.Equal("", HttpsAgent.ServernameOf(new RequestOptions { Host = "127.0.0.1" }));
        Assert.Equal("localhost", HttpsAgent.ServernameOf(new RequestOptions()));
        Assert.Equal("h.example", HttpsAgent.ServernameOf(new RequestOptions { Host = "x", Hostname = "h.example" }));
    }

    [Fact]
    public void Agent_IsNodesHttpsAgent()
    {
        var agent = new HttpsAgent();
        Assert.Equal(443, agent.DefaultPort);
        Assert.Equal("https:", agent.Protocol);
        Assert.Equal(100, agent.MaxCachedSessions);
        Assert.Equal(0, new HttpsAgent(new HttpsAgentOptions { MaxCachedSessions = 0 }).MaxCachedSessions);
        Assert.True(NodeHttp.Https.GlobalAgent.KeepAlive);
        Assert.Equal(5000, NodeHttp.Https.GlobalAgent.Timeout);
    }
}
