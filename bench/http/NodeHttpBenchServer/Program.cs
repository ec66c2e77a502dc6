using System.Globalization;
using NodeHttp;
using NodeHttpBenchServer;

// NodeHttpBenchServer <port>                      — the benchmark server on 127.0.0.1:<port>, one event loop.
// NodeHttpBenchServer --measure-alloc [requests]  — bytes allocated per keep-alive hello request (see AllocationProbe).
if (args.Length >= 1 && args[0] == "--measure-alloc")
{
    int requests = args.Length >= 2 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100_000;
    return AllocationProbe.Run(requests);
}
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: NodeHttpBenchServer <port> | NodeHttpBenchServer --measure-alloc [requests]");
    return 2;
}
int port = int.Parse(args[0], CultureInfo.InvariantCulture);
EventLoop.Run(() =>
{
    Server server = BenchServer.Create();
    server.On<Exception>(HttpEvents.Error, error => Console.Error.WriteLine("server error: " + error.Message));
    server.Listen(port, "127.0.0.1", () => Console.WriteLine("listening " + server.Address()!.Port));
});
return 0;
