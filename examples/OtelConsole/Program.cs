// NodeHttp's metrics and spans through OpenTelemetry, printed by the console exporter. A front server calls a back
// server with NodeHttp's client for each request, and the program makes a few requests to the front server, so the
// output shows one trace per request across four spans (client → front server → client → back server), and the
// server and client instruments: http.server.request.duration, http.server.active_requests,
// kestrel.active_connections, kestrel.connection.duration, http.client.request.duration, http.client.active_requests,
// http.client.open_connections, http.client.connection.duration, http.client.request.time_in_queue.
//
//   dotnet run --project examples/OtelConsole
using System.Diagnostics;
using NodeHttp;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

ResourceBuilder resource = ResourceBuilder.CreateDefault().AddService("NodeHttp.OtelConsole");
using TracerProvider tracing = Sdk.CreateTracerProviderBuilder()
    .SetResourceBuilder(resource)
    .AddSource(NodeHttpDiagnostics.ServerActivitySourceName, NodeHttpDiagnostics.ClientActivitySourceName, "OtelConsole")
    .AddConsoleExporter()
    .Build();
using MeterProvider metrics = Sdk.CreateMeterProviderBuilder()
    .SetResourceBuilder(resource)
    .AddMeter(NodeHttpDiagnostics.ServerMeterName, NodeHttpDiagnostics.ClientMeterName)
    .AddConsoleExporter()
    .Build();

var source = new ActivitySource("OtelConsole");
var agent = new Agent(new AgentOptions { KeepAlive = true, MaxSockets = 1 });
EventLoop.Run(() =>
{
    Server back = Http.CreateServer((req, res) => res.End("back says hi"));
    Server front = Http.CreateServer((req, res) =>
    {
        // Made while the request's server span is current: the call to the back server is its child.
        Http.Get(new RequestOptions { Host = "127.0.0.1", Port = back.Address()!.Port, Path = "/back", Agent = agent }, backRes =>
        {
            backRes.SetEncoding("utf8");
            string body = "";
            backRes.On<string>("data", chunk => body += chunk);
            backRes.On("end", () => res.End("front got: " + body));
        });
    });
    back.Listen(0, "127.0.0.1", () => front.Listen(0, "127.0.0.1", () =>
    {
        int port = front.Address()!.Port;
        int left = 3;
        for (int i = 1; i <= 3; i++)
        {
            using Activity? root = source.StartActivity("request " + i);
            Http.Get(new RequestOptions { Host = "127.0.0.1", Port = port, Path = "/front/" + i, Agent = agent }, res =>
            {
                res.SetEncoding("utf8");
                res.On<string>("data", Console.WriteLine);
                res.On("end", () =>
                {
                    if (--left == 0)
                    {
                        agent.Destroy();
                        front.Close();
                        back.Close();
                    }
                });
            });
        }
    }));
});
// The meter provider exports what was recorded when it is disposed (end of Main).
