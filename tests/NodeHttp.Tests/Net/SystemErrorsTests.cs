namespace NodeHttp.Tests.Net;

/// <summary>The errno values and descriptions NodeHttp gives system errors are libuv's, as Node reports them.</summary>
public class SystemErrorsTests
{
    [Fact]
    public async Task Every_known_code_has_the_errno_and_description_Node_reports()
    {
        await using var node = NodePeer.Start("""
            for (const [errno, [name, text]] of require('util').getSystemErrorMap()) console.log(`${name}|${errno}|${text}`);
            console.log('done');
            """);
        await node.WaitLineAsync(l => l == "done");
        var nodeTable = node.Lines.Where(l => l != "done")
            .Select(l => l.Split('|'))
            .ToDictionary(p => p[0], p => (Errno: int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), Text: p[2]));

        foreach (var (code, errno, description) in SystemErrors.Known)
        {
            if (code == "ENOTFOUND")
            {
                // Node's dns names getaddrinfo's EAI_NONAME this way and keeps its errno.
                Assert.Equal(nodeTable["EAI_NONAME"].Errno, errno);
                continue;
            }
            Assert.True(nodeTable.ContainsKey(code), $"{code} is not a libuv code");
            Assert.Equal((code, nodeTable[code].Errno, nodeTable[code].Text), (code, errno, description));
        }
    }

    [Fact]
    public void Unsupported_socket_operation_is_ENOTSUP()
    {
        Assert.Equal("ENOTSUP", SystemErrors.CodeOf(System.Net.Sockets.SocketError.OperationNotSupported));
        NodeHttpException e = SystemErrors.Create("ENOTSUP", "listen", "0.0.0.0", 80, withDescription: true);
        Assert.Equal("listen ENOTSUP: operation not supported on socket 0.0.0.0:80", e.Message);
        Assert.Equal(-95, e.Errno);
    }
}
