using System.Net.Sockets;
using System.Text;

namespace NodeHttp.Tests.Http;

/// <summary>Whole-body reads (<c>ReadAllAsync</c>, <c>TextAsync</c>) stop at their limit with <c>ERR_BODY_TOO_LARGE</c>
/// and do not buffer what is beyond it.</summary>
[Collection("Timing")]
public class AsyncBodyLimitTests
{
    [Fact]
    public async Task TextAsync_150MegabytePost_FailsAtTheDefaultLimit_WithoutBufferingTheBody()
    {
        const long BodyBytes = 150L * 1024 * 1024;
        var failure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            try
            {
                string text = await req.TextAsync();
                failure.TrySetException(new InvalidOperationException($"read {text.Length} chars"));
            }
            catch (Exception e)
            {
                failure.TrySetResult(e);
            }
        });

        GC.Collect();
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", server.Port);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: {BodyBytes}\r\n\r\n"));
        byte[] block = new byte[1024 * 1024];
        long sent = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (sent < BodyBytes)
            {
                await stream.WriteAsync(block, deadline.Token);
                sent += block.Length;
            }
        }
        catch (IOException)
        {
            // The server closed the connection once the limit was passed.
        }
        Exception error = await failure.Task.WaitAsync(TimeSpan.FromSeconds(30));
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        var nodeError = Assert.IsType<NodeHttpException>(error);
        Assert.Equal("ERR_BODY_TOO_LARGE", nodeError.Code);
        Assert.Contains((16 * 1024 * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture), nodeError.Message, StringComparison.Ordinal);
        Assert.True(sent < BodyBytes, $"the server read the whole {BodyBytes} bytes");
        // The limit (16 MiB) and the chunks around it, twice over for the concatenation at most: far below the body.
        Assert.True(allocated < 64L * 1024 * 1024, $"{allocated / (1024 * 1024)} MiB allocated while refusing a {BodyBytes / (1024 * 1024)} MiB body");
    }

    [Fact]
    public async Task ReadAllAsync_ExactlyTheLimit_Passes_OneByteMore_Fails()
    {
        // The refusal destroys the connection and fails the read; the client can see the reset before the handler's
        // catch has run, so the code is awaited rather than read at once.
        var refused = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            try
            {
                NodeBuffer body = await req.ReadAllAsync(maxBytes: 10);
                res.End($"ok {body.Length}");
            }
            catch (NodeHttpException e)
            {
                refused.TrySetResult(e.Code);
            }
        });
        IncomingMessage ok = await NodeHttp.Http.RequestAsync(
            new RequestOptions { Host = "127.0.0.1", Port = server.Port, Method = "POST" }, Encoding.ASCII.GetBytes("0123456789")).Bounded();
        Assert.Equal("ok 10", await ok.TextAsync().Bounded());
        Assert.False(refused.Task.IsCompleted, "a body of exactly the limit was refused");

        var ex = await Assert.ThrowsAsync<NodeHttpException>(() => NodeHttp.Http.RequestAsync(
            new RequestOptions { Host = "127.0.0.1", Port = server.Port, Method = "POST", UseAgent = false }, Encoding.ASCII.GetBytes("0123456789X")).Bounded());
        Assert.Equal("ECONNRESET", ex.Code);
        Assert.Equal("ERR_BODY_TOO_LARGE", await refused.Task.Bounded());
    }
}
