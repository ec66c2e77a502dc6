// The JSON GET example of Node's http.get docs, with a local server answering JSON so it runs offline.
using NodeHttp;

EventLoop.Run(() =>
{
    var server = Http.CreateServer((req, res) =>
    {
        res.SetHeader("Content-Type", "application/json");
        res.End("{\"data\":\"Hello World!\"}");
    });
    server.Listen(0, "127.0.0.1", () =>
    {
        int port = server.Address()!.Port;
        Http.Get($"http://127.0.0.1:{port}/", res =>
        {
            int statusCode = res.StatusCode ?? 0;
            string contentType = res.Headers["content-type"].ToString();
            string? error = null;
            if (statusCode != 200)
            {
                error = $"Request Failed.\nStatus Code: {statusCode}";
            }
            else if (!contentType.StartsWith("application/json", StringComparison.Ordinal))
            {
                error = $"Invalid content-type.\nExpected application/json but received {contentType}";
            }
            if (error is not null)
            {
                Console.Error.WriteLine(error);
                // Consume response data to free up memory.
                res.Resume();
                server.Close();
                return;
            }
            res.SetEncoding("utf8");
            string rawData = "";
            res.On<string>("data", chunk => rawData += chunk);
            res.On("end", () =>
            {
                try
                {
                    using var parsed = System.Text.Json.JsonDocument.Parse(rawData);
                    Console.WriteLine(parsed.RootElement.ToString());
                }
                catch (System.Text.Json.JsonException e)
                {
                    Console.Error.WriteLine(e.Message);
                }
                server.Close();
            });
        }).On<Exception>("error", e =>
        {
            Console.Error.WriteLine($"Got error: {e.Message}");
            server.Close();
        });
    });
});
