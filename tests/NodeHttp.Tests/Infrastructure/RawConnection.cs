using System.Net.Sockets;
using System.Text;

namespace NodeHttp.Tests;

/// <summary>
/// A plain TCP client for HTTP tests: sends exact bytes and reads exact bytes, every read under a deadline that
/// fails the test. Text is latin1 both ways, so bytes map one to one onto chars.
/// </summary>
internal sealed class RawConnection : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly TcpClient client;
    private readonly NetworkStream stream;
    private readonly List<byte> buffered = new();
    private bool eof;

    private RawConnection(TcpClient client)
    {
        this.client = client;
        stream = client.GetStream();
    }

    public static async Task<RawConnection> ConnectAsync(int port, string host = "127.0.0.1")
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(host, port).WaitAsync(Deadline);
        return new RawConnection(client);
    }

    /// <summary>Whether the server closed its side (a read returned 0 or failed with a reset).</summary>
    public bool Closed => eof;

    public Task SendAsync(string text) => SendAsync(Encoding.Latin1.GetBytes(text));

    public async Task SendAsync(byte[] bytes) => await stream.WriteAsync(bytes).AsTask().WaitAsync(Deadline);

    /// <summary>Half-closes the sending side (FIN).</summary>
    public void ShutdownSend() => client.Client.Shutdown(SocketShutdown.Send);

    /// <summary>Reads until <paramref name="marker"/> has arrived; returns everything up to and including it.</summary>
    public async Task<string> ReadUntilAsync(string marker)
    {
        byte[] m = Encoding.Latin1.GetBytes(marker);
        while (true)
        {
            int i = IndexOf(m);
            if (i >= 0)
            {
                return Take(i + m.Length);
            }
            if (!await FillAsync())
            {
                throw new EndOfStreamException($"connection closed before \"{marker}\"; got: {Encoding.Latin1.GetString(buffered.ToArray())}");
            }
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes.</summary>
    public async Task<string> ReadExactlyAsync(int count)
    {
        while (buffered.Count < count)
        {
            if (!await FillAsync())
            {
                throw new EndOfStreamException($"connection closed after {buffered.Count} of {count} bytes");
            }
        }
        return Take(count);
    }

    /// <summary>Reads until the server closes the connection; returns everything received.</summary>
    public async Task<string> ReadToEndAsync()
    {
        while (await FillAsync())
        {
        }
        return Take(buffered.Count);
    }

    /// <summary>Reads one whole HTTP response (head, then a body framed by Content-Length or chunks); no body for 1xx/204/304 or HEAD.</summary>
    public async Task<string> ReadResponseAsync(bool head = false)
    {
        string h = await ReadUntilAsync("\r\n\r\n");
        int status = int.Parse(h.AsSpan(9, 3), provider: System.Globalization.CultureInfo.InvariantCulture);
        if (head || status / 100 == 1 || status is 204 or 304)
        {
            return h;
        }
        string? cl = HeaderOf(h, "content-length");
        if (cl is not null)
        {
            return h + await ReadExactlyAsync(int.Parse(cl, System.Globalization.CultureInfo.InvariantCulture));
        }
        if (HeaderOf(h, "transfer-encoding") is { } te && te.EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
        {
            var body = new StringBuilder();
            while (true)
            {
                string sizeLine = await ReadUntilAsync("\r\n");
                body.Append(sizeLine);
                int size = Convert.ToInt32(sizeLine.TrimEnd().Split(';')[0], 16);
                if (size == 0)
                {
                    // Trailers, then the empty line.
                    while (true)
                    {
                        string line = await ReadUntilAsync("\r\n");
                        body.Append(line);
                        if (line == "\r\n")
                        {
                            return h + body;
                        }
                    }
                }
                body.Append(await ReadExactlyAsync(size + 2));
            }
        }
        return h + await ReadToEndAsync();
    }

    /// <summary>The value of <paramref name="name"/> in a response head, or null.</summary>
    public static string? HeaderOf(string head, string name)
    {
        foreach (string line in head.Split("\r\n"))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }
        return null;
    }

    /// <summary>Replaces the value of every Date header with a fixed text, so heads can be compared.</summary>
    public static string NormalizeDate(string response) =>
        System.Text.RegularExpressions.Regex.Replace(response, "(?im)^Date: [^\r\n]*", "Date: <date>");

    private async Task<bool> FillAsync()
    {
        if (eof)
        {
            return false;
        }
        var chunk = new byte[16384];
        int n;
        try
        {
            n = await stream.ReadAsync(chunk).AsTask().WaitAsync(Deadline);
        }
        catch (IOException)
        {
            n = 0;
        }
        if (n == 0)
        {
            eof = true;
            return false;
        }
        buffered.AddRange(chunk.AsSpan(0, n).ToArray());
        return true;
    }

    private int IndexOf(byte[] marker)
    {
        for (int i = 0; i + marker.Length <= buffered.Count; i++)
        {
            int j = 0;
            while (j < marker.Length && buffered[i + j] == marker[j])
            {
                j++;
            }
            if (j == marker.Length)
            {
                return i;
            }
        }
        return -1;
    }

    private string Take(int count)
    {
        string s = Encoding.Latin1.GetString(buffered.GetRange(0, count).ToArray());
        buffered.RemoveRange(0, count);
        return s;
    }

    public ValueTask DisposeAsync()
    {
        client.Dispose();
        return ValueTask.CompletedTask;
    }
}
