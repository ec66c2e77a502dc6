using NodeHttp;

// The NodeHttp side of bench/http/run.sh: one loop, the same three routes as server.js and KestrelBench.
//   GET /        "Hello, World!" (keep-alive hello world)
//   POST /echo   the request body back
//   GET /stream  1 GiB (or ?bytes=N) as a chunked body, written with back-pressure
int port = int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture);
byte[] block = new byte[64 * 1024];
Array.Fill(block, (byte)'x');
NodeBuffer blockBuffer = NodeBuffer.From(block);

EventLoop.Run(() =>
{
    Server server = Http.CreateServer((req, res) =>
    {
        string url = req.Url!;
        if (url == "/")
        {
            res.SetHeader("Content-Type", "text/plain");
            res.End("Hello, World!");
        }
        else if (url == "/echo")
        {
            var chunks = new List<NodeBuffer>(1);
            req.On<NodeBuffer>("data", d => chunks.Add(d));
            req.On("end", () =>
            {
                res.SetHeader("Content-Type", "application/octet-stream");
                res.End(chunks.Count == 1 ? chunks[0] : NodeBuffer.Concat(chunks));
            });
        }
        else if (url.StartsWith("/stream", StringComparison.Ordinal))
        {
            long remaining = url.Contains("bytes=", StringComparison.Ordinal) ? long.Parse(url[(url.IndexOf('=') + 1)..], System.Globalization.CultureInfo.InvariantCulture) : 1L << 30;
            res.SetHeader("Content-Type", "application/octet-stream");
            void Pump()
            {
                while (remaining > 0)
                {
                    NodeBuffer chunk = remaining >= block.Length ? blockBuffer : blockBuffer.Slice(0, (int)remaining);
                    remaining -= chunk.Length;
                    if (!res.Write(chunk))
                    {
                        res.Once("drain", Pump);
                        return;
                    }
                }
                res.End();
            }
            Pump();
        }
        else
        {
            res.StatusCode = 404;
            res.End();
        }
    });
    server.Listen(port, "127.0.0.1", () => Console.WriteLine("listening"));
});
