// The Kestrel side of bench/http/run.sh: a minimal app with the same routes, bound with --urls http://127.0.0.1:PORT.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
byte[] hello = "Hello, World!"u8.ToArray();
byte[] block = new byte[64 * 1024];
Array.Fill(block, (byte)'x');

app.MapGet("/", (HttpContext ctx) =>
{
    ctx.Response.ContentType = "text/plain";
    ctx.Response.ContentLength = hello.Length;
    return ctx.Response.Body.WriteAsync(hello).AsTask();
});
app.MapPost("/echo", async (HttpContext ctx) =>
{
    using var ms = new MemoryStream();
    await ctx.Request.Body.CopyToAsync(ms);
    ctx.Response.ContentType = "application/octet-stream";
    ctx.Response.ContentLength = ms.Length;
    await ctx.Response.Body.WriteAsync(ms.GetBuffer().AsMemory(0, (int)ms.Length));
});
app.MapGet("/stream", async (HttpContext ctx) =>
{
    long remaining = ctx.Request.Query.TryGetValue("bytes", out var b) ? long.Parse(b!, System.Globalization.CultureInfo.InvariantCulture) : 1L << 30;
    ctx.Response.ContentType = "application/octet-stream";
    while (remaining > 0)
    {
        int n = (int)Math.Min(remaining, block.Length);
        await ctx.Response.Body.WriteAsync(block.AsMemory(0, n));
        remaining -= n;
    }
});
app.Lifetime.ApplicationStarted.Register(() => Console.WriteLine("listening"));
app.Run();
