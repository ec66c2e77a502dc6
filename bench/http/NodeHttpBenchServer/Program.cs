using System.Globalization;
using NodeHttp;
using NodeHttpBenchServer;

// NodeHttpBenchServer <port> [--tls cert.pem key.pem] — the benchmark server on 127.0.0.1:<port>, one event loop
//                                                     (--tls: over TLS with that certificate, Https.CreateServer).
// NodeHttpBenchServer --measure-alloc [requests]  — bytes allocated per keep-alive hello request (see AllocationProbe).
// NODEHTTP_BENCH_TELEMETRY=1: with listeners on every NodeHttp instrument and span (see TelemetrySwitch).
if (args.Length >= 1 && args[0] == "--measure-alloc")
{
    int requests = args.Length >= 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
    return AllocationProbe.Run(requests);
}
if (!(args.Length == 1 || (args.Length == 4 && args[1] == "--tls")))
{
    Console.Error.WriteLine("usage: NodeHttpBenchServer <port> [--tls cert.pem key.pem] | NodeHttpBenchServer --measure-alloc [requests]");
    return 2;
}
int port = int.Parse(args[0], CultureInfo.InvariantCulture);
HttpsServerOptions? tls = args.Length == 4 ? new HttpsServerOptions { Cert = File.ReadAllText(args[2]), Key = File.ReadAllText(args[3]) } : null;
using IDisposable? telemetry = TelemetrySwitch.StartIfAsked();
EventLoop.Run(() =>
{
    Server server = BenchServer.Create(tls);
    server.On<Exception>(HttpEvents.Error, error => Console.Error.WriteLine("server error: " + error.Message));
    server.Listen(port, "127.0.0.1", () => Console.WriteLine("listening " + server.Address()!.Port));
});
return 0;
