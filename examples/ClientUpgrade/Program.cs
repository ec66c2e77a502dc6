// The 'upgrade' example of Node's http docs: a server that switches protocol and echoes, and a client that asks.
using Microsoft.Extensions.Primitives;
using NodeHttp;

EventLoop.Run(() =>
{
    var server = Http.CreateServer((req, res) =>
    {
        res.WriteHead(200, new Dictionary<string, StringValues> { ["Content-Type"] = "text/plain" });
        res.End("okay");
    });
    server.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (req, socket, head) =>
    {
        socket.Write("HTTP/1.1 101 Web Socket Protocol Handshake\r\n" +
                     "Upgrade: WebSocket\r\n" +
                     "Connection: Upgrade\r\n" +
                     "\r\n");
        socket.Pipe(socket); // echo back
    });
    server.Listen(1337, "127.0.0.1", () =>
    {
        var options = new RequestOptions
        {
            Port = 1337,
            Host = "127.0.0.1",
            Headers = new Dictionary<string, StringValues> { ["Connection"] = "Upgrade", ["Upgrade"] = "websocket" },
        };
        ClientRequest req = Http.Request(options);
        req.End();
        req.On<IncomingMessage, Socket, NodeBuffer>("upgrade", (res, socket, upgradeHead) =>
        {
            Console.WriteLine("got upgraded!");
            socket.End();
            server.Close();
        });
    });
});
