using System.Buffers;

namespace NodeHttp;

/// <summary>
/// The client side of one connection: the response parser and the socket listeners Node's
/// <c>_http_client.js</c> installs (<c>socketOnData</c>, <c>socketOnEnd</c>, <c>socketCloseListener</c>,
/// <c>socketErrorListener</c>, <c>ondrain</c>). One per socket, made when a request first gets the socket and
/// kept while the socket is pooled, so a reused connection allocates no parser (Node takes one from a free list).
/// </summary>
/// <remarks>
/// Owned by the socket's loop. <see cref="Request"/> is Node's <c>socket._httpMessage</c>; <see cref="Parsing"/>
/// is whether Node's data/end listeners are on (<c>socket.parser</c>); <see cref="Listening"/> whether its
/// close/error listeners are. Bytes reach the parser as spans over the socket's receive buffer
/// (<see cref="Socket.DataSink"/>).
/// </remarks>
internal sealed class ClientParser : ISocketDataSink, IIncomingMessageSource
{
    // Node's MAX_HEADER_PAIRS: the parser's limit when the request leaves maxHeadersCount unset. Like every
    // maxHeaderPairs it counts entries of the name/value array, so it means 1000 headers.
    private const int DefaultMaxHeaderPairs = 2000;

    private readonly HttpParser parser = new(HttpParserType.Response);
    private readonly Socket socket;
    private readonly Action<Exception> onError;
    private readonly Action onEnd;
    private readonly Action<bool> onClose;
    private readonly Action onDrain;
    private readonly Action onTimeout;
    private SpanAccumulator field;
    private SpanAccumulator value;
    private SpanAccumulator status;
    private IncomingMessage? incoming;
    private bool inTrailers;
    private int maxHeaderPairs = DefaultMaxHeaderPairs;
    private int sectionLines;
    private bool pauseRequested;
    private bool hadError;

    private ClientParser(Socket socket)
    {
        this.socket = socket;
        onError = SocketErrorListener;
        onEnd = SocketOnEnd;
        onClose = SocketCloseListener;
        onDrain = OnDrain;
        onTimeout = OnTimeout;
        socket.On(StreamEvents.Error, onError);
        socket.On(StreamEvents.End, onEnd);
        socket.On(NetEvents.Close, onClose);
        socket.On(StreamEvents.Drain, onDrain);
        socket.On(NetEvents.Timeout, onTimeout);
    }

    /// <summary>Node's <c>socket._httpMessage</c>: the request using the socket; kept while pooled for <see cref="Agent.KeepSocketAlive"/>.</summary>
    public ClientRequest? Request { get; private set; }

    /// <summary>Whether response bytes are being parsed for <see cref="Request"/>.</summary>
    public bool Parsing { get; private set; }

    /// <summary>Whether socket close and error reach <see cref="Request"/>.</summary>
    public bool Listening { get; private set; }

    /// <summary>Node's <c>socket._hadError</c>: an error was already reported to the request.</summary>
    public bool HadError
    {
        get => hadError;
        set => hadError = value;
    }

    /// <summary>The parser of <paramref name="socket"/>, made on first use.</summary>
    public static ClientParser For(Socket socket)
    {
        if (socket.DataSink is ClientParser existing)
        {
            return existing;
        }
        var created = new ClientParser(socket);
        socket.DataSink = created;
        return created;
    }

    /// <summary>Node's <c>tickOnSocket</c> parser part: a fresh response parser for <paramref name="req"/>.</summary>
    public void Attach(ClientRequest req)
    {
        Request = req;
        parser.Reset(HttpParserType.Response);
        parser.Lenient = req.InsecureHttpParser ? LenientFlags.InsecureHttpParser : LenientFlags.None;
        parser.MaxHeaderSize = req.MaxHeaderSize > 0 ? req.MaxHeaderSize : HttpParser.DefaultMaxHeaderSize;
        // Node's tickOnSocket: parser.maxHeaderPairs = req.maxHeadersCount << 1 when it is a number (the shift
        // wraps in 32 bits as JavaScript's does); read here, before 'socket', so a later change has no effect.
        maxHeaderPairs = req.MaxHeadersCount is int count ? count << 1 : DefaultMaxHeaderPairs;
        incoming = null;
        inTrailers = false;
        sectionLines = 0;
        field.Clear();
        value.Clear();
        pauseRequested = false;
        hadError = false;
        Parsing = true;
        Listening = true;
        socket.DataSink = this;
        socket.ResumeReading();
    }

