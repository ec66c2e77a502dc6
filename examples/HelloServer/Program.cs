using NodeHttp;

// A TCP echo server on 127.0.0.1:8080, written as with Node's net module:
//   net.createServer(socket => socket.pipe(socket)).listen(8080, '127.0.0.1')
// Try it with: nc 127.0.0.1 8080
int port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8080;

EventLoop.Run(() =>
{
    NetServer server = Net.CreateServer(socket =>
    {
        socket.On<Exception>("error", error => Console.Error.WriteLine("socket error: " + error.Message));
        socket.Pipe(socket);
    });
    server.On<Exception>("error", error => Console.Error.WriteLine("server error: " + error.Message));
    server.Listen(port, "127.0.0.1", () => Console.WriteLine($"echo server listening on 127.0.0.1:{server.Address()!.Port}"));
});
