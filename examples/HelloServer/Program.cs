using NodeHttp;

// The hello-world server of Node's http docs, on 127.0.0.1:8080:
//   http.createServer((req, res) => { res.setHeader('Content-Type', 'text/plain'); res.end('Hello, World!'); })
//       .listen(8080, '127.0.0.1');
// Try it with: curl -i http://127.0.0.1:8080/
int port = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 8080;

EventLoop.Run(() =>
{
    Server server = Http.CreateServer((req, res) =>
    {
        res.SetHeader("Content-Type", "text/plain");
        res.End("Hello, World!");
    });
    server.On<Exception>("error", error => Console.Error.WriteLine("server error: " + error.Message));
    server.Listen(port, "127.0.0.1", () => Console.WriteLine($"listening on http://127.0.0.1:{server.Address()!.Port}/"));
});
