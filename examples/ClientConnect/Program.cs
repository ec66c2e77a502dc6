// The CONNECT tunnelling proxy of Node's http docs. The docs tunnel to www.google.com:80; here the far end is a
// local origin server so the example runs offline.
using NodeHttp;

EventLoop.Run(() =>
{
    NetServer origin = Net.CreateServer(s => s.On<NodeBuffer>("data", _ =>
        s.End("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nConnection: close\r\n\r\nHello, World!")));
    origin.Listen(0, "127.0.0.1", NetServer.DefaultBacklog, () =>
    {
        int originPort = origin.Address()!.Port;

        // Create an HTTP tunneling proxy
        var proxy = Http.CreateServer((req, res) =>
        {
            res.WriteHead(200, new Dictionary<string, Microsoft.Extensions.Primitives.StringValues> { ["Content-Type"] = "text/plain" });
            res.End("okay");
        });
        proxy.On<IncomingMessage, Socket, NodeBuffer>("connect", (req, clientSocket, head) =>
        {
            // Connect to an origin server
            string[] parts = req.Url!.Split(':');
            Socket serverSocket = null!;
            serverSocket = Net.Connect(int.Parse(parts[1]), parts[0], () =>
            {
                clientSocket.Write("HTTP/1.1 200 Connection Established\r\n" +
                                   "Proxy-agent: Node.js-Proxy\r\n" +
                                   "\r\n");
                serverSocket.Write(head);
                serverSocket.Pipe(clientSocket);
                clientSocket.Pipe(serverSocket);
            });
        });

        // Now that proxy is running
        proxy.Listen(1337, "127.0.0.1", () =>
        {
            // Make a request to a tunneling proxy
            var options = new RequestOptions
            {
                Port = 1337,
                Host = "127.0.0.1",
                Method = "CONNECT",
                Path = $"127.0.0.1:{originPort}",
            };
            ClientRequest req = Http.Request(options);
            req.End();
            req.On<IncomingMessage, Socket, NodeBuffer>("connect", (res, socket, head) =>
            {
                Console.WriteLine("got connected!");
                // Make a request over an HTTP tunnel
                socket.Write("GET / HTTP/1.1\r\n" +
                             $"Host: 127.0.0.1:{originPort}\r\n" +
                             "Connection: close\r\n" +
                             "\r\n");
                socket.On<NodeBuffer>("data", chunk => Console.WriteLine(chunk.ToString()));
                socket.On("end", () =>
                {
                    proxy.Close();
                    origin.Close();
                });
            });
        });
    });
});
