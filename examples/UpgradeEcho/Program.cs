using NodeHttp;

// The upgrade example of Node's http docs: the server answers an Upgrade request with 101 and echoes what the
// client sends on the upgraded socket. The client here is a raw socket.
EventLoop.Run(() =>
{
    Server server = Http.CreateServer((req, res) =>
    {
        res.WriteHead(200, [new("Content-Type", "text/plain")]);
        res.End("okay");
    });
    server.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (req, socket, head) =>
    {
        socket.Write("HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n\r\n");
        socket.Pipe(socket); // echo back
    });

    server.Listen(0, "127.0.0.1", () =>
    {
        int port = server.Address()!.Port;
        var client = new Socket();
        client.Connect(port, "127.0.0.1", () =>
            client.Write($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"));
        client.SetEncoding("latin1");
        bool upgraded = false;
        client.On<string>("data", text =>
        {
            if (!upgraded)
            {
                upgraded = true;
                Console.Write(text);
                Console.WriteLine("got upgraded!");
                client.Write("echo me");
                return;
            }
            Console.WriteLine("echoed: " + text);
            client.End();
            server.Close();
        });
    });
});
