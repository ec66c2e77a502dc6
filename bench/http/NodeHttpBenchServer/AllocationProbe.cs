using System.Diagnostics.Tracing;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NodeHttp;

namespace NodeHttpBenchServer;

/// <summary>
/// <c>--measure-alloc</c>: runs the bench server on its own loop thread in this process and drives it over loopback with
/// one raw-socket keep-alive client that allocates nothing per request (fixed request bytes, fixed-size response read
/// into a reused buffer). After a warm-up it reports, per request, the bytes allocated on the loop thread
/// (<see cref="GC.GetAllocatedBytesForCurrentThread"/> read on the loop) and in the whole process minus the client
/// thread (<see cref="GC.GetTotalAllocatedBytes(bool)"/>, precise), once with one request in flight and once with
/// 16 pipelined per write. A third pass samples the runtime's GC AllocationTick events (one per ~100 KB allocated,
/// naming the type being allocated) to split the bytes by type.
/// </summary>
public static class AllocationProbe
{
    /// <summary>Runs the probe with <paramref name="requests"/> measured requests per mode; returns the exit code.</summary>
    public static int Run(int requests)
    {
        using var loop = new EventLoop();
        Server server = null!;
        loop.InvokeAsync(() =>
        {
            server = BenchServer.Create();
            return server.ListenAsync(0, "127.0.0.1");
        }).GetAwaiter().GetResult();
        int port = loop.InvokeAsync(() => server.Address()!.Port).GetAwaiter().GetResult();

        using var client = new Client(port);
        Console.WriteLine($"response size {client.ResponseLength} B; warming up");
        client.Run(50_000, 1);
        client.Run(50_000, 16);

        Console.WriteLine($"{requests} requests per mode, after 100k warm-up requests");
        Console.WriteLine("mode            loop thread B/req  process B/req  gen0 GCs");
        foreach (int depth in new[] { 1, 16 })
        {
            long loopBefore = LoopBytes(loop);
            long clientBefore = GC.GetAllocatedBytesForCurrentThread();
            long totalBefore = GC.GetTotalAllocatedBytes(precise: true);
            int gen0Before = GC.CollectionCount(0);
            client.Run(requests, depth);
            long totalAfter = GC.GetTotalAllocatedBytes(precise: true);
            long clientAfter = GC.GetAllocatedBytesForCurrentThread();
            long loopAfter = LoopBytes(loop);
            int gen0 = GC.CollectionCount(0) - gen0Before;
            // the two LoopBytes probes allocate a little on the loop thread themselves; negligible over 100k requests
            double loopPer = (double)(loopAfter - loopBefore) / requests;
            double processPer = (double)(totalAfter - totalBefore - (clientAfter - clientBefore)) / requests;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(depth == 1 ? "keep-alive" : "pipelined x16"),-15} {loopPer,17:F1}  {processPer,13:F1}  {gen0,8}"));
        }

        Console.WriteLine();
        Console.WriteLine("allocation by type (sampled: GC AllocationTick, ~100 KB per sample; keep-alive and pipelined passes)");
        using (var listener = new AllocationListener())
        {
            client.Run(requests, 1);
            client.Run(requests, 16);
            listener.Print(2L * requests);
        }

        loop.InvokeAsync(() => server.CloseAllConnections()).GetAwaiter().GetResult();
        return 0;
    }

    private static long LoopBytes(EventLoop loop) =>
        loop.InvokeAsync(() => GC.GetAllocatedBytesForCurrentThread()).GetAwaiter().GetResult();

    /// <summary>A blocking keep-alive client with preallocated request and response buffers.</summary>
    private sealed class Client : IDisposable
    {
        private readonly System.Net.Sockets.Socket socket;
        private readonly byte[] batch;
        private readonly byte[] receive;

        public Client(int port)
        {
            socket = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
            byte[] one = Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n");
            RequestLength = one.Length;
            batch = new byte[one.Length * 16];
            for (int i = 0; i < 16; i++)
            {
                one.CopyTo(batch, i * one.Length);
            }
            receive = new byte[64 * 1024];
            ResponseLength = FirstResponse();
        }

        public int RequestLength { get; }

        public int ResponseLength { get; }

        /// <summary>Sends <paramref name="count"/> requests, <paramref name="depth"/> per write, reading every response.</summary>
        public void Run(int count, int depth)
        {
            for (int done = 0; done < count; done += depth)
            {
                socket.Send(batch, 0, RequestLength * depth, SocketFlags.None);
                ReadExactly(ResponseLength * depth);
            }
        }

        private void ReadExactly(int length)
        {
            int read = 0;
            while (read < length)
            {
                int n = socket.Receive(receive, 0, Math.Min(receive.Length, length - read), SocketFlags.None);
                if (n == 0)
                {
                    throw new InvalidOperationException("server closed the connection");
                }
                read += n;
            }
        }

        private int FirstResponse()
        {
            socket.Send(batch, 0, RequestLength, SocketFlags.None);
            int read = 0;
            while (true)
            {
                read += socket.Receive(receive, read, receive.Length - read, SocketFlags.None);
                string text = Encoding.ASCII.GetString(receive, 0, read);
                if (text.EndsWith("\r\n\r\nHello, World!", StringComparison.Ordinal))
                {
                    return read;
                }
            }
        }

        public void Dispose() => socket.Dispose();
    }

    /// <summary>Collects GCAllocationTick events (event 10 of the runtime provider): type name and bytes since the last tick.</summary>
    private sealed class AllocationListener : EventListener
    {
        private readonly Dictionary<string, long> bytesByType = new();
        private long total;

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, (EventKeywords)0x1);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventId != 10 || eventData.Payload is null)
            {
                return;
            }
            int nameIndex = eventData.PayloadNames!.IndexOf("TypeName");
            int amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
            if (nameIndex < 0 || amountIndex < 0)
            {
                return;
            }
            string name = eventData.Payload[nameIndex] as string ?? "?";
            long amount = Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture);
            lock (bytesByType)
            {
                bytesByType[name] = bytesByType.GetValueOrDefault(name) + amount;
                total += amount;
            }
        }

        public void Print(long requests)
        {
            Thread.Sleep(500); // let the dispatcher deliver the last events
            lock (bytesByType)
            {
                Console.WriteLine($"  {"type",-70} {"~B/req",8} {"share",6}");
                foreach (KeyValuePair<string, long> entry in bytesByType.OrderByDescending(e => e.Value).Take(25))
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  {Trim(entry.Key),-70} {(double)entry.Value / requests,8:F1} {100.0 * entry.Value / Math.Max(1, total),5:F1}%"));
                }
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {"(all sampled)",-70} {(double)total / requests,8:F1}"));
            }
        }

        private static string Trim(string name) => name.Length <= 70 ? name : name[..67] + "...";
    }
}
