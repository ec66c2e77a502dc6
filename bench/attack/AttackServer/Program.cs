using System.Globalization;
using NodeHttp;

// AttackServer <port> [headersTimeout ms] [requestTimeout ms] — the target of scripts/attack.js, twin of
// bench/attack/attack-node-server.js. GET /big?n=BYTES answers n bytes written as fast as the client takes them
// (waiting for 'drain'); any other request is read to its end and answered "ok". The timeouts are checked every
// second so a short run shows them (defaults 5000 and 10000 ms).
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: AttackServer <port> [headersTimeout] [requestTimeout]");
    return 2;
}
int port = int.Parse(args[0], CultureInfo.InvariantCulture);
int headersTimeout = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5000;
int requestTimeout = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10000;
byte[] block = new byte[64 * 1024];
EventLoop.Run(() =>
{
    var options = new ServerOptions { HeadersTimeout = headersTimeout, RequestTimeout = requestTimeout, ConnectionsCheckingInterval = 1000 };
    Server server = Http.CreateServer(options, (req, res) =>
    {
        req.On<Exception>("error", _ => { });
        res.On<Exception>("error", _ => { });
        string url = req.Url ?? "/";
        if (url.StartsWith("/big?n=", StringComparison.Ordinal))
        {
            long left = long.Parse(url.AsSpan(7), CultureInfo.InvariantCulture);
            res.SetHeader("Content-Length", left.ToString(CultureInfo.InvariantCulture));
            void Pump()
            {
                while (left > 0 && !res.Destroyed)
                {
                    int n = (int)Math.Min(block.Length, left);
                    left -= n;
                    if (!res.Write(block.AsMemory(0, n)))
                    {
                        return;
                    }
                }
                if (left == 0)
                {
                    res.End();
                }
            }
            res.On("drain", Pump);
            Pump();
            return;
        }
        req.On("end", () => res.End("ok"));
        req.Resume();
    });
    server.Listen(port, "127.0.0.1", () => Console.WriteLine("listening " + server.Address()!.Port));
});
return 0;
