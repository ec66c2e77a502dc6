using NodeHttp;

// Receiving a POST body as the docs show it: the request is a readable stream; 'data' chunks arrive as they are
// read from the socket and 'end' follows the last one. The example uploads a chunked body to itself and exits.
EventLoop.Run(() =>
{
    Server server = Http.CreateServer((req, res) =>
    {
        long received = 0;
        req.On<NodeBuffer>("data", chunk => received += chunk.Length);
        req.On("end", () =>
        {
            Console.WriteLine($"server: {req.Method} {req.Url}, {received} bytes, content-type {req.Headers["content-type"]}");
            res.WriteHead(200, [new("Content-Type", "text/plain")]);
            res.End($"got {received} bytes\n");
        });
    });
    server.Listen(0, "127.0.0.1", () =>
    {
        var client = new Socket();
        client.Connect(server.Address()!.Port, "127.0.0.1", () =>
        {
            client.Write("POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
            for (int i = 0; i < 3; i++)
            {
                client.Write("6\r\npart" + i + "\n\r\n");
            }
            client.Write("0\r\n\r\n");
        });
        client.SetEncoding("latin1");
        client.On<string>("data", text => Console.Write(text));
        client.On("end", () => server.Close());
    });
});
