using NodeHttp;

// The 'clientError' example of Node's http docs: a malformed request is answered with a plain 400 by the
// listener, which then owns the socket. The example sends one bad request to itself and exits.
EventLoop.Run(() =>
{
    Server server = Http.CreateServer((req, res) => res.End("ok"));
    server.On<Exception, Socket>("clientError", (error, socket) =>
    {
        Console.WriteLine("clientError: " + ((NodeHttpException)error).Code);
        socket.End("HTTP/1.1 400 Bad Request\r\n\r\n");
    });
    server.Listen(0, "127.0.0.1", () =>
    {
        var client = new Socket();
        client.Connect(server.Address()!.Port, "127.0.0.1", () => client.Write("NOT HTTP\r\n\r\n"));
        client.SetEncoding("latin1");
        client.On<string>("data", text => Console.Write(text));
        client.On("end", () => server.Close());
    });
});
