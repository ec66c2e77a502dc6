using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NodeHttp.Tests.NodeSuite;

/// <summary>
/// Scenarios from Node's client tests where a server misbehaves after (or during) a response, run with Node's own
/// client and with NodeHttp's against the same raw server; the events each client sees are compared.
/// </summary>
public sealed class ClientResponseTwinTests
{
    private const string Head = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";

    public static TheoryData<string, string> AfterComplete => new()
    {
        // test-http-client-response-... : bytes that cannot start a response are HPE_INVALID_CONSTANT on the request.
        { "garbage", Head + "XYZ garbage\r\n" },
        // A second, valid response is a "double response": the socket goes, without an error.
        { "double-response", Head + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" },
        // A second head that is malformed is the parser's error on the request.
        { "bad-second-head", Head + "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(AfterComplete))]
    public async Task Bytes_after_a_complete_response_are_parsed_as_Node_parses_them(string name, string reply)
    {
        _ = name;
        await using var server = RawReplyServer.Start(Encoding.Latin1.GetBytes(reply));
        string expected = await NodeEventsAsync(server.Port, destroyOnData: false);
        string actual = await OurEventsAsync(server.Port, destroyOnData: false);
        Assert.Equal(expected, actual);
    }

    // test-http-client-abort-response-event / the _dump in ClientRequest's destroy: a request destroyed in the
    // middle of its response stops delivering 'data' (the response's 'data' listeners are removed).
    [Fact]
    public async Task Destroy_in_the_middle_of_a_response_stops_its_data()
    {
        await using var server = RawReplyServer.Start(
            Encoding.Latin1.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"),
            Encoding.Latin1.GetBytes("defghij"));
        string expected = await NodeEventsAsync(server.Port, destroyOnData: true);
        string actual = await OurEventsAsync(server.Port, destroyOnData: true);
        Assert.Equal(expected, actual);
    }

    private static async Task<string> NodeEventsAsync(int port, bool destroyOnData)
    {
        string script = $$"""
            const http = require('http');
            const ev = [];
            const req = http.get({ host: '127.0.0.1', port: {{port}}, agent: false }, res => {
              ev.push('response');
              res.on('data', d => { ev.push('data:' + d); if ({{(destroyOnData ? "true" : "false")}}) req.destroy(); });
              res.on('end', () => ev.push('end'));
              res.on('aborted', () => ev.push('aborted'));
              res.on('error', e => ev.push('res-error:' + e.code));
              res.on('close', () => ev.push('res-close'));
            });
            req.on('error', e => ev.push('error:' + e.code));
            req.on('close', () => { ev.push('close'); setTimeout(() => console.log('EVENTS ' + ev.join(' ')), 300); });
            """;
        await using NodePeer peer = NodePeer.Start(script);
        string line = await peer.WaitLineAsync(l => l.StartsWith("EVENTS ", StringComparison.Ordinal), 15);
        return line["EVENTS ".Length..];
    }

    private static async Task<string> OurEventsAsync(int port, bool destroyOnData)
    {
        var ev = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            ClientRequest? req = null;
            req = NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, UseAgent = false }, res =>
            {
                ev.Add("response");
                res.On<NodeBuffer>("data", d =>
                {
                    ev.Add("data:" + d.ToString("latin1"));
                    if (destroyOnData)
                    {
                        req!.Destroy();
                    }
                });
                res.On("end", () => ev.Add("end"));
                res.On("aborted", () => ev.Add("aborted"));
                res.On<Exception>("error", e => ev.Add("res-error:" + ((NodeHttpException)e).Code));
                res.On("close", () => ev.Add("res-close"));
            });
            req.On<Exception>("error", e => ev.Add("error:" + ((NodeHttpException)e).Code));
            req.On("close", () =>
            {
                ev.Add("close");
                EventLoop.Current!.SetTimeout(() => { }, 300);
            });
        });
        return string.Join(' ', ev);
    }

    /// <summary>A TCP server that answers every connection's first bytes with the given pieces, 100 ms apart, and keeps it open.</summary>
    private sealed class RawReplyServer : IAsyncDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource stop = new();
        private readonly List<TcpClient> clients = new();
        private Task accepting = Task.CompletedTask;

        public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

        public static RawReplyServer Start(params byte[][] pieces)
        {
            var server = new RawReplyServer();
            server.listener.Start();
            server.accepting = server.AcceptAsync(pieces);
            return server;
        }

        private async Task AcceptAsync(byte[][] pieces)
        {
            try
            {
                while (true)
                {
                    TcpClient client = await listener.AcceptTcpClientAsync(stop.Token);
                    lock (clients)
                    {
                        clients.Add(client);
                    }
                    _ = ServeAsync(client, pieces);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
            }
        }

        private async Task ServeAsync(TcpClient client, byte[][] pieces)
        {
            try
            {
                NetworkStream stream = client.GetStream();
                var buffer = new byte[4096];
                var seen = new StringBuilder();
                while (!seen.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    int n = await stream.ReadAsync(buffer, stop.Token);
                    if (n == 0)
                    {
                        return;
                    }
                    seen.Append(Encoding.Latin1.GetString(buffer, 0, n));
                }
                for (int i = 0; i < pieces.Length; i++)
                {
                    if (i > 0)
                    {
                        await Task.Delay(100, stop.Token);
                    }
                    await stream.WriteAsync(pieces[i], stop.Token);
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            stop.Cancel();
            listener.Stop();
            await accepting;
            lock (clients)
            {
                foreach (TcpClient c in clients)
                {
                    c.Dispose();
                }
            }
            stop.Dispose();
        }
    }
}
