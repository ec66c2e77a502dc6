using System.Net.Sockets;
using System.Text;

namespace NodeHttp.Tests.Http;

/// <summary>
/// A client pipelines a flood of requests and reads nothing for a while, then everything: the answers that waited
/// for the socket are released together, one after the other, without the server's stack growing with their number
/// (it overflowed, ending the process, with a few thousand of them).
/// </summary>
[Collection("Timing")]
public class HardeningPipelineReleaseTests
{
    private const int Requests = 200_000;

    [Fact]
    public async Task FloodReadLate_EveryRequestAnswered_ServerStillServes()
    {
        await using var server = await TestServer.StartAsync((req, res) => res.End("ok"));
        await FloodAndReadLateAsync(server, TimeSpan.FromSeconds(8));
    }

    // The server stops reading mid-way through a request head when the answers pile up; the headers timeout must not
    // count that time (Node pauses its parser between requests there), or the connection is cut with answers unread.
    [Fact]
    public async Task FloodReadLate_LongerThanHeadersTimeout_EveryRequestAnswered()
    {
        await using var server = await TestServer.StartAsync(
            (req, res) => res.End("ok"),
            new ServerOptions { HeadersTimeout = 1000, RequestTimeout = 2000, ConnectionsCheckingInterval = 100 });
        await FloodAndReadLateAsync(server, TimeSpan.FromSeconds(4));
    }

    private static async Task FloodAndReadLateAsync(TestServer server, TimeSpan unread)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", server.Port).WaitAsync(TestServer.Deadline);
        NetworkStream stream = client.GetStream();
        byte[] one = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray();
        byte[] flood = new byte[one.Length * Requests];
        for (int i = 0; i < Requests; i++)
        {
            one.CopyTo(flood, i * one.Length);
        }
        // Written while nothing is read for a while: the write completes only as the server takes requests. (With 2 s the
        // answers never piled up enough to show the recursion.)
        Task writing = stream.WriteAsync(flood).AsTask();
        await Task.Delay(unread);

        int answered = 0;
        byte[] buffer = new byte[256 * 1024];
        byte[] marker = "\r\n\r\nok"u8.ToArray();
        int carry = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (answered < Requests)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(carry), deadline.Token);
            Assert.True(n > 0, $"the server closed after {answered} of {Requests} answers");
            int end = carry + n;
            int at = 0;
            int found;
            while ((found = buffer.AsSpan(at, end - at).IndexOf(marker)) >= 0)
            {
                answered++;
                at += found + marker.Length;
            }
            // Keep a possibly cut marker for the next read.
            carry = Math.Min(marker.Length - 1, end - at);
            Array.Copy(buffer, end - carry, buffer, 0, carry);
        }
        await writing.WaitAsync(TestServer.Deadline);
        Assert.Equal(Requests, answered);
        Assert.Empty(server.Uncaught);
        string fresh = await ServerWireTests.ExchangeAsync(server.Port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1);
        Assert.EndsWith("\r\n\r\nok", fresh, StringComparison.Ordinal);
    }
}
