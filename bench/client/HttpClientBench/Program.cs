using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

// HttpClientBench <port> <requests> <inflight> [warmup]
// GETs http://127.0.0.1:<port>/ with HttpClient over SocketsHttpHandler (pooled keep-alive connections,
// MaxConnectionsPerServer = <inflight>): <inflight> workers each loop GetAsync + reading the body until
// <requests> have completed (<inflight> = 1 is a sequential loop). A warm-up of [warmup] requests (default:
// 10,000, or <requests> if fewer) runs first on the same client. Prints "<requests> <seconds> <req/s> <allocated bytes/request>".
// With BENCH_CA=<file.pem> set: https://127.0.0.1:<port>/, the server's certificate verified against that one.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: HttpClientBench <port> <requests> <inflight> [warmup]");
    return 2;
}
int port = int.Parse(args[0], CultureInfo.InvariantCulture);
int total = int.Parse(args[1], CultureInfo.InvariantCulture);
int inFlight = int.Parse(args[2], CultureInfo.InvariantCulture);
int warmup = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : Math.Min(total, 10000);
string? caFile = Environment.GetEnvironmentVariable("BENCH_CA");
bool tls = !string.IsNullOrEmpty(caFile);
string url = $"{(tls ? "https" : "http")}://127.0.0.1:{port}/";

using var handler = new SocketsHttpHandler
{
    MaxConnectionsPerServer = inFlight,
    PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
    PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
    UseProxy = false,
    AllowAutoRedirect = false,
    UseCookies = false,
};
if (tls)
{
    var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
    policy.CustomTrustStore.ImportFromPemFile(caFile!);
    handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
}
using var client = new HttpClient(handler);
int failures = 0;

async Task Batch(int count)
{
    int remaining = count;
    async Task Worker()
    {
        while (Interlocked.Decrement(ref remaining) >= 0)
        {
            using HttpResponseMessage response = await client.GetAsync(url).ConfigureAwait(false);
            byte[] body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
            if (response.StatusCode != System.Net.HttpStatusCode.OK || body.Length == 0)
            {
                Interlocked.Increment(ref failures);
            }
        }
    }
    var workers = new Task[Math.Min(inFlight, count)];
    for (int i = 0; i < workers.Length; i++)
    {
        workers[i] = Task.Run(Worker);
    }
    await Task.WhenAll(workers).ConfigureAwait(false);
}

await Batch(warmup).ConfigureAwait(false);
long before = GC.GetTotalAllocatedBytes(true);
var sw = Stopwatch.StartNew();
await Batch(total).ConfigureAwait(false);
double seconds = sw.Elapsed.TotalSeconds;
long allocated = GC.GetTotalAllocatedBytes(true) - before;
if (failures > 0)
{
    Console.Error.WriteLine($"{failures} requests failed");
    return 1;
}
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total} {seconds:F3} {total / seconds:F0} {allocated / (double)total:F0}"));
return 0;
