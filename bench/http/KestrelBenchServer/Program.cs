using System.Buffers;
using System.IO.Pipelines;

// Minimal Kestrel app for bench/http/run.sh, equivalent to node-server.js:
//   GET /        -> 200 text/plain "Hello, World!" (Content-Length)
//   POST <any>   -> the whole request body echoed back (Content-Length)
//   GET /stream  -> 1 GiB in 64 KiB chunks, Transfer-Encoding: chunked, each write awaited (back-pressure)
// Usage: KestrelBenchServer --urls http://127.0.0.1:PORT
//        KestrelBenchServer --urls https://127.0.0.1:PORT --Kestrel:Certificates:Default:Path=cert.pem --Kestrel:Certificates:Default:KeyPath=key.pem
WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(options => options.AddServerHeader = false);
// The slim builder leaves out Kestrel's https configuration (certificates from configuration) unless asked for.
builder.WebHost.UseKestrelHttpsConfiguration();
WebApplication app = builder.Build();

byte[] hello = "Hello, World!"u8.ToArray();
byte[] chunk = new byte[64 * 1024];
Array.Fill(chunk, (byte)'x');
const long StreamBytes = 1024L * 1024 * 1024;

app.Run(async context =>
{
    HttpRequest request = context.Request;
    HttpResponse response = context.Response;
    if (request.Path == "/stream")
    {
        response.ContentType = "application/octet-stream";
        for (long sent = 0; sent < StreamBytes; sent += chunk.Length)
        {
            await response.Body.WriteAsync(chunk);
        }
        return;
    }
    if (HttpMethods.IsPost(request.Method))
    {
        PipeReader reader = request.BodyReader;
        ReadResult result;
        while (true)
        {
            result = await reader.ReadAsync();
            if (result.IsCompleted)
            {
                break;
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
        ReadOnlySequence<byte> body = result.Buffer;
        response.ContentType = "application/octet-stream";
        response.ContentLength = body.Length;
        foreach (ReadOnlyMemory<byte> segment in body)
        {
            await response.Body.WriteAsync(segment);
        }
        reader.AdvanceTo(body.End);
        return;
    }
    response.ContentType = "text/plain";
    response.ContentLength = hello.Length;
    await response.Body.WriteAsync(hello);
});

await app.StartAsync();
Console.WriteLine("listening " + string.Join(' ', app.Urls));
await app.WaitForShutdownAsync();
