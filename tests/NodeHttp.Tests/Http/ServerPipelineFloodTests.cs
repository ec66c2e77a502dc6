using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NodeHttp.Tests.Http;

/// <summary>
/// A client that pipelines requests and never reads the responses (as in Node's
/// test-http-pipeline-flood.js): the server stops reading from it once the answers pile up, so it parses a bounded
/// number of requests and holds a bounded amount of memory, keeps serving other connections meanwhile, and lets
/// go of everything when the client leaves.
/// </summary>
[Collection("Timing")]
public class ServerPipelineFloodTests
{
    private const int RequestsOffered = 1_000_000;

    [Fact]
    public async Task PipelinedRequestsNobodyReads_StopBeingParsed_MemoryStaysBounded_OthersAreServed()
    {
        long handled = 0;
        int open = 0;
        await using TestServer server = await TestServer.StartAsync((req, res) =>
        {
            Interlocked.Increment(ref handled);
            res.SetHeader("Content-Type", "text/plain");
            res.End("Hello, World! Hello, World! Hello, World!");
        }, configure: s => s.On<Socket>("connection", socket =>
        {
            Interlocked.Increment(ref open);
            socket.On("close", () => Interlocked.Decrement(ref open));
        }));
        long baseline = SettledManagedBytes();

        using var flood = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
        {
            ReceiveBufferSize = 4096,
            SendTimeout = 1000,
        };
        flood.Connect(new IPEndPoint(IPAddress.Loopback, server.Port));
        byte[] request = Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        const int PerBlock = 512;
        byte[] block = new byte[request.Length * PerBlock];
        for (int i = 0; i < PerBlock; i++)
        {
            request.CopyTo(block, i * request.Length);
        }

        // Send until the 1,000,000 requests are out or the server stops taking them (the send blocks past its timeout).
        long offered = 0;
        var writer = Task.Run(() =>
        {
            try
            {
                while (offered < RequestsOffered)
                {
                    flood.Send(block);
                    offered += PerBlock;
                }
            }
            catch (SocketException)
            {
                // Send timed out: the server's and the kernel's buffers are full, nobody reads.
            }
        });
        Assert.True(await Task.WhenAny(writer, Task.Delay(TimeSpan.FromSeconds(60))) == writer, "the flooding client never blocked");
        Assert.True(offered < RequestsOffered, $"the server read all {offered} requests of a client that reads nothing");

        // The server answers what it read until the kernel's buffers toward the client are full too (megabytes, the
        // kernel grows them as it goes); then nothing more is parsed while the client stays.
        long settled = Interlocked.Read(ref handled);
        var settling = Stopwatch.StartNew();
        var still = Stopwatch.StartNew();
        while (still.Elapsed < TimeSpan.FromSeconds(1.5) && settling.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(250);
            long now = Interlocked.Read(ref handled);
            if (now != settled)
            {
                settled = now;
                still.Restart();
            }
        }
        await Task.Delay(1000);
        Assert.Equal(settled, Interlocked.Read(ref handled));
        Assert.True(settled < offered, $"{settled} of {offered} requests parsed");

        long during = SettledManagedBytes();
        Assert.True(during - baseline < 32L << 20, $"server holds {(during - baseline) >> 20} MiB more while flooded ({settled} requests parsed)");

        // Another connection is served meanwhile.
        await using (RawConnection other = await server.ConnectAsync())
        {
            await other.SendAsync("GET /other HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 200 OK", await other.ReadToEndAsync());
        }

        // The client leaves: its requests and answers go with it.
        flood.Close();
        var watch = Stopwatch.StartNew();
        while (Volatile.Read(ref open) > 0 && watch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }
        Assert.Equal(0, Volatile.Read(ref open));
        long after = SettledManagedBytes();
        Assert.True(after - baseline < 8L << 20, $"server still holds {(after - baseline) >> 20} MiB after the client left");
    }

    private static long SettledManagedBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
