using System.Collections.Concurrent;
using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests.Http;

/// <summary>Request and response bodies, trailers and interim responses between NodeHttp's client and server.</summary>
public class ClientNodeHttpServerBodyTests
{
    private static byte[] Pattern(int length)
    {
        byte[] b = new byte[length];
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = (byte)(i % 251);
        }
        return b;
    }

    /// <summary>Reads the whole body of <paramref name="m"/> and calls <paramref name="done"/> at 'end'.</summary>
    private static void ReadAll(IncomingMessage m, Action<byte[]> done)
    {
        var chunks = new List<NodeBuffer>();
        m.On<NodeBuffer>("data", chunks.Add);
        m.On("end", () => done(NodeBuffer.Concat(chunks).ToArray()));
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task ChunkedUpload_ServerPausedReading_ClientWaitsForDrain_AllBytesIntact(string transport)
    {
        const int ChunkSize = 64 * 1024, Chunks = 128;
        byte[] expected = Pattern(ChunkSize * Chunks);
        using var ep = ServerEndpoint.Create(transport);
        string? te = null, reply = null;
        byte[]? received = null;
        long sentWhenResumed = -1;
        int falseWrites = 0, drains = 0;
        long sent = 0;
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((req, res) =>
            {
                te = req.Headers["transfer-encoding"];
                req.Pause();
                // The handler does not read for a while: the client's writes back up until it resumes.
                EventLoop.Current!.SetTimeout(() =>
                {
                    sentWhenResumed = sent;
                    ReadAll(req, body =>
                    {
                        received = body;
                        res.End("got " + body.Length);
                    });
                    req.Resume();
                }, 200);
            });
            ep.Listen(server, () =>
            {
                ClientRequest req = NodeHttp.Http.Request(ep.Options("/up", "PUT"), res => ReadAll(res, b =>
                {
                    reply = System.Text.Encoding.ASCII.GetString(b);
                    server.Close();
                }));
                int i = 0;
                void Pump()
                {
                    while (i < Chunks)
                    {
                        var chunk = new ReadOnlyMemory<byte>(expected, i++ * ChunkSize, ChunkSize);
                        sent += ChunkSize;
                        if (!req.Write(chunk))
                        {
                            falseWrites++;
                            req.Once("drain", () => { drains++; Pump(); });
                            return;
                        }
                    }
                    req.End();
                }
                Pump();
            });
        });
        Assert.Equal("chunked", te);
        Assert.Equal("got " + expected.Length, reply);
        Assert.True(received.AsSpan().SequenceEqual(expected), "body differs");
        Assert.True(falseWrites > 0);
        Assert.Equal(falseWrites, drains);
        // While the server was not reading, the client was held back (socket buffers are far smaller than 8 MB).
        Assert.InRange(sentWhenResumed, 1, expected.Length - 1);
    }

    [Theory]
    [InlineData("tcp")]
    [InlineData("unix")]
    public async Task ContentLengthUpload_InPieces_ServerSeesLengthAndBytes(string transport)
    {
        byte[] expected = Pattern(300_000);
        using var ep = ServerEndpoint.Create(transport);
        var seen = new ConcurrentQueue<string>();
        byte[]? received = null;
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((req, res) =>
            {
                seen.Enqueue($"{req.Method} {req.Url} cl={req.Headers["content-length"]} te={req.Headers["transfer-encoding"]}");
                ReadAll(req, body =>
                {
                    received = body;
                    res.End("ok");
                });
            });
            ep.Listen(server, () =>
            {
                ClientRequest req = NodeHttp.Http.Request(ep.Options("/cl", "POST"), res => ReadAll(res, b =>
                {
                    seen.Enqueue($"response {res.StatusCode} {System.Text.Encoding.ASCII.GetString(b)}");
                    server.Close();
                }));
                req.SetHeader("Content-Length", expected.Length);
                req.Write(expected.AsMemory(0, 1000));
                req.Write(expected.AsMemory(1000, 199_000));
                req.End(expected.AsMemory(200_000));
            });
        });
        Assert.Equal(["POST /cl cl=300000 te=", "response 200 ok"], seen.ToArray());
        Assert.True(received.AsSpan().SequenceEqual(expected), "body differs");
    }

    [Fact]
    public async Task Trailers_BothWays()
    {
        var ev = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((req, res) =>
            {
                ReadAll(req, body =>
                {
                    ev.Enqueue($"server body={System.Text.Encoding.ASCII.GetString(body)} trailers={string.Join(";", req.RawTrailers)} x-req={req.Trailers["x-req"]}");
                    res.SetHeader("Trailer", "X-Res");
                    res.Write("resp");
                    res.AddTrailers([new("X-Res", "r1")]);
                    res.End();
                });
            });
            server.Listen(0, "127.0.0.1", () =>
            {
                var o = new RequestOptions { Host = "127.0.0.1", Port = server.Address()!.Port, Method = "POST", Agent = new Agent() };
                o.Headers = new Dictionary<string, StringValues> { ["Trailer"] = "X-Req" };
                ClientRequest req = NodeHttp.Http.Request(o, res =>
                {
                    ev.Enqueue($"response te={res.Headers["transfer-encoding"]} trailer={res.Headers["trailer"]}");
                    ReadAll(res, b =>
                    {
                        ev.Enqueue($"client body={System.Text.Encoding.ASCII.GetString(b)} trailers={string.Join(";", res.RawTrailers)} x-res={res.Trailers["x-res"]}");
                        server.Close();
                    });
                });
                req.Write("data");
                req.AddTrailers([new("X-Req", "q1")]);
                req.End();
            });
        });
        Assert.Equal(
            ["server body=data trailers=X-Req;q1 x-req=q1", "response te=chunked trailer=X-Res", "client body=resp trailers=X-Res;r1 x-res=r1"],
            ev.ToArray());
    }

    /// <summary>A POST with <c>Expect: 100-continue</c> whose body is sent on 'continue'; returns the client's events.</summary>
    private static async Task<string[]> ExpectContinueAsync(Action<Server> configure)
    {
        var ev = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((req, res) =>
            {
                ev.Enqueue("server request expect=" + req.Headers["expect"]);
                ReadAll(req, b => res.End("got " + System.Text.Encoding.ASCII.GetString(b)));
            });
            configure(server);
            server.Listen(0, "127.0.0.1", () =>
            {
                var o = new RequestOptions { Host = "127.0.0.1", Port = server.Address()!.Port, Method = "POST", Agent = new Agent() };
                o.Headers = new Dictionary<string, StringValues> { ["Expect"] = "100-continue" };
                ClientRequest req = NodeHttp.Http.Request(o, res =>
                {
                    ev.Enqueue("response " + res.StatusCode);
                    ReadAll(res, b => ev.Enqueue("end " + System.Text.Encoding.ASCII.GetString(b)));
                });
                req.On("continue", () => { ev.Enqueue("continue"); req.End("body"); });
                req.On<InformationEvent>("information", i => ev.Enqueue("information " + i.StatusCode));
                req.On("close", () => { ev.Enqueue("close"); server.Close(); });
                req.FlushHeaders();
            });
        });
        return ev.ToArray();
    }

    [Fact]
    public async Task ExpectContinue_ServerDefault_Sends100_ThenBody()
    {
        // Node's server writes 100 Continue and emits 'request' at once; its client then emits
        // continue,information 100,response 200,end got body,close.
        string[] ev = await ExpectContinueAsync(_ => { });
        Assert.Equal(["server request expect=100-continue", "continue", "information 100", "response 200", "end got body", "close"], ev);
    }

    [Fact]
    public async Task ExpectContinue_CheckContinueListener_WritesContinue()
    {
        string[] ev = await ExpectContinueAsync(server => server.On<IncomingMessage, ServerResponse>("checkContinue", (req, res) =>
        {
            res.WriteContinue();
            ReadAll(req, b => res.End("listener got " + System.Text.Encoding.ASCII.GetString(b)));
        }));
        Assert.Equal(["continue", "information 100", "response 200", "end listener got body", "close"], ev);
    }

    [Fact]
    public async Task ExpectContinue_CheckContinueListener_Rejects_NoContinue()
    {
        // Node: response 417,end no,close (no 'continue', the body is never sent).
        string[] ev = await ExpectContinueAsync(server => server.On<IncomingMessage, ServerResponse>("checkContinue", (_, res) =>
        {
            res.WriteHead(417);
            res.End("no");
        }));
        Assert.Equal(["response 417", "end no", "close"], ev);
    }

    [Fact]
    public async Task Information_ProcessingAndEarlyHints_BeforeFinalResponse()
    {
        var ev = new ConcurrentQueue<string>();
        await LoopRunner.RunAsync(() =>
        {
            Server server = NodeHttp.Http.CreateServer((_, res) =>
            {
                res.WriteProcessing();
                res.WriteEarlyHints([new("Link", "</s.css>; rel=preload; as=style")]);
                res.End("ok");
            });
            server.Listen(0, "127.0.0.1", () =>
            {
                ClientRequest req = NodeHttp.Http.Get(new RequestOptions { Host = "127.0.0.1", Port = server.Address()!.Port, Agent = new Agent() }, res =>
                {
                    ev.Enqueue("response " + res.StatusCode);
                    ReadAll(res, b => { ev.Enqueue("end " + System.Text.Encoding.ASCII.GetString(b)); server.Close(); });
                });
                req.On<InformationEvent>("information", i => ev.Enqueue($"information {i.StatusCode} {i.StatusMessage} link={i.Headers["link"]}"));
            });
        });
        Assert.Equal(["information 102 Processing link=", "information 103 Early Hints link=</s.css>; rel=preload; as=style", "response 200", "end ok"], ev.ToArray());
    }
}