    /// <summary>Node's <c>freeParser</c> plus removal of the data/end listeners: the response is read.</summary>
    public void StopParsing()
    {
        Parsing = false;
        incoming = null;
    }

    /// <summary>Node's <c>responseKeepAlive</c> listener removal: the socket no longer reports to the request.</summary>
    public void StopListening()
    {
        Parsing = false;
        Listening = false;
    }

    /// <summary>The socket went to the agent's free pool: forget the request.</summary>
    public void Release()
    {
        StopListening();
        Request = null;
    }

    /// <summary>Takes the socket away from HTTP (after an upgrade or CONNECT): listeners off, bytes flow to the stream again.</summary>
    public void Detach()
    {
        StopListening();
        Request = null;
        socket.RemoveListener(StreamEvents.Error, onError);
        socket.RemoveListener(StreamEvents.End, onEnd);
        socket.RemoveListener(NetEvents.Close, onClose);
        socket.RemoveListener(StreamEvents.Drain, onDrain);
        socket.RemoveListener(NetEvents.Timeout, onTimeout);
        if (socket.DataSink == this)
        {
            socket.DataSink = null;
        }
        ReturnBuffers();
    }

    /// <inheritdoc/>
    public void ResumeBody(IncomingMessage message)
    {
        if (pauseRequested && message == incoming)
        {
            pauseRequested = false;
            socket.ResumeReading();
        }
    }

    /// <summary>Node's <c>socketOnData</c>.</summary>
    public bool OnSocketData(ReadOnlySpan<byte> data)
    {
        ClientRequest? req = Request;
        if (!Parsing || req is null)
        {
            // Bytes on an idle pooled socket, or after the response: Node has no listener for them and they are lost.
            return true;
        }
        if (deferred is not null || req.FinishPending)
        {
            // The request's 'finish' is queued for this tick. Node reads a socket only in its poll phase, so a
            // response is never seen before that 'finish'; here a read can happen inline (when reading starts at
            // connect), so the bytes wait for the next tick.
            deferred = deferred is null ? NodeBuffer.From(data) : NodeBuffer.Concat([deferred, NodeBuffer.From(data)]);
            if (!deferScheduled)
            {
                deferScheduled = true;
                socket.Loop.NextTick(static s => ((ClientParser)s!).RunDeferred(), this);
            }
            return false;
        }
        var callbacks = new Callbacks(this);
        HpeCode rc = parser.Execute(data, ref callbacks);
        if (rc is not (HpeCode.Ok or HpeCode.PausedUpgrade or HpeCode.Paused))
        {
            NodeHttpException error = parser.CreateException(data);
            StopParsing();
            socket.Destroy();
            hadError = true;
            req.EmitError(error);
            return false;
        }
        IncomingMessage? res = incoming;
        if (res is not null && res.Upgrade)
        {
            int parsed = rc == HpeCode.Ok ? data.Length : parser.ErrorOffset;
            NodeBuffer head = NodeBuffer.From(data[parsed..]);
            StopParsing();
            req.OnUpgradeOrConnect(res, socket, head, this);
            return true;
        }
        if (rc == HpeCode.Paused && parser.ErrorOffset < data.Length)
        {
            // The response completed and more bytes followed in the same read: Node's parser would read them as a
            // second response ("double response") and destroy the socket.
            StopParsing();
            socket.Destroy();
            return false;
        }
        if (res is not null && res.Complete && !IsInformational(res.StatusCode ?? 0))
        {
            StopParsing();
        }
        return !pauseRequested;
    }

    private NodeBuffer? deferred;
    private bool deferScheduled;

    private void RunDeferred()
    {
        deferScheduled = false;
        NodeBuffer? data = deferred;
        deferred = null;
        if (data is null || !Parsing)
        {
            return;
        }
        if (OnSocketData(data.Span) && Parsing)
        {
            socket.ResumeReading();
        }
    }

