using NodeHttp;

namespace NodeHttpBenchServer;

/// <summary>
/// The benchmark server, written as a Node user writes it with <c>http.createServer</c> (see bench/http/node-server.js):
/// <c>GET /</c> answers <c>Hello, World!</c> as text/plain, a POST is echoed back whole, <c>GET /stream</c> sends
/// 1 GiB in 64 KiB chunks, writing until <c>Write</c> returns false and resuming on <c>'drain'</c>.
/// </summary>
public static class BenchServer
{
    /// <summary>Bytes sent by <c>/stream</c>.</summary>
    public const long StreamBytes = 1024L * 1024 * 1024;

    /// <summary>Creates the server; call on the loop thread.</summary>
    /// <param name="tls">With options, the same server over TLS (<c>Https.CreateServer</c>, as node-server.js's <c>--tls</c>).</param>
    public static Server Create(HttpsServerOptions? tls = null)
    {
        NodeBuffer chunk = NodeBuffer.Alloc(64 * 1024, (byte)'x');
        return tls is null ? Http.CreateServer(Handler) : Https.CreateServer(tls, Handler);

        void Handler(IncomingMessage req, ServerResponse res)
        {
            if (req.Url == "/stream")
            {
                Stream(res, chunk);
                return;
            }
            if (req.Method == "POST")
            {
                Echo(req, res);
                return;
            }
            res.SetHeader("Content-Type", "text/plain");
            res.End("Hello, World!");
        }
    }

    // The closures live in their own methods so that the hello path allocates none.
    private static void Stream(ServerResponse res, NodeBuffer chunk)
    {
        res.SetHeader("Content-Type", "application/octet-stream");
        long sent = 0;
        void Pump()
        {
            while (sent < StreamBytes)
            {
                sent += chunk.Length;
                if (!res.Write(chunk))
                {
                    res.Once(StreamEvents.Drain, Pump);
                    return;
                }
            }
            res.End();
        }
        Pump();
    }

    private static void Echo(IncomingMessage req, ServerResponse res)
    {
        var parts = new List<NodeBuffer>();
        req.On<NodeBuffer>(StreamEvents.Data, parts.Add);
        req.On(StreamEvents.End, () =>
        {
            res.SetHeader("Content-Type", "application/octet-stream");
            res.End(NodeBuffer.Concat(parts));
        });
    }
}
