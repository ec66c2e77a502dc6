using System.Net;
using System.Net.Sockets;
using System.Text;
using BenchmarkDotNet.Attributes;

namespace NodeHttp.Benchmarks.Http;

/// <summary>
/// Steady-state cost of one keep-alive request/response through the real server over loopback: a hello server
/// (<c>res.SetHeader("Content-Type", "text/plain"); res.End("Hello, World!")</c>) runs on its own
/// <see cref="EventLoop"/> thread in this process, and the benchmark thread is a raw blocking socket client that
/// allocates nothing (fixed request bytes, fixed-size response read into a reused buffer). BenchmarkDotNet's
/// <c>[MemoryDiagnoser]</c> reads <see cref="GC.GetTotalAllocatedBytes(bool)"/>, which counts every thread, so
/// Allocated is what the server (loop thread plus anything it hands to other threads) allocates per request.
/// </summary>
[MemoryDiagnoser]
public class ServerAllocationBenchmarks
{
    private const int KeepAliveRequests = 100;
    private const int PipelineDepth = 16;
    private const int PipelinedBatches = 10;

    private EventLoop loop = null!;
    private Server server = null!;
    private System.Net.Sockets.Socket client = null!;
    private byte[] batch = null!;
    private byte[] receive = null!;
    private int requestLength;
    private int responseLength;

    [GlobalSetup]
    public void Setup()
    {
        loop = new EventLoop();
        loop.InvokeAsync(() =>
        {
            server = NodeHttp.Http.CreateServer((req, res) =>
            {
                res.SetHeader("Content-Type", "text/plain");
                res.End("Hello, World!");
            });
            return server.ListenAsync(0, "127.0.0.1");
        }).GetAwaiter().GetResult();
        int port = loop.InvokeAsync(() => server.Address()!.Port).GetAwaiter().GetResult();

        client = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        byte[] one = Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
        requestLength = one.Length;
        batch = new byte[one.Length * PipelineDepth];
        for (int i = 0; i < PipelineDepth; i++)
        {
            one.CopyTo(batch, i * one.Length);
        }
        receive = new byte[64 * 1024];

        // The first response tells the size of every later one (the Date header has a fixed width).
        client.Send(batch, 0, requestLength, SocketFlags.None);
        int read = 0;
        while (!Encoding.ASCII.GetString(receive, 0, read).EndsWith("\r\n\r\nHello, World!", StringComparison.Ordinal))
        {
            read += client.Receive(receive, read, receive.Length - read, SocketFlags.None);
        }
        responseLength = read;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        client.Dispose();
        loop.InvokeAsync(() => server.CloseAllConnections()).GetAwaiter().GetResult();
        loop.Dispose();
    }

    /// <summary>One request in flight: send, read the whole response, repeat (per-op figures are per request).</summary>
    [Benchmark(OperationsPerInvoke = KeepAliveRequests)]
    public void KeepAlive()
    {
        for (int i = 0; i < KeepAliveRequests; i++)
        {
            client.Send(batch, 0, requestLength, SocketFlags.None);
            ReadExactly(responseLength);
        }
    }

    /// <summary>16 requests per write, all 16 responses read before the next write (per-op figures are per request).</summary>
    [Benchmark(OperationsPerInvoke = PipelineDepth * PipelinedBatches)]
    public void Pipelined16()
    {
        for (int i = 0; i < PipelinedBatches; i++)
        {
            client.Send(batch, 0, requestLength * PipelineDepth, SocketFlags.None);
            ReadExactly(responseLength * PipelineDepth);
        }
    }

    private void ReadExactly(int length)
    {
        int read = 0;
        while (read < length)
        {
            int n = client.Receive(receive, 0, Math.Min(receive.Length, length - read), SocketFlags.None);
            if (n == 0)
            {
                throw new InvalidOperationException("server closed the connection");
            }
            read += n;
        }
    }
}
