// A NodeHttp server run by the .NET Generic Host: options from appsettings.json (section "NodeHttp"; override with
// NodeHttp__Port=9000 or --NodeHttp:Port=9000), the handler and its dependencies from the container, logs through the
// host's console logger, and Ctrl+C / SIGTERM drains: no new connections, requests in flight finish, then the process
// ends with exit code 0 (at the latest after the host's shutdown timeout, 30 s by default; set it with
// --shutdownTimeoutSeconds=5).
//
//   dotnet run --project examples/HostedServer
//   curl http://127.0.0.1:8080/            → Hello from NodeHttp.Hosting (request 1)
//   curl http://127.0.0.1:8080/slow        → answered after 3 s, even if the host was told to stop meanwhile
//   curl http://127.0.0.1:8080/slow?ms=500 → answered after 500 ms
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodeHttp;
using NodeHttp.Hosting;

HostApplicationBuilder builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton<RequestCounter>();
builder.Services.AddNodeHttpServer<HelloHandler>();
await builder.Build().RunAsync();

/// <summary>A singleton the handler depends on.</summary>
internal sealed class RequestCounter
{
    private int count;

    public int Next() => Interlocked.Increment(ref count);
}

/// <summary>Made by the container for each request, with its dependencies.</summary>
internal sealed partial class HelloHandler(RequestCounter counter, ILogger<HelloHandler> logger) : INodeHttpRequestHandler
{
    public async Task HandleAsync(IncomingMessage request, ServerResponse response)
    {
        int n = counter.Next();
        LogRequest(logger, request.Method, request.Url, n);
        string url = request.Url ?? "/";
        if (url == "/slow")
        {
            await Task.Delay(3000);
        }
        else if (url.StartsWith("/slow?ms=", StringComparison.Ordinal) && int.TryParse(url.AsSpan(9), NumberStyles.None, CultureInfo.InvariantCulture, out int ms))
        {
            await Task.Delay(ms);
        }
        response.SetHeader("Content-Type", "text/plain");
        response.End($"Hello from NodeHttp.Hosting (request {n})\n");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Url} (request {Number})")]
    private static partial void LogRequest(ILogger logger, string? method, string? url, int number);
}
