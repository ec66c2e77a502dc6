using NodeHttp;

// The HTTP tunnelling proxy of Node's http docs ('connect' event): CONNECT host:port opens a TCP connection to
// the origin and pipes both ways. To stay offline, the origin here is a local hello server, and the client is a
// raw socket that sends CONNECT, then a GET through the tunnel.
EventLoop.Run(() =>
{
    Server origin = Http.CreateServer((req, res) => res.End("hello from the origin\n"));

    Server proxy = Http.CreateServer((req, res) =>
    {
        res.WriteHead(200, [new("Content-Type", "text/plain")]);
        res.End("okay");
    });
    proxy.On<IncomingMessage, Socket, NodeBuffer>("connect", (req, clientSocket, head) =>
    {
        // req.Url is "host:port" for CONNECT.
        string[] target = req.Url!.Split(':');
        var originSocket = new Socket();
        originSocket.Connect(int.Parse(target[1], System.Globalization.CultureInfo.InvariantCulture), target[0], () =>
        {
            clientSocket.Write("HTTP/1.1 200 Connection Established\r\nProxy-agent: NodeHttp-Proxy\r\n\r\n");
            originSocket.Write(head);
            originSocket.Pipe(clientSocket);
            clientSocket.Pipe(originSocket);
        });
    });

    origin.Listen(0, "127.0.0.1", () =>
    {
        int originPort = origin.Address()!.Port;
        proxy.Listen(0, "127.0.0.1", () =>
        {
            Console.WriteLine($"proxy on 127.0.0.1:{proxy.Address()!.Port}, origin on 127.0.0.1:{originPort}");
            Socket client = Net.CreateConnection(proxy.Address()!.Port, "127.0.0.1", () => { });
            client.Write($"CONNECT 127.0.0.1:{originPort} HTTP/1.1\r\nHost: 127.0.0.1:{originPort}\r\n\r\n");
            bool connected = false;
            client.SetEncoding("latin1");
            client.On<string>("data", text =>
            {
                Console.Write(text);
                if (!connected && text.Contains("200 Connection Established", StringComparison.Ordinal))
                {
                    connected = true;
                    Console.WriteLine("got connected!");
                    client.Write($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{originPort}\r\nConnection: close\r\n\r\n");
                }
            });
            client.On("end", () =>
            {
                proxy.Close();
                origin.Close();
            });
        });
    });
});
