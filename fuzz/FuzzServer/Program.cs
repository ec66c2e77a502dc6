using System.Globalization;
using System.Text;
using System.Text.Json;
using NodeHttp;

// FuzzServer <port> [--lenient] [--upgrade]
// The target of scripts/fuzz-server.js and the attack scripts, the twin of scripts/fuzz-node-server.js: every
// request is read to its end and answered 200 with a JSON echo of its method, target, headers and body length;
// stdout gets "D <client address:port> <method and target, hex of their Latin-1 bytes>" when a request is dispatched and "E <client address:port>
// <body bytes>" when its body ended.
// --lenient sets StrictRequests = false (Node's acceptance); --upgrade adds an 'upgrade' listener that answers 101.
// Unhandled exceptions are printed with the marker "FUZZ-EXCEPTION" so a driver can count them.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: FuzzServer <port> [--lenient] [--upgrade]");
    return 2;
}
int port = int.Parse(args[0], CultureInfo.InvariantCulture);
bool lenient = args.Contains("--lenient");
bool upgrade = args.Contains("--upgrade");
AppDomain.CurrentDomain.UnhandledException += (_, e) => Console.Error.WriteLine("FUZZ-EXCEPTION unhandled " + e.ExceptionObject);
EventLoop.Run(() =>
{
    Server server = Http.CreateServer(new ServerOptions { StrictRequests = !lenient }, (req, res) =>
    {
        long bytes = 0;
        string peer = req.Socket?.RemoteAddress + ":" + req.Socket?.RemotePort;
        // One line per dispatched request and per completed body, keyed by the client's address and port: what the driver
        // compares with Node's server.
        Console.Out.Write("D " + peer + " " + Convert.ToHexStringLower(Encoding.Latin1.GetBytes(req.Method + " " + req.Url)) + "\n");
        if (req.Headers.ContainsKey("upgrade"))
        {
            // The request asked for an Upgrade nobody takes: the driver compares what follows it apart.
            Console.Out.Write("U " + peer + " 1\n");
        }
        req.On<NodeBuffer>("data", chunk => bytes += chunk.Length);
        req.On("end", () =>
        {
            Console.Out.Write("E " + peer + " " + bytes + "\n");
            var headers = new Dictionary<string, string>();
            foreach (var pair in req.Headers)
            {
                headers[pair.Key] = pair.Value.ToString();
            }
            string body = JsonSerializer.Serialize(new { m = req.Method, u = req.Url, h = headers, n = bytes });
            res.SetHeader("Content-Type", "application/json");
            res.End(Encoding.UTF8.GetBytes(body));
        });
        req.On<Exception>("error", _ => { });
    });
    // Node 20's server keeps 1000 request headers when maxHeadersCount is not set (see docs/differences.md).
    server.MaxHeadersCount = 1000;
    if (upgrade)
    {
        server.On<IncomingMessage, Socket, NodeBuffer>(HttpEvents.Upgrade, (req, socket, head) =>
            socket.End(Encoding.Latin1.GetBytes("HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: fuzz\r\n\r\n")));
    }
    server.On<Exception>(HttpEvents.Error, error => Console.Error.WriteLine("FUZZ-EXCEPTION server error " + error));
    server.Listen(port, "127.0.0.1", () => Console.WriteLine("listening " + server.Address()!.Port));
});
return 0;
