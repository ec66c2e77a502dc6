using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Xunit.Abstractions;

namespace NodeHttp.Tests.Http;

/// <summary><c>res.AsStream()</c> as a .NET <see cref="Stream"/>: a file copied into it arrives whole, at a speed
/// comparable to a <c>WriteAsync</c> loop (the figures are written to the test output, not asserted), and a peer
/// reset surfaces as <see cref="IOException"/>.</summary>
[Collection("Timing")]
public sealed class AsStreamResponseTests(ITestOutputHelper output) : IDisposable
{
    private const int FileBytes = 32 * 1024 * 1024;
    private readonly string path = Path.Combine(Path.GetTempPath(), $"nodehttp-asstream-{Guid.NewGuid():N}.bin");

    public void Dispose() => File.Delete(path);

    [Fact]
    public async Task CopyToAsync_OfAFile_MatchesAWriteAsyncLoop_AndArrivesWhole()
    {
        byte[] content = new byte[FileBytes];
        new Random(7).NextBytes(content);
        await File.WriteAllBytesAsync(path, content);
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            res.SetHeader("Content-Length", FileBytes);
            await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, useAsync: true);
            if (req.Url == "/copy")
            {
                await using Stream body = res.AsStream();
                await file.CopyToAsync(body);
            }
            else
            {
                byte[] buffer = new byte[81920];
                int n;
                while ((n = await file.ReadAsync(buffer)) > 0)
                {
                    await res.WriteAsync(buffer.AsMemory(0, n));
                }
                await res.EndAsync();
            }
        });

        // Wall time on a shared machine is noisy: the best of several rounds, and the process's CPU time as well.
        var times = new Dictionary<string, List<(double Wall, double Cpu)>> { ["/copy"] = new(), ["/loop"] = new() };
        for (int round = 0; round < 4; round++)
        {
            foreach (string url in new[] { "/loop", "/copy" })
            {
                TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var sw = Stopwatch.StartNew();
                byte[] got = await FetchAsync(server.Port, url);
                sw.Stop();
                TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
                Assert.Equal(FileBytes, got.Length);
                Assert.True(content.AsSpan().SequenceEqual(got), $"{url}: the body differs from the file");
                times[url].Add((sw.Elapsed.TotalMilliseconds, cpu.TotalMilliseconds));
            }
        }
        foreach ((string url, List<(double Wall, double Cpu)> t) in times)
        {
            double wall = t.Min(x => x.Wall);
            output.WriteLine($"{FileBytes >> 20} MiB {(url == "/copy" ? "CopyToAsync(res.AsStream())" : "WriteAsync loop")}: best {wall:F0} ms " +
                $"({FileBytes / wall / 1000:F0} MB/s), CPU best {t.Min(x => x.Cpu):F0} ms; all: {string.Join(", ", t.Select(x => $"{x.Wall:F0}/{x.Cpu:F0}"))}");
        }
        Assert.Empty(server.Uncaught);
    }

    [Fact]
    public async Task WriteAsync_AfterThePeerReset_ThrowsIOException()
    {
        var outcome = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            byte[] block = new byte[64 * 1024];
            Stream body = res.AsStream();
            try
            {
                started.TrySetResult();
                for (int i = 0; i < 100_000; i++)
                {
                    await body.WriteAsync(block);
                }
                outcome.TrySetException(new InvalidOperationException("every write succeeded"));
            }
            catch (Exception e)
            {
                outcome.TrySetResult(e);
            }
        });
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", server.Port);
            await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            await started.Task.Bounded();
            client.Client.LingerState = new LingerOption(true, 0);
        }
        Exception error = await outcome.Task.Bounded();
        var io = Assert.IsType<IOException>(error);
        Assert.IsType<NodeHttpException>(io.InnerException);
    }

    private static async Task<byte[]> FetchAsync(int port, string url)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        NetworkStream stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {url} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        var all = new MemoryStream(FileBytes + 1024);
        await stream.CopyToAsync(all).WaitAsync(TimeSpan.FromSeconds(30));
        byte[] raw = all.ToArray();
        int head = raw.AsSpan().IndexOf("\r\n\r\n"u8) + 4;
        return raw[head..];
    }
}
