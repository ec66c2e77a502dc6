// The POST upload example of Node's http.request docs (postData = querystring.stringify({ msg: 'Hello World!' })),
// against a local echo server so it runs offline.
using Microsoft.Extensions.Primitives;
using NodeHttp;

EventLoop.Run(() =>
{
    var server = Http.CreateServer((req, res) =>
    {
        string body = "";
        req.SetEncoding("utf8");
        req.On<string>("data", d => body += d);
        req.On("end", () =>
        {
            res.SetHeader("Content-Type", "text/plain");
            res.End("received " + body);
        });
    });
    server.Listen(0, "127.0.0.1", () =>
    {
        string postData = "msg=Hello%20World!";
        var options = new RequestOptions
        {
            Hostname = "127.0.0.1",
            Port = server.Address()!.Port,
            Path = "/upload",
            Method = "POST",
            Headers = new Dictionary<string, StringValues>
            {
                ["Content-Type"] = "application/x-www-form-urlencoded",
                ["Content-Length"] = NodeBuffer.ByteLength(postData).ToString(),
            },
        };
        ClientRequest req = Http.Request(options, res =>
        {
            Console.WriteLine($"STATUS: {res.StatusCode}");
            Console.WriteLine($"HEADERS: {{{string.Join(", ", res.Headers.Select(h => $"\"{h.Key}\":\"{h.Value}\""))}}}");
            res.SetEncoding("utf8");
            res.On<string>("data", chunk => Console.WriteLine($"BODY: {chunk}"));
            res.On("end", () =>
            {
                Console.WriteLine("No more data in response.");
                server.Close();
            });
        });
        req.On<Exception>("error", e => Console.Error.WriteLine($"problem with request: {e.Message}"));
        // Write data to request body
        req.Write(postData);
        req.End();
    });
});
