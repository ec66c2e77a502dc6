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
    private readonly HeaderCollector collector = new() { MaxEntries = DefaultMaxHeaderPairs };
    private IncomingMessage? incoming;
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
        collector.MaxEntries = req.MaxHeadersCount is int count ? count << 1 : DefaultMaxHeaderPairs;
        collector.BeginMessage();
        incoming = null;
        pauseRequested = false;
        hadError = false;
        secondResponse = false;
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
        collector.Release();
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
        var callbacks = new CollectingCallbacks<Events>(collector, new Events(this));
        HpeCode rc = parser.Execute(data, ref callbacks);
        if (HttpParser.Failed(rc))
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
            // The response completed and more bytes followed in the same read. As Node's parser, they are read as
            // the start of another response: bytes that cannot start one are an error on the request; a second
            // head is a "double response". The socket goes either way.
            ReadOnlySpan<byte> rest = data[parser.ErrorOffset..];
            secondResponse = true;
            parser.Resume();
            HpeCode next = parser.Execute(rest, ref callbacks);
            NodeHttpException? error = HttpParser.Failed(next) ? parser.CreateException(rest) : null;
            StopParsing();
            socket.Destroy();
            if (error is not null)
            {
                hadError = true;
                req.EmitError(error);
            }
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

    // Bytes after a complete response are being read as another response's head (see OnSocketData).
    private bool secondResponse;

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
        if (req is null)
        {
            // Node's freeSocketErrorListener: an idle pooled socket that fails leaves its agent's free list now,
            // not at its 'close'.
            socket.Emit(global::NodeHttp.Agent.AgentRemoveEvent);
        }
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
        collector.Release();
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
        var callbacks = new CollectingCallbacks<Events>(collector, new Events(this));
        parser.Finish(ref callbacks);
        StopParsing();
    }

    private static bool IsInformational(int status) => status is >= 100 and < 200 and not 101;

    // --- parser events (Node's parserOnHeaders..., parserOnBody, parserOnMessageComplete) ---

    private HpeCode MessageBegin()
    {
        incoming = null;
        return HpeCode.Ok;
    }

    private HeadersCompleteAction HeadersComplete()
    {
        if (secondResponse)
        {
            // Node's parserOnIncomingClient with req.res already set: the head is not a response of this request.
            return HeadersCompleteAction.Pause;
        }
        ClientRequest req = Request!;
        var res = new IncomingMessage(socket, this)
        {
            StatusCode = parser.StatusCode,
            StatusMessage = collector.TakeStartText(),
            Upgrade = parser.Upgrade,
            JoinDuplicateHeaders = req.JoinDuplicateHeaders,
        };
        res.SetVersion(parser.HttpMajor, parser.HttpMinor);
        collector.CompleteHead(res);
        incoming = res;
        int skip = req.OnIncoming(res, parser.ShouldKeepAlive);
        return skip switch
        {
            1 => HeadersCompleteAction.SkipBody,
            2 => HeadersCompleteAction.SkipBodyUpgrade,
            _ => HeadersCompleteAction.Continue,
        };
    }

    private HpeCode Body(ReadOnlySpan<byte> data)
    {
        IncomingMessage? res = incoming;
        if (res is null || data.IsEmpty)
        {
            return HpeCode.Ok;
        }
        // Node's parserOnBody: a dumped body is not pushed (nobody will read it).
        if (!res.Destroyed && !res.Dumped && !res.Push(NodeBuffer.From(data)))
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
        collector.CompleteTrailers(res);
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

    /// <summary>The response events of the parser's callbacks (<see cref="CollectingCallbacks{TEvents}"/>).</summary>
    private readonly struct Events(ClientParser owner) : IMessageEvents
    {
        public HpeCode OnMessageBegin() => owner.MessageBegin();

        public HeadersCompleteAction OnHeadersComplete(HttpParser parser) => owner.HeadersComplete();

        public HpeCode OnBody(ReadOnlySpan<byte> data) => owner.Body(data);

        public HpeCode OnMessageComplete() => owner.MessageComplete();
    }
}