    private void SocketErrorListener(Exception error)
    {
        ClientRequest? req = Request;
        if (req is not null && Listening)
        {
            hadError = true;
            req.EmitError(error);
        }
        FinishParser();
        socket.Destroy();
    }

    private void SocketOnEnd()
    {
        ClientRequest? req = Request;
        if (req is null || !Parsing && !Listening)
        {
            return;
        }
        if (Parsing && req.Res is null && !hadError)
        {
            hadError = true;
            req.EmitError(ClientRequest.ConnResetException("socket hang up"));
        }
        FinishParser();
        socket.Destroy();
    }

    private void SocketCloseListener(bool hadErr)
    {
        ClientRequest? req = Request;
        if (req is not null && Listening)
        {
            Listening = false;
            req.OnSocketClose(hadError);
        }
        FinishParser();
        ReturnBuffers();
    }

    private void OnDrain()
    {
        if (Listening)
        {
            Request?.OnSocketDrain();
        }
    }

    private void OnTimeout()
    {
        if (Listening)
        {
            Request?.OnSocketTimeout();
        }
    }

    /// <summary>Node's <c>parser.finish()</c>: a body read until close completes at EOF.</summary>
    private void FinishParser()
    {
        if (!Parsing)
        {
            return;
        }
        var callbacks = new Callbacks(this);
        parser.Finish(ref callbacks);
        StopParsing();
    }

    private void ReturnBuffers()
    {
        field.Release();
        value.Release();
        status.Release();
    }

    private static bool IsInformational(int status) => status is >= 100 and < 200 and not 101;

    // --- parser events (Node's parserOnHeaders..., parserOnBody, parserOnMessageComplete) ---

    private HpeCode MessageBegin()
    {
        incoming = null;
        inTrailers = false;
        sectionLines = 0;
        field.Clear();
        value.Clear();
        return HpeCode.Ok;
    }

    private HpeCode HeaderValueComplete()
    {
        if (KeepsLine(sectionLines++))
        {
            // A server sends the same names and mostly the same values on every response of a connection: the
            // strings are reused from the cache instead of made anew for each header.
            string name = HeaderStringCache.Get(field.Span);
            // Node trims trailing whitespace of values (llhttp leaves it in).
            string val = HeaderStringCache.Get(value.Span.TrimEnd(" \t"u8));
            if (inTrailers)
            {
                trailerPairs ??= new List<(string, string)>(2);
                trailerPairs.Add((name, val));
            }
            else
            {
                headerPairs.Add((name, val));
            }
        }
        field.Clear();
        value.Clear();
        return HpeCode.Ok;
    }

    /// <summary>Whether the <paramref name="line"/>th line (from 0) of the head or of the trailers is kept.</summary>
    private bool KeepsLine(int line) => HeaderLineLimit.KeepsLine(line, maxHeaderPairs);

    private readonly List<(string Name, string Value)> headerPairs = new(16);
    private List<(string Name, string Value)>? trailerPairs;

    private HeadersCompleteAction HeadersComplete()
    {
        ClientRequest req = Request!;
        var res = new IncomingMessage(socket, this)
        {
            StatusCode = parser.StatusCode,
            StatusMessage = statusMessage,
            Upgrade = parser.Upgrade,
            JoinDuplicateHeaders = req.JoinDuplicateHeaders,
        };
        statusMessage = string.Empty;
        res.SetVersion(parser.HttpMajor, parser.HttpMinor);
        foreach (var (name, val) in headerPairs)
        {
            res.AddRawHeader(name, val);
        }
        headerPairs.Clear();
        if (maxHeaderPairs > 0)
        {
            // Node's parserOnHeadersComplete: n = min(headers.length, maxHeaderPairs) entries make up res.headers.
            res.LimitHeaders(maxHeaderPairs);
        }
        incoming = res;
        inTrailers = true;
        sectionLines = 0;
        int skip = req.OnIncoming(res, parser.ShouldKeepAlive);
        return skip switch
        {
            1 => HeadersCompleteAction.SkipBody,
            2 => HeadersCompleteAction.SkipBodyUpgrade,
            _ => HeadersCompleteAction.Continue,
        };
    }

