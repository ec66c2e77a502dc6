using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NodeHttp;

// NetBench server <port>          — NodeHttp echo server (socket.Pipe(socket)), as bench/net/echo.js does with Node.
// NetBench client <port> <bytes>  — one raw System.Net.Sockets client: sends <bytes> and reads them back
//                                   concurrently, then prints "<bytes> <seconds> <MB/s>".
if (args.Length >= 2 && args[0] == "server")
{
    int port = int.Parse(args[1], CultureInfo.InvariantCulture);
    EventLoop.Run(() =>
    {
        NetServer server = Net.CreateServer(socket =>
        {
            socket.On<Exception>("error", _ => { });
            socket.Pipe(socket);
        });
        server.Listen(port, "127.0.0.1", () => Console.WriteLine("listening " + server.Address()!.Port));
    });
    return 0;
}
if (args.Length >= 3 && args[0] == "client")
{
    int port = int.Parse(args[1], CultureInfo.InvariantCulture);
    long total = long.Parse(args[2], CultureInfo.InvariantCulture);
    using var socket = new System.Net.Sockets.Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
    var payload = new byte[64 * 1024];
    for (int i = 0; i < payload.Length; i++)
    {
        payload[i] = (byte)(i * 31 + 7);
    }
    var sw = Stopwatch.StartNew();
    Task sender = Task.Run(() =>
    {
        long left = total;
        while (left > 0)
        {
            int n = (int)Math.Min(left, payload.Length);
            socket.Send(payload, 0, n, SocketFlags.None);
            left -= n;
        }
    });
    var buffer = new byte[256 * 1024];
    long received = 0;
    long check = 0;
    while (received < total)
    {
        int n = socket.Receive(buffer);
        if (n == 0)
        {
            Console.Error.WriteLine($"server closed early after {received} bytes");
            return 1;
        }
        // Verify the stream: byte k of the echo is payload[k % 64 KiB].
        for (int i = 0; i < n; i += 4099)
        {
            long k = received + i;
            if (buffer[i] != payload[k % payload.Length])
            {
                Console.Error.WriteLine($"corrupt byte at {k}");
                return 1;
            }
        }
        received += n;
        check += n;
    }
    sender.Wait();
    sw.Stop();
    double seconds = sw.Elapsed.TotalSeconds;
    double mbps = total / (1024.0 * 1024.0) / seconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{total} {seconds:F3} {mbps:F1}"));
    return 0;
}
Console.Error.WriteLine("usage: NetBench server <port> | NetBench client <port> <bytes>");
return 2;
