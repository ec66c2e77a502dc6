using NodeHttp;

// response.addTrailers() from Node's http docs: a chunked response whose Content-MD5 is sent after the body.
// Try it with: curl --raw -i http://127.0.0.1:<port>/   (the example fetches itself once with a raw socket, then exits)
EventLoop.Run(() =>
{
    Server server = Http.CreateServer((req, res) =>
    {
        byte[] fileData = "the file's data\n"u8.ToArray();
        string md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(fileData));
        res.WriteHead(200, [new("Content-Type", "text/plain"), new("Trailer", "Content-MD5")]);
        res.Write(fileData);
        res.AddTrailers([new("Content-MD5", md5)]);
        res.End();
    });
    server.Listen(0, "127.0.0.1", () =>
    {
        int port = server.Address()!.Port;
        var client = new Socket();
        client.Connect(port, "127.0.0.1", () =>
            client.Write($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"));
        client.SetEncoding("latin1");
        client.On<string>("data", text => Console.Write(text));
        client.On("end", () => server.Close());
    });
});