    private string statusMessage = string.Empty;

    private HpeCode StatusComplete()
    {
        statusMessage = HeaderStringCache.Get(status.Span);
        status.Clear();
        return HpeCode.Ok;
    }

    private HpeCode Body(ReadOnlySpan<byte> data)
    {
        IncomingMessage? res = incoming;
        if (res is null || data.IsEmpty)
        {
            return HpeCode.Ok;
        }
        if (!res.Destroyed && !res.Push(NodeBuffer.From(data)))
        {
            pauseRequested = true;
        }
        return HpeCode.Ok;
    }

    private HpeCode MessageComplete()
    {
        IncomingMessage? res = incoming;
        if (res is null)
        {
            return HpeCode.Ok;
        }
        res.Complete = true;
        if (trailerPairs is { Count: > 0 })
        {
            foreach (var (name, val) in trailerPairs)
            {
                res.AddRawTrailer(name, val);
            }
            trailerPairs.Clear();
        }
        if (IsInformational(res.StatusCode ?? 0))
        {
            // The final response follows on the same parser.
            incoming = null;
            return HpeCode.Ok;
        }
        if (!res.Destroyed)
        {
            res.Push(null);
        }
        // After an upgrade the parser stops by itself; otherwise anything after this response in the same read is
        // not ours (Node's parser would see a "double response").
        return res.Upgrade ? HpeCode.Ok : HpeCode.Paused;
    }

    /// <summary>The parser callbacks, a struct so the parser calls them directly.</summary>
    private readonly struct Callbacks(ClientParser owner) : IHttpParserCallbacks
    {
        public HpeCode OnMessageBegin() => owner.MessageBegin();

        public HpeCode OnReset() => HpeCode.Ok;

        public HpeCode OnMethod(ReadOnlySpan<byte> data) => HpeCode.Ok;

        public HpeCode OnMethodComplete() => HpeCode.Ok;

        public HpeCode OnUrl(ReadOnlySpan<byte> data) => HpeCode.Ok;

        public HpeCode OnUrlComplete() => HpeCode.Ok;

        public HpeCode OnProtocol(ReadOnlySpan<byte> data) => HpeCode.Ok;

        public HpeCode OnProtocolComplete() => HpeCode.Ok;

        public HpeCode OnVersion(ReadOnlySpan<byte> data) => HpeCode.Ok;

        public HpeCode OnVersionComplete() => HpeCode.Ok;

        public HpeCode OnStatus(ReadOnlySpan<byte> data)
        {
            owner.status.Append(data);
            return HpeCode.Ok;
        }

        public HpeCode OnStatusComplete() => owner.StatusComplete();

        public HpeCode OnHeaderField(ReadOnlySpan<byte> data)
        {
            owner.field.Append(data);
            return HpeCode.Ok;
        }

        public HpeCode OnHeaderFieldComplete() => HpeCode.Ok;

        public HpeCode OnHeaderValue(ReadOnlySpan<byte> data)
        {
            owner.value.Append(data);
            return HpeCode.Ok;
        }

        public HpeCode OnHeaderValueComplete() => owner.HeaderValueComplete();

        public HeadersCompleteAction OnHeadersComplete(HttpParser parser) => owner.HeadersComplete();

        public HpeCode OnBody(ReadOnlySpan<byte> data) => owner.Body(data);

        public HpeCode OnChunkHeader() => HpeCode.Ok;

        public HpeCode OnChunkExtensionName(ReadOnlySpan<byte> data) => HpeCode.Ok;

        public HpeCode OnChunkExtensionNameComplete() => HpeCode.Ok;

        public HpeCode OnChunkExtensionValue(ReadOnlySpan<byte> data) => HpeCode.Ok;

        public HpeCode OnChunkExtensionValueComplete() => HpeCode.Ok;

        public HpeCode OnChunkComplete() => HpeCode.Ok;

        public HpeCode OnMessageComplete() => owner.MessageComplete();
    }
}
