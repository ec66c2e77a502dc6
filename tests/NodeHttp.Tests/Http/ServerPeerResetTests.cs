using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NodeHttp.Tests.Http;

public class ServerPeerResetTests
{
    // A client that resets its connection (RST) while a response is still being written: in Node the write
    // error is the socket's ('clientError' / socket 'error'), never an unhandled 'error' on the response, and the
    // server goes on serving. This is what wrk does at the end of a pipelined run.
    [Fact]
    public async Task PeerResetDuringAResponse_IsNotUncaught_AndTheServerGoesOn()
    {
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync((req, res) =>
        {
            if (req.Url == "/big")
            {
                res.On("close", () => closed.TrySetResult());
                var chunk = new byte[64 * 1024];
                void Pump()
                {
                    while (!res.WritableEnded && !res.Destroyed)
                    {
                        if (!res.Write(chunk))
                        {
                            res.Once("drain", Pump);
                            return;
                        }
                    }
                }
                Pump();
                return;
            }
            res.End("ok");
        });

        using (var client = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await client.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port)).WaitAsync(TestServer.Deadline);
            await client.SendAsync(Encoding.ASCII.GetBytes("GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /big HTTP/1.1\r\nHost: x\r\n\r\n")).WaitAsync(TestServer.Deadline);
            var buffer = new byte[16 * 1024];
            int got = 0;
            while (got < 256 * 1024)
            {
                int n = await client.ReceiveAsync(buffer.AsMemory(), SocketFlags.None).AsTask().WaitAsync(TestServer.Deadline);
                Assert.True(n > 0, "the server closed before sending the body");
                got += n;
            }
            client.LingerState = new LingerOption(true, 0); // close with RST
        }

        await closed.Task.WaitAsync(TestServer.Deadline);
        await using var next = await server.ConnectAsync();
        await next.SendAsync("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        string response = await next.ReadResponseAsync();
        Assert.StartsWith("HTTP/1.1 200 OK", response);
        Assert.EndsWith("ok", response);
        Assert.Empty(server.Uncaught);
    }
}
