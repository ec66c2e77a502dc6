using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NodeHttp.Tests.Http;

/// <summary>A record for the JSON tests.</summary>
public sealed record JsonItem(string Name, int Count);

/// <summary>Source-generated metadata for the JSON tests (the NativeAOT-safe overloads).</summary>
[JsonSerializable(typeof(JsonItem))]
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
public partial class JsonTestContext : JsonSerializerContext
{
}

/// <summary><c>ReadFromJsonAsync</c>/<c>WriteAsJsonAsync</c> on requests and responses, both directions, over the wire.</summary>
public class JsonBodyTests
{
    [Fact]
    public async Task SourceGenerated_RequestAndResponseBodies_RoundTrip()
    {
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            JsonItem? item = await req.ReadFromJsonAsync(JsonTestContext.Default.JsonItem);
            res.StatusCode = 201;
            await res.WriteAsJsonAsync(item! with { Count = item.Count + 1 }, JsonTestContext.Default.JsonItem);
        });
        var done = new TaskCompletionSource<IncomingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        await server.RunAsync(() =>
        {
            ClientRequest creq = NodeHttp.Http.Request(new RequestOptions { Host = "127.0.0.1", Port = server.Port, Method = "POST" }, r => done.TrySetResult(r));
            creq.On<Exception>("error", e => done.TrySetException(e));
            creq.WriteAsJsonAsync(new JsonItem("bolt", 41), JsonTestContext.Default.JsonItem)
                .ContinueWith(_ => creq.End(), TaskScheduler.Default);
        });
        IncomingMessage res = await done.Task.Bounded();
        Assert.Equal(201, res.StatusCode);
        Assert.Equal(HttpJson.JsonContentType, res.Headers["content-type"]);
        JsonItem? back = await res.ReadFromJsonAsync(JsonTestContext.Default.JsonItem).Bounded();
        Assert.Equal(new JsonItem("bolt", 42), back);
        Assert.Empty(server.Uncaught);
    }

    [Fact]
    public async Task Reflection_Overloads_UseTheWebDefaults_AndKeepAContentTypeAlreadySet()
    {
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            JsonItem? item = await req.ReadFromJsonAsync<JsonItem>();
            res.SetHeader("Content-Type", "application/vnd.test+json");
            await res.WriteAsJsonAsync(new[] { item, item });
        });
        IncomingMessage res = await NodeHttp.Http.RequestAsync(
            new RequestOptions { Host = "127.0.0.1", Port = server.Port, Method = "POST" },
            Encoding.UTF8.GetBytes("{\"NAME\":\"x\",\"count\":2}")).Bounded();
        Assert.Equal("application/vnd.test+json", res.Headers["content-type"]);
        Assert.Equal("[{\"name\":\"x\",\"count\":2},{\"name\":\"x\",\"count\":2}]", await res.TextAsync().Bounded());
    }

    [Fact]
    public async Task InvalidJson_FaultsWithJsonException_TooLarge_WithErrBodyTooLarge()
    {
        var errors = new List<Exception>();
        await using var server = await TestServer.StartAsync(async (req, res) =>
        {
            try
            {
                if (req.Url == "/small")
                {
                    await req.ReadFromJsonAsync(JsonTestContext.Default.JsonItem, maxBytes: 8);
                }
                else
                {
                    await req.ReadFromJsonAsync(JsonTestContext.Default.JsonItem);
                }
            }
            catch (Exception e)
            {
                lock (errors)
                {
                    errors.Add(e);
                }
                res.StatusCode = 400;
            }
        });
        IncomingMessage bad = await NodeHttp.Http.RequestAsync(
            new RequestOptions { Host = "127.0.0.1", Port = server.Port, Method = "POST", Path = "/bad" }, Encoding.UTF8.GetBytes("{nope")).Bounded();
        Assert.Equal(400, bad.StatusCode);
        await bad.TextAsync().Bounded();
        await Assert.ThrowsAnyAsync<NodeHttpException>(() => NodeHttp.Http.RequestAsync(
            new RequestOptions { Host = "127.0.0.1", Port = server.Port, Method = "POST", Path = "/small", UseAgent = false },
            Encoding.UTF8.GetBytes("{\"name\":\"too long\",\"count\":1}")).Bounded());
        // The client sees its connection go as the server destroys it; the handler's catch runs on the server's
        // loop, possibly a moment later.
        var deadline = DateTime.UtcNow + TestServer.Deadline;
        while (DateTime.UtcNow < deadline)
        {
            lock (errors)
            {
                if (errors.Count >= 2)
                {
                    break;
                }
            }
            await Task.Delay(10);
        }
        lock (errors)
        {
            Assert.IsAssignableFrom<JsonException>(errors[0]);
            Assert.Equal("ERR_BODY_TOO_LARGE", Assert.IsType<NodeHttpException>(errors[1]).Code);
        }
    }
}
