using System.Diagnostics;
using System.Globalization;
using NodeHttp;

// NodeHttpClientBench <port> <requests> <inflight> [warmup]
// GETs http://127.0.0.1:<port>/ through a keep-alive Agent (MaxSockets = <inflight>), written as a Node program
// would be: <inflight> requests are started, and each response's 'end' starts the next one until <requests> have
// completed (with <inflight> = 1 that is a sequential loop). A warm-up of [warmup] requests (default: 10,000,
// or <requests> if fewer) runs first on the same agent. Prints "<requests> <seconds> <req/s> <allocated bytes/request>".
// With BENCH_CA=<file.pem> set: https://127.0.0.1:<port>/ through a keep-alive HttpsAgent that trusts that certificate
// (Https.Get, sessions verified as a Node user's https.Agent({ ca }) verifies them).
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: NodeHttpClientBench <port> <requests> <inflight> [warmup]");
    return 2;
}
int port = int.Parse(args[0], CultureInfo.InvariantCulture);
int total = int.Parse(args[1], CultureInfo.InvariantCulture);
int inFlight = int.Parse(args[2], CultureInfo.InvariantCulture);
int warmup = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : Math.Min(total, 10000);
string? caFile = Environment.GetEnvironmentVariable("BENCH_CA");
string? ca = string.IsNullOrEmpty(caFile) ? null : File.ReadAllText(caFile);

using AllocationSampler? sampler = Environment.GetEnvironmentVariable("ALLOC_SAMPLE") == "1" ? new AllocationSampler() : null;
double seconds = 0;
long allocated = 0;
int failures = 0;
EventLoop.Run(() =>
{
    Agent agent = ca is null
        ? new Agent(new AgentOptions { KeepAlive = true, MaxSockets = inFlight })
        : new HttpsAgent(new HttpsAgentOptions { KeepAlive = true, MaxSockets = inFlight, Tls = new TlsOptions { Ca = ca } });

    // Runs one batch of `count` GETs with `inFlight` outstanding, then calls `done`.
    void Batch(int count, Action done)
    {
        int started = 0;
        int completed = 0;
        if (count == 0)
        {
            done();
            return;
        }
        void Next()
        {
            started++;
            var options = new RequestOptions { Host = "127.0.0.1", Port = port, Path = "/", Agent = agent };
            ClientRequest req = (ca is null ? Http.Get(options, OnResponse) : Https.Get(options, OnResponse));
            void OnResponse(IncomingMessage res)
            {
                if (res.StatusCode != 200)
                {
                    failures++;
                }
                res.On("end", () =>
                {
                    completed++;
                    if (started < count)
                    {
                        Next();
                    }
                    else if (completed == count)
                    {
                        done();
                    }
                });
                res.Resume();
            }
            req.On<Exception>("error", e =>
            {
                Console.Error.WriteLine("request error: " + e.Message);
                failures++;
                agent.Destroy();
            });
        }
        for (int i = 0; i < inFlight && i < count; i++)
        {
            Next();
        }
    }

    Batch(warmup, () =>
    {
        sampler?.Recording = true;
        long before = GC.GetTotalAllocatedBytes(true);
        var sw = Stopwatch.StartNew();
        Batch(total, () =>
        {
            seconds = sw.Elapsed.TotalSeconds;
            allocated = GC.GetTotalAllocatedBytes(true) - before;
            sampler?.Recording = false;
            agent.Destroy();
        });
    });
});
sampler?.Print(Console.Error);
if (failures > 0)
{
    Console.Error.WriteLine($"{failures} requests failed");
    return 1;
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total} {seconds:F3} {total / seconds:F0} {allocated / (double)total:F0}"));
return 0;
