namespace NodeHttp;

/// <summary>
/// The HTTP state of one accepted socket (Node's <c>connectionListenerInternal</c> and the closures of
/// lib/_http_server.js): its parser, fed straight from the socket's receive buffer; the queue of responses of
/// pipelined requests, answered in order; keep-alive and request timers; the default error answers.
/// </summary>
/// <remarks>Owned by the socket's loop; every member runs there.</remarks>
internal sealed class ServerConnection : ISocketDataSink, IIncomingMessageSource
{
    private static readonly NodeBuffer BadRequestResponse = NodeBuffer.Wrap("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n"u8.ToArray());
    private static readonly NodeBuffer HeaderTooLargeResponse = NodeBuffer.Wrap("HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n"u8.ToArray());
    private static readonly NodeBuffer ChunkExtensionsTooLargeResponse = NodeBuffer.Wrap("HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\n\r\n"u8.ToArray());
    private static readonly NodeBuffer RequestTimeoutResponse = NodeBuffer.Wrap("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n"u8.ToArray());

    // How much of a body nobody reads is read and thrown away to keep the connection (Go's net/http bound);
    // past it the connection is closed instead.
    internal const int DrainLimit = 256 * 1024;

    /// <summary>
    /// How much longer than the advertised <c>keepAliveTimeout</c> an idle connection is kept (Node 20.20's
    /// HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER): a client that reuses its pooled socket right at the advertised
    /// timeout still finds it open rather than meeting ECONNRESET.
    /// </summary>
    internal const int KeepAliveTimeoutBuffer = 1000;

    private static readonly Action<object?> KeepAliveExpiredCallback = static s => ((ServerConnection)s!).KeepAliveExpired();

    private readonly Server server;
    private readonly Socket socket;
    private readonly EventLoop loop;
    private readonly HttpParser parser;

    // The request's target and header lines while they are parsed; reused for every request.
    private readonly HeaderCollector collector = new();

    // Responses not finished yet, in request order; [0] is the one writing (Node's socket._httpMessage +
    // state.outgoing). A response is listed from its request's head until its 'finish' (ResOnFinish) or the
    // socket's 'close' (CloseResponses); only [0] and the run of finished ones behind it have the socket.
    private readonly ResponseQueue outgoing = new();

    private readonly Action onSocketEnd;
    private readonly Action onSocketClose;
    private readonly Action onSocketCloseResponses;
    private readonly Action onSocketTimeout;
    private readonly Action<Exception> onSocketError;
    private readonly Action onSocketDrain;
    private Action? resOnFinishListener;

    // Where the connection is (see ConnectionPhase). Upgraded and Closed are final; in Upgraded the socket's
    // listeners are off and nothing here touches the socket again.
    private ConnectionPhase phase;

    // When the request being read started (its first byte; for New, the accept): what headersTimeout and
    // requestTimeout measure. Meaningful in New, ReadingHead, ReadingBody and Draining.
    private long messageStart;

    // The message being parsed (Node's parser.incoming): set in ReadingHead, ReadingBody and Draining (and in
    // TimedOut while the late request is still read); null once it completed, or was aborted with the socket.
    private IncomingMessage? incoming;

    // The request whose head asked for a protocol switch someone takes, from its head until the parser stops there.
    private IncomingMessage? upgradeRequest;

    // Found in the head, so the common request needs no header map for Node's Host and Expect checks.
    private bool sawHost;
    private bool sawExpect;

    // The Host lines of the head and the first one's value, for the RFC 9112 §3.2 checks (HostValidation).
    private int hostCount;
    private string? firstHost;
    // The last Host value that passed IsValidHost on this connection (the same string instance comes back request
    // after request from the header string cache).
    private string? validHost;

    // A parse error that came after pipelined requests still being answered, when no 'clientError' listener takes
    // it: its default answer waits until their responses went out (Node writes it at once and destroys the socket,
    // so those responses are lost).
    private Exception? deferredError;

    // Back-pressure: the body's consumer is full; reading from the socket waits for ResumeBody. Cleared when the
    // message completes (what follows is the next request).
    private bool bodyPaused;

    // Node's state.outgoingData: bytes that responses queued behind an unfinished one hold while they wait for the socket.
    private long outgoingData;

    // Back-pressure the other way (Node's socket._paused): the peer does not take the answers (the socket's buffer is
    // past its highWaterMark, or too much waits in queued responses), so no more requests are read until it drains —
    // a client pipelining requests without reading the responses cannot grow the server.
    private bool outputPaused;

    // The peer's FIN came while outputPaused: handled once the answers drain, as Node would only then read it.
    private bool endPending;

    // Node's socketOnError removes itself: the first error is reported, later ones are not.
    private bool errorHandled;

    // Bytes of the current body thrown away since nobody reads it (bounded by DrainLimit).
    private long drained;

    // Made the first time the connection goes Idle (or Draining), refreshed each time after; its expiry acts only
    // if the connection is still there, so leaving those phases needs no timer call.
    private LoopTimer? keepAliveTimer;

    // Set while OnResponseFinalIssued walks the queue. A response it gives the socket to may write its last bytes at
    // once and call back in; the walk carries on instead of recursing once per queued response, which overflowed the
    // stack when thousands of pipelined responses were released together.
    private bool releasingQueued;

    // Requests counted against server.MaxRequestsPerSocket (HTTP/1.1 ones, when a limit is set).
    private int requestsCount;

    // Reads a handed-in socket had buffered before the server got it, not parsed yet (see TakeBuffered); null for an
    // accepted socket.
    private Queue<NodeBuffer>? early;

    // Kestrel's connection metrics for this connection, or null when nobody listened at accept.
    private readonly ServerConnectionTelemetry? telemetry;

    internal ServerConnection(Server server, Socket socket)
    {
        this.server = server;
        this.socket = socket;
        loop = socket.Loop;
        parser = new HttpParser(
            HttpParserType.Request,
            server.InsecureHttpParser ? LenientFlags.InsecureHttpParser : LenientFlags.None,
            server.MaxHeaderSize)
        {
            RfcStrict = server.StrictRequests,
            // Node 20's llhttp refuses it in either mode.
            ContentLengthSpacesOnly = true,
        };
        onSocketEnd = SocketOnEnd;
        onSocketClose = SocketOnClose;
        onSocketCloseResponses = SocketOnCloseResponses;
        onSocketTimeout = SocketOnTimeout;
        onSocketError = SocketOnError;
        onSocketDrain = SocketOnDrain;
        phase = ConnectionPhase.New;
        messageStart = loop.Now;
        telemetry = ServerTelemetry.ConnectionOpened(server, socket);
        socket.On(StreamEvents.End, onSocketEnd);
        socket.On(HttpEvents.Close, onSocketClose);
        socket.On(HttpEvents.Timeout, onSocketTimeout);
        socket.On(HttpEvents.Error, onSocketError);
        socket.On(StreamEvents.Drain, onSocketDrain);
        if (server.Timeout > 0)
        {
            socket.SetTimeout(server.Timeout);
        }
        socket.DataSink = this;
    }

    /// <summary>Starts reading, after <c>'connection'</c> listeners ran (the parser consumes the handle directly, as Node's <c>parser.consume</c>).</summary>
    internal void Start()
    {
        // Node adds onServerResponseClose to the socket when a response is assigned to it, after the 'connection'
        // listeners: a socket 'close' listener added there runs before the response's 'close'. One listener per
        // connection, added here, keeps that order without one per response.
        socket.On(HttpEvents.Close, onSocketCloseResponses);
        if (socket.ReadableLength > 0)
        {
            TakeBuffered();
        }
        ResumeSocket();
    }

    // Bytes a handed-in socket had read into its own buffer before the server got it (a socket accepted by another
    // server that peeked at it, a tunnel handed back after 'connect'): they are parsed first, one read at a time as
    // they arrived, as Node's parser takes them through 'data'. What a paused parse leaves waits for ResumeSocket.
    private void TakeBuffered()
    {
        ReadableState state = socket.ReadableStateInternal;
        while (state.Length > 0)
        {
            object? chunk = socket.Read(ReadableState.ChunkLength(state.Buffer[state.BufferIndex]));
            NodeBuffer? bytes = chunk as NodeBuffer ?? (chunk is string text ? NodeBuffer.From(text) : null);
            if (bytes is null)
            {
                break;
            }
            (early ??= new Queue<NodeBuffer>()).Enqueue(bytes);
        }
    }

    // Reading goes on: first what TakeBuffered kept, then the socket.
    private void ResumeSocket()
    {
        while (early is { Count: > 0 })
        {
            NodeBuffer next = early.Dequeue();
            bool more = OnSocketData(next.Span);
            if (phase == ConnectionPhase.Upgraded)
            {
                // The socket went to an 'upgrade' or 'connect' listener: what follows is theirs, in order.
                while (early.TryDequeue(out NodeBuffer? rest))
                {
                    socket.Unshift(rest);
                }
                return;
            }
            // A destroyed socket still hands over what it had buffered (Node's stream emits it all the same); a live
            // one that wants no more waits for the next resume.
            if (!more && early.Count > 0 && !socket.Destroyed)
            {
                socket.PauseReading();
                return;
            }
        }
        if (!socket.Destroyed && phase != ConnectionPhase.Upgraded && !bodyPaused && !outputPaused && deferredError is null)
        {
            socket.ResumeReading();
        }
    }

    /// <summary>The socket this connection reads and writes.</summary>
    internal Socket Socket => socket;

    /// <summary>Nothing is being received or answered: safe to close (Node's idle connection).</summary>
    internal bool IsIdle => outgoing.Count == 0 && incoming is null && phase != ConnectionPhase.Upgraded;

    /// <summary>The socket went to an <c>'upgrade'</c> or <c>'connect'</c> listener and is no longer HTTP's.</summary>
    internal bool IsUpgraded => phase == ConnectionPhase.Upgraded;

    /// <summary>Node's <c>checkConnections</c> for this connection: a head or a whole request taking too long is a 408.</summary>
    internal void CheckTimeouts(long now, int headersTimeout, int requestTimeout)
    {
        if (phase is not (ConnectionPhase.New or ConnectionPhase.ReadingHead or ConnectionPhase.ReadingBody or ConnectionPhase.Draining) || socket.Destroyed)
        {
            return;
        }
        if (outputPaused)
        {
            // Reading stopped because the peer does not take the answers: the request being read waits on the server,
            // not on the client's sending. Node pauses its parser at a message boundary there, so no head is timed.
            return;
        }
        long elapsed = now - messageStart;
        bool readingHead = phase is ConnectionPhase.New or ConnectionPhase.ReadingHead;
        if ((readingHead && headersTimeout > 0 && elapsed > headersTimeout) || (requestTimeout > 0 && elapsed > requestTimeout))
        {
            phase = ConnectionPhase.TimedOut;
            SocketOnError(ErrorCodes.Create("ERR_HTTP_REQUEST_TIMEOUT"));
        }
    }

    /// <summary>As Node's server socket: its bytes belong to the parser, so a decoder is refused.</summary>
    public void OnSetEncoding(string encoding) => ErrorCodes.Throw("ERR_HTTP_SOCKET_ENCODING");

    /// <inheritdoc/>
    public bool OnSocketData(ReadOnlySpan<byte> data)
    {
        // Node unconsumes its parser when a 'data' listener is added to the socket (socketListenerWrap): the reads
        // after that reach the parser first and the listeners after it, also once the parser has failed on them.
        bool listened = socket.ReadableStateInternal.DataListenerAdded && socket.ListenerCount(StreamEvents.Data) > 0;
        bool more = ParseSocketData(data);
        if (listened && phase != ConnectionPhase.Upgraded)
        {
            socket.Emit<NodeBuffer>(StreamEvents.Data, NodeBuffer.From(data));
        }
        return more;
    }

    private bool ParseSocketData(ReadOnlySpan<byte> data)
    {
        if (phase == ConnectionPhase.Upgraded)
        {
            return true;
        }
        if (errorHandled)
        {
            // A 'clientError' listener owns the socket now: what follows the bad bytes is not parsed, but reading
            // goes on so the peer's FIN is seen and the connection can close.
            // When that was a parse error, Node's parser stays in it: each later read fails again and is reported
            // once more, with its own bytes as rawPacket and nothing parsed.
            // (Bytes the socket had buffered before it was handed in are parsed even once the listener destroyed it,
            // as Node's stream still emits what it buffered.)
            if (HttpParser.Failed(parser.Error) && (!socket.Destroyed || early is not null))
            {
                NodeHttpException again = parser.CreateException(data);
                RaiseClientError(new NodeHttpException(again.Code, again.Message)
                {
                    Reason = again.Reason,
                    BytesParsed = 0,
                    RawPacket = again.RawPacket,
                });
                return !socket.Destroyed;
            }
            return true;
        }
        if (deferredError is not null)
        {
            return false;
        }
        var callbacks = new CollectingCallbacks<Events>(collector, new Events(this));
        while (true)
        {
            HpeCode rc = parser.Execute(data, ref callbacks);
            if (rc == HpeCode.Ok)
            {
                // As Node, the whole read is parsed; reading stops after it while the answers are not taken.
                CheckOutputPressure();
                return !bodyPaused && !outputPaused;
            }
            if (rc == HpeCode.PausedUpgrade)
            {
                int offset = parser.ErrorOffset;
                IncomingMessage? req = upgradeRequest;
                upgradeRequest = null;
                if (req is not null && req.Upgrade)
                {
                    OnUpgrade(req, data[offset..]);
                    return true;
                }
                // No one takes the protocol switch: the message was answered as a plain request; go on parsing.
                parser.ResumeAfterUpgrade();
                data = data[offset..];
                continue;
            }
            if (socket.Destroyed || phase == ConnectionPhase.Upgraded)
            {
                return false;
            }
            NodeHttpException error = parser.CreateException(data);
            if (DeferParseError(error))
            {
                return false;
            }
            SocketOnError(error);
            return !socket.Destroyed;
        }
    }

    // A malformed message behind pipelined requests whose responses are not all out: those are answered first, in
    // order, then the 400 and the close (RFC 9112 §9.3.2). Only for the default answer; a 'clientError' listener
    // gets the error at once, as in Node.
    private bool DeferParseError(Exception error)
    {
        if (phase is not (ConnectionPhase.ReadingHead or ConnectionPhase.Answering) || outgoing.Count == 0
            || server.ListenerCount(HttpEvents.ClientError) > 0)
        {
            return false;
        }
        deferredError = error;
        // The malformed message never became a request; nothing more is read, and the head timers stop counting.
        incoming = null;
        phase = ConnectionPhase.Answering;
        return true;
    }

    /// <inheritdoc/>
    public void ResumeBody(IncomingMessage message)
    {
        if (bodyPaused && phase != ConnectionPhase.Upgraded && !socket.Destroyed)
        {
            bodyPaused = false;
            if (!outputPaused)
            {
                ResumeSocket();
            }
        }
    }

    /// <summary>Node's <c>updateOutgoingData</c>: a queued response's waiting output grew or shrank.</summary>
    internal void UpdateOutgoingData(int delta)
    {
        outgoingData += delta;
        if (delta < 0)
        {
            SocketOnDrain();
        }
    }

    // Node's check in parserOnIncoming: stop reading once the answers pile up.
    private void CheckOutputPressure()
    {
        if (!outputPaused && (socket.WritableNeedDrain || outgoingData >= socket.WritableHighWaterMark))
        {
            outputPaused = true;
        }
    }

    // Node's socketOnDrain: read again once the socket drained and the queued output is back under the highWaterMark.
    private void SocketOnDrain()
    {
        if (!outputPaused || outgoingData > socket.WritableHighWaterMark || socket.WritableNeedDrain)
        {
            return;
        }
        outputPaused = false;
        if (endPending)
        {
            EndIfPending();
            return;
        }
        if (phase is ConnectionPhase.ReadingHead or ConnectionPhase.ReadingBody)
        {
            // The request cut by the pause gets its time again from now (CheckTimeouts left it alone meanwhile).
            messageStart = loop.Now;
        }
        if (!bodyPaused && phase != ConnectionPhase.Upgraded && !socket.Destroyed)
        {
            ResumeSocket();
        }
    }

    /// <summary>The response wrote its last bytes to the socket: the next pipelined response may write behind them.</summary>
    internal void OnResponseFinalIssued(ServerResponse res)
    {
        if (releasingQueued)
        {
            // Called back from a response the walk below just gave the socket to: the walk goes on from there.
            return;
        }
        releasingQueued = true;
        try
        {
            int i = outgoing.IndexOf(res);
            while (i >= 0 && i + 1 < outgoing.Count)
            {
                ServerResponse current = outgoing[i];
                if (!current.Attached || !current.FinalIssued || current.Last)
                {
                    return;
                }
                ServerResponse next = outgoing[i + 1];
                if (next.Destroyed)
                {
                    // It destroys the socket it is given: that waits until the bytes before it went out (ResOnFinish).
                    return;
                }
                if (!next.Attached)
                {
                    next.AssignSocket(socket);
                    // Writing may have finished responses at the front and taken them off the queue.
                    i = outgoing.IndexOf(next);
                    if (i < 0)
                    {
                        i = 0;
                    }
                    continue;
                }
                i++;
            }
        }
        finally
        {
            releasingQueued = false;
        }
    }

    // The response before a new one is attached, has issued its last bytes and keeps the connection.
    private static bool CanFollow(ServerResponse previous) => previous.Attached && previous.FinalIssued && !previous.Last;

    /// <summary>Node's resOnFinish, run by the response ahead of its <c>'finish'</c> event.</summary>
    internal void OnResponseFinish() => ResOnFinish();

    /// <summary>Node's resOnFinish as a <c>'finish'</c> listener, for a response someone else listens to as well.</summary>
    internal Action ResOnFinishListener => resOnFinishListener ??= ResOnFinish;

    /// <summary>Node's <c>server.closeIdleConnections()</c> for this connection.</summary>
    internal void CloseIfIdle()
    {
        if (IsIdle && !socket.Destroyed)
        {
            socket.Destroy();
        }
    }

    /// <summary>
    /// The server drains (<see cref="Server.CloseAsync(TimeSpan)"/>): an idle connection closes now; otherwise the last
    /// response waiting, if its head is not out yet, says <c>Connection: close</c> (the ones before it are answered
    /// as they were), and the connection closes once nothing is left to answer (<see cref="CloseIfDraining"/>).
    /// Requests admitted later are answered with <c>Connection: close</c> (<see cref="Admit"/>).
    /// </summary>
    internal void BeginDrain()
    {
        if (socket.Destroyed || phase == ConnectionPhase.Upgraded)
        {
            return;
        }
        if (IsIdle)
        {
            socket.Destroy();
            return;
        }
        if (outgoing.Count > 0 && !outgoing[outgoing.Count - 1].HeadersSent)
        {
            outgoing[outgoing.Count - 1].ShouldKeepAlive = false;
        }
    }

    // A draining server's connection whose last answer went out with keep-alive (its head was sent before the drain
    // began): it closes as soon as it has nothing to receive or answer.
    private void CloseIfDraining()
    {
        if (server.Draining && IsIdle && !socket.Destroyed)
        {
            socket.DestroySoon();
        }
    }

    // Node's parserOnIncoming: a request head arrived.
    private HeadersCompleteAction OnIncoming(IncomingMessage req, bool keepAlive)
    {
        if (req.Upgrade)
        {
            req.Upgrade = req.Method == "CONNECT" || server.ListenerCount(HttpEvents.Upgrade) > 0;
            if (req.Upgrade)
            {
                upgradeRequest = req;
                return HeadersCompleteAction.SkipBodyUpgrade;
            }
        }
        Admission admission = Admit(req, keepAlive, out ServerResponse res);
        using HttpTracing.ActivityScope span = ServerTelemetry.Enter(res);
        Dispatch(admission, req, res);
        return HeadersCompleteAction.Continue;
    }

    /// <summary>What parserOnIncoming does with an admitted request.</summary>
    private enum Admission
    {
        /// <summary>Already answered (no Host, or an expectation nobody can meet): no event.</summary>
        Answered,

        /// <summary>Over <c>maxRequestsPerSocket</c>: <c>'dropRequest'</c>, then a 503.</summary>
        Drop,

        /// <summary><c>Expect: 100-continue</c> with a <c>'checkContinue'</c> listener.</summary>
        CheckContinue,

        /// <summary><c>Expect: 100-continue</c> and no listener for it: <c>100 Continue</c>, then <c>'request'</c>.</summary>
        ContinueThenRequest,

        /// <summary>Another expectation, with a <c>'checkExpectation'</c> listener.</summary>
        CheckExpectation,

        /// <summary>A plain request: <c>'request'</c>.</summary>
        Request,
    }

    // The checks of parserOnIncoming before any event: makes the response, queues it (with the socket when it may
    // write at once), counts the request against maxRequestsPerSocket and decides what is emitted.
    private Admission Admit(IncomingMessage req, bool keepAlive, out ServerResponse res)
    {
        res = new ServerResponse(req, this)
        {
            KeepAliveTimeout = server.KeepAliveTimeout,
            MaxRequestsPerSocket = server.MaxRequestsPerSocket,
            UniqueHeaders = server.UniqueHeadersSet,
            RejectNonStandardBodyWrites = server.RejectNonStandardBodyWrites,
        };
        res.ShouldKeepAlive = keepAlive && !server.Draining;
        res.Telemetry = ServerTelemetry.RequestStart(server, req, socket);
        outgoing.Enqueue(res);
        if (outgoing.Count == 1 || CanFollow(outgoing[outgoing.Count - 2]))
        {
            // Also when the response before it already wrote its last bytes (a pipelined request answered in the
            // same turn): this one writes behind them at once, as OnResponseFinalIssued would let it, instead of
            // holding its output until the one before has finished.
            res.AssignSocket(socket);
        }
        // resOnFinish: ServerResponse calls OnResponseFinish ahead of its 'finish' event.

        if (req.HttpVersionMajor != 1 || req.HttpVersionMinor != 1)
        {
            return Admission.Request;
        }
        // RFC 9112 §3.2: an HTTP/1.1 request without Host is a 400.
        if (server.RequireHostHeader && !sawHost)
        {
            res.WriteHead(400, [new("Connection", "close")]);
            res.End();
            return Admission.Answered;
        }
        bool limitSet = server.MaxRequestsPerSocket > 0;
        if (limitSet)
        {
            requestsCount++;
            res.MaxRequestsOnConnectionReached = server.MaxRequestsPerSocket <= requestsCount;
            if (server.MaxRequestsPerSocket < requestsCount)
            {
                return Admission.Drop;
            }
        }
        if (!sawExpect || !req.Headers.TryGetValue("expect", out var expect))
        {
            return Admission.Request;
        }
        if (IsContinueExpectation(expect.ToString()))
        {
            res.ExpectContinue = true;
            return server.ListenerCount(HttpEvents.CheckContinue) > 0 ? Admission.CheckContinue : Admission.ContinueThenRequest;
        }
        if (server.ListenerCount(HttpEvents.CheckExpectation) > 0)
        {
            return Admission.CheckExpectation;
        }
        res.WriteHead(417);
        res.End();
        return Admission.Answered;
    }

    // The events of parserOnIncoming for an admitted request.
    private void Dispatch(Admission admission, IncomingMessage req, ServerResponse res)
    {
        switch (admission)
        {
            case Admission.Drop:
                HttpLog.RequestDropped(server.Logger, req.Method, req.Url, socket.RemoteAddress, socket.RemotePort, server.MaxRequestsPerSocket);
                server.Emit<IncomingMessage, Socket>(HttpEvents.DropRequest, req, socket);
                res.WriteHead(503);
                res.End();
                break;
            case Admission.CheckContinue:
                EmitGuarded(HttpEvents.CheckContinue, req, res);
                break;
            case Admission.ContinueThenRequest:
                res.WriteContinue();
                EmitGuarded(HttpEvents.Request, req, res);
                break;
            case Admission.CheckExpectation:
                EmitGuarded(HttpEvents.CheckExpectation, req, res);
                break;
            case Admission.Request:
                EmitGuarded(HttpEvents.Request, req, res);
                break;
            default:
                break;
        }
    }

    private void EmitGuarded(string eventName, IncomingMessage req, ServerResponse res)
    {
        try
        {
            server.Emit<IncomingMessage, ServerResponse>(eventName, req, res);
        }
        catch (Exception ex)
        {
            // A throwing handler fails its own response, not the parser or the other requests on the connection.
            server.HandlerFailed(res, ex);
        }
    }

    // Node's continueExpression: /(?:^|\W)100-continue(?:$|\W)/i
    private static bool IsContinueExpectation(string expect)
    {
        int i = expect.IndexOf("100-continue", StringComparison.OrdinalIgnoreCase);
        while (i >= 0)
        {
            bool startOk = i == 0 || !(char.IsAsciiLetterOrDigit(expect[i - 1]) || expect[i - 1] == '_');
            int end = i + 12;
            bool endOk = end == expect.Length || !(char.IsAsciiLetterOrDigit(expect[end]) || expect[end] == '_');
            if (startOk && endOk)
            {
                return true;
            }
            i = expect.IndexOf("100-continue", i + 1, StringComparison.OrdinalIgnoreCase);
        }
        return false;
    }

    // Node's resOnFinish: the response at the head of the queue went out entirely.
    private void ResOnFinish()
    {
        while (outgoing.Count > 0 && outgoing[0].WritableFinished)
        {
            ServerResponse res = outgoing.Dequeue();
            IncomingMessage req = res.Req;
            if (!req.Consuming && !req.ReadableStateInternal.ResumeScheduled)
            {
                // Node's _dump: a body nobody asked for is drained so the next request can be parsed.
                req.Dump();
            }
            res.DetachSocket();
            // Node's emitCloseNT: 'close' follows 'finish'; the socket stays (the message is finished). The response
            // is destroyed once the 'finish' listeners ran (Node marks it destroyed only on the next tick).
            res.DestroyFinished();
            if (res.Last)
            {
                // Responses queued behind the last one are never sent; their requests are aborted when the socket closes.
                socket.DestroySoon();
                return;
            }
            if (outgoing.Count == 0)
            {
                if (deferredError is not null)
                {
                    // Node reaches the bad bytes only once the socket reads again, after the dumped request's
                    // 'end' was queued: the error follows on a later tick.
                    loop.NextTick(RaiseDeferredErrorCallback, this);
                    return;
                }
                if (phase is ConnectionPhase.Answering or ConnectionPhase.ReadingBody)
                {
                    phase = phase == ConnectionPhase.Answering ? ConnectionPhase.Idle : ConnectionPhase.Draining;
                    StartKeepAliveTimer();
                }
                CloseIfDraining();
            }
            else if (!outgoing[0].Attached)
            {
                outgoing[0].AssignSocket(socket);
            }
        }
        EndIfPending();
    }

    private static readonly Action<object?> RaiseDeferredErrorCallback = static s => ((ServerConnection)s!).RaiseDeferredError();

    private void RaiseDeferredError()
    {
        if (deferredError is null || socket.Destroyed)
        {
            return;
        }
        SocketOnError(deferredError);
        if (!socket.Destroyed)
        {
            // A 'clientError' listener took the socket: it reads on, so the peer's FIN closes it.
            socket.ResumeReading();
        }
    }

    // Node sets socket.setTimeout(keepAliveTimeout + buffer) when the last response finishes and takes it back at the next
    // request; one timer per connection, refreshed, does the same without a new timer per request.
    private void StartKeepAliveTimer()
    {
        if (server.KeepAliveTimeout <= 0 || socket.Destroyed)
        {
            return;
        }
        if (keepAliveTimer is null)
        {
            keepAliveTimer = loop.SetTimeout(KeepAliveExpiredCallback, this, server.KeepAliveTimeout + KeepAliveTimeoutBuffer);
            keepAliveTimer.Unref();
        }
        else
        {
            keepAliveTimer.Refresh();
        }
    }

    private void KeepAliveExpired()
    {
        if (phase is ConnectionPhase.Idle or ConnectionPhase.Draining && !socket.Destroyed)
        {
            SocketOnTimeout();
        }
    }

    // Node's socketOnEnd: the client half-closed.
    private void SocketOnEnd()
    {
        if (phase == ConnectionPhase.Upgraded || deferredError is not null)
        {
            // After a deferred parse error the connection ends with its answer (ResOnFinish).
            return;
        }
        if (outputPaused || EndedAnswerQueued())
        {
            // Node reads nothing while the answers pile up, so it sees the FIN only once they have gone out
            // (SocketOnDrain, ResOnFinish); ending now would abort requests whose answers are complete but still
            // queued, and cut those answers off.
            endPending = true;
            return;
        }
        var callbacks = new CollectingCallbacks<Events>(collector, new Events(this));
        HpeCode rc = parser.Finish(ref callbacks);
        // Node's binding reports no parse error once the head asked for an upgrade (node_http_parser.cc checks
        // `!parser_.upgrade`), so an upgrade nobody took whose body is cut short just closes; strict, it is a 400
        // like any request cut short.
        if (rc != HpeCode.Ok && (server.StrictRequests || !parser.Upgrade))
        {
            SocketOnError(new NodeHttpException(HttpParser.CodeName(rc), "Parse Error: " + parser.ErrorReason)
            {
                Reason = parser.ErrorReason,
                BytesParsed = 0,
            });
            return;
        }
        EndIncoming();
    }

    // A response already ended by its handler still waits to go out.
    private bool EndedAnswerQueued()
    {
        for (int i = 0; i < outgoing.Count; i++)
        {
            if (outgoing[i].WritableEnded)
            {
                return true;
            }
        }
        return false;
    }

    // The FIN held while answers went out is handled once none is left waiting.
    private void EndIfPending()
    {
        if (endPending && !outputPaused && !EndedAnswerQueued() && !socket.Destroyed)
        {
            endPending = false;
            SocketOnEnd();
        }
    }

    private void EndIncoming()
    {
        // Node's abortIncoming aborts only the requests; their responses close with the socket.
        AbortRequests();
        if (socket.IsWritable)
        {
            socket.End();
        }
    }

    // Node's socketOnClose: requests not answered are aborted. Their responses close later, in
    // SocketOnCloseResponses.
    private void SocketOnClose()
    {
        keepAliveTimer?.Close();
        keepAliveTimer = null;
        server.RemoveConnection(this);
        ServerTelemetry.ConnectionClosed(telemetry);
        if (phase == ConnectionPhase.Upgraded)
        {
            return;
        }
        phase = ConnectionPhase.Closed;
        AbortRequests();
    }

    // Node's onServerResponseClose: responses not finished are closed, after the socket 'close' listeners added in
    // the server's 'connection' event.
    private void SocketOnCloseResponses()
    {
        if (phase != ConnectionPhase.Upgraded)
        {
            CloseResponses();
        }
    }

    private void AbortRequests()
    {
        IncomingMessage? parsing = incoming;
        incoming = null;
        bool parsingAnswered = false;
        for (int i = 0; i < outgoing.Count; i++)
        {
            parsingAnswered |= outgoing[i].Req == parsing;
        }
        if (parsing is not null && !parsing.Destroyed && !parsingAnswered)
        {
            parsing.Destroy(ConnectionReset());
        }
        // The responses stay listed: SocketOnCloseResponses closes them after the user's socket 'close' listeners.
        for (int i = 0; i < outgoing.Count; i++)
        {
            IncomingMessage req = outgoing[i].Req;
            if (!req.Destroyed && (!req.Complete || !req.ReadableEnded))
            {
                req.Destroy(ConnectionReset());
            }
        }
    }

    private void CloseResponses()
    {
        while (outgoing.Count > 0)
        {
            outgoing.Dequeue().OnSocketClose();
        }
    }

    /// <summary>Whether <paramref name="res"/> waits behind another response for the socket (pipelining).</summary>
    internal bool IsQueued(ServerResponse res) => !res.Attached && outgoing.Contains(res);

    /// <summary>Whether <paramref name="res"/> is still in this connection's queue (Node's state.outgoing, or at its head).</summary>
    internal bool Lists(ServerResponse res) => outgoing.Contains(res);

    /// <summary>Whether <paramref name="res"/>, destroyed with this connection's socket (or queued, to destroy the socket
    /// it will be given), closes when the socket's 'close' reaches SocketOnCloseResponses.</summary>
    internal bool ClosesWithSocket(ServerResponse res) =>
        phase != ConnectionPhase.Upgraded && (socket.Destroyed || res.Socket is null) && outgoing.Contains(res);

    private static NodeHttpException ConnectionReset() =>
        new("ECONNRESET", "aborted") { Kind = ErrorKind.Error };

    // Node's socketOnTimeout: the request, the response and the server may each take the timeout; else the socket goes.
    private void SocketOnTimeout()
    {
        if (phase == ConnectionPhase.Upgraded)
        {
            return;
        }
        IncomingMessage? req = incoming;
        bool reqTimeout = req is not null && !req.Complete && req.Emit<Socket>(HttpEvents.Timeout, socket);
        ServerResponse? res = outgoing.Count > 0 ? outgoing[0] : null;
        bool resTimeout = res is not null && res.Emit<Socket>(HttpEvents.Timeout, socket);
        bool serverTimeout = server.Emit<Socket>(HttpEvents.Timeout, socket);
        if (!reqTimeout && !resTimeout && !serverTimeout)
        {
            socket.Destroy();
        }
    }

    // Node's socketOnError: parse errors, timeouts and socket errors go to 'clientError', else the default answer.
    private void SocketOnError(Exception error)
    {
        if (errorHandled || phase == ConnectionPhase.Upgraded)
        {
            return;
        }
        errorHandled = true;
        socket.RemoveListener(HttpEvents.Error, onSocketError);
        socket.On<Exception>(HttpEvents.Error, static _ => { });
        RaiseClientError(error);
    }

    // The rest of Node's socketOnError: 'clientError', or without a listener the default answer and the close.
    private void RaiseClientError(Exception error)
    {
        ServerTelemetry.ClientError(server, telemetry, error, socket);
        if (server.Emit<Exception, Socket>(HttpEvents.ClientError, error, socket))
        {
            return;
        }
        // Answer only if nothing of a response reached the socket yet, so the peer's stream is not corrupted.
        if (socket.IsWritable && (outgoing.Count == 0 || !outgoing[0].HeadFlushed))
        {
            string? code = (error as NodeHttpException)?.Code;
            NodeBuffer response = code switch
            {
                "HPE_HEADER_OVERFLOW" => HeaderTooLargeResponse,
                "HPE_CHUNK_EXTENSIONS_OVERFLOW" => ChunkExtensionsTooLargeResponse,
                "ERR_HTTP_REQUEST_TIMEOUT" => RequestTimeoutResponse,
                _ => BadRequestResponse,
            };
            socket.Write(response);
        }
        // What responses already wrote goes out first (the socket sends what it holds before it closes).
        socket.Destroy(error);
    }

    /// <summary>Sends what was written this turn, then destroys the socket (a failed handler's connection).</summary>
    internal void FlushAndDestroy()
    {
        if (!socket.Destroyed)
        {
            socket.Destroy();
        }
    }

    private void OnUpgrade(IncomingMessage req, ReadOnlySpan<byte> rest)
    {
        NodeBuffer head = NodeBuffer.From(rest);
        Detach();
        string eventName = req.Method == "CONNECT" ? HttpEvents.Connect : HttpEvents.Upgrade;
        if (eventName == HttpEvents.Upgrade || server.ListenerCount(eventName) > 0)
        {
            try
            {
                server.Emit<IncomingMessage, Socket, NodeBuffer>(eventName, req, socket, head);
            }
            catch (Exception ex)
            {
                loop.ReportUncaught(ex);
            }
        }
        else
        {
            // Node: a CONNECT nobody handles closes the connection.
            socket.Destroy();
        }
    }

    // After 'upgrade'/'connect' the socket is the user's: the HTTP layer lets go of it.
    private void Detach()
    {
        phase = ConnectionPhase.Upgraded;
        incoming = null;
        socket.DataSink = null;
        // Node resets the stream to its fresh state (neither flowing nor explicitly paused), so a 'data' listener
        // added by the user starts the flow; the socket was paused on accept so only the parser read it. Its
        // isPaused() is false, as in Node (whose server never paused it), while the bytes after the head go on
        // being read into its buffer.
        socket.ReadableStateInternal.Flowing = null;
        socket.ReadableStateInternal.Paused = null;
        socket.RemoveListener(StreamEvents.End, onSocketEnd);
        socket.RemoveListener(HttpEvents.Close, onSocketClose);
        socket.RemoveListener(HttpEvents.Close, onSocketCloseResponses);
        socket.RemoveListener(HttpEvents.Timeout, onSocketTimeout);
        socket.RemoveListener(HttpEvents.Error, onSocketError);
        socket.RemoveListener(StreamEvents.Drain, onSocketDrain);
        keepAliveTimer?.Close();
        keepAliveTimer = null;
        server.RemoveConnection(this);
        ServerTelemetry.ConnectionUpgraded(telemetry, socket);
    }

    private HpeCode MessageBegin()
    {
        incoming = new IncomingMessage(socket, this) { JoinDuplicateHeaders = server.JoinDuplicateHeaders };
        // Node's server sets parser.maxHeaderPairs = maxHeadersCount << 1 (see HeaderLineLimit).
        collector.MaxEntries = HeaderLineLimit.EntriesFor(server.MaxHeadersCount);
        drained = 0;
        // A new request started: the connection is no longer idle, its keep-alive timer stops counting (Node's
        // resetSocketTimeout).
        phase = ConnectionPhase.ReadingHead;
        messageStart = loop.Now;
        return HpeCode.Ok;
    }

    private HeadersCompleteAction HeadersComplete(HttpParser p)
    {
        IncomingMessage? req = incoming;
        if (req is null)
        {
            return HeadersCompleteAction.Error;
        }
        collector.CompleteHead(req);
        // Node looks for Host and Expect in req.headers, made of the first maxHeadersCount lines.
        FindHostAndExpect(req.RawHeaders, HeaderLineLimit.EntriesFor(server.MaxHeadersCount));
        req.SetVersion(p.HttpMajor, p.HttpMinor);
        req.Method = HttpParser.MethodName(p.Method);
        req.Url = collector.TakeStartText();
        if (server.StrictRequests)
        {
            string? refused = HostValidation.Check(hostCount, firstHost, req.Url, req.Method, p.HttpMajor == 1 && p.HttpMinor == 1, validHost);
            if (refused is not null)
            {
                // A parse error, as llhttp's own refusals: 'clientError', else 400 and the connection closes.
                p.RejectHead(HpeCode.Strict, refused);
                return HeadersCompleteAction.Error;
            }
            if (firstHost is { Length: > 0 })
            {
                validHost = firstHost;
            }
        }
        phase = ConnectionPhase.ReadingBody;
        req.Upgrade = p.Upgrade;
        return OnIncoming(req, p.ShouldKeepAlive);
    }

    private void FindHostAndExpect(IReadOnlyList<string> raw, long maxEntries)
    {
        sawExpect = false;
        hostCount = 0;
        firstHost = null;
        // The array the collector made, read directly (no interface call per line); the length settles most names.
        string[]? lines = raw as string[];
        int count = lines is not null ? lines.Length : raw.Count;
        int n = maxEntries > 0 && maxEntries < count ? (int)maxEntries : count;
        for (int i = 0; i + 1 < n; i += 2)
        {
            string name = lines is not null ? lines[i] : raw[i];
            if (name.Length == 4 && name.Equals("host", StringComparison.OrdinalIgnoreCase))
            {
                firstHost ??= lines is not null ? lines[i + 1] : raw[i + 1];
                hostCount++;
            }
            sawExpect |= name.Length == 6 && name.Equals("expect", StringComparison.OrdinalIgnoreCase);
        }
        sawHost = hostCount > 0;
    }

    private HpeCode Body(ReadOnlySpan<byte> data)
    {
        IncomingMessage? req = incoming;
        if (req is null || req.Destroyed)
        {
            return HpeCode.Ok;
        }
        if (req.Dumped)
        {
            // Node's parserOnBody skips a dumped body; past the bound, reading it is not worth the connection.
            drained += data.Length;
            if (drained > DrainLimit)
            {
                socket.Destroy();
                return HpeCode.User;
            }
            return HpeCode.Ok;
        }
        if (!req.Push(NodeBuffer.From(data)) && !bodyPaused)
        {
            bodyPaused = true;
            // Node's readStop is socket.pause(), which emits 'pause' on the socket; reading stops here through the
            // parser's return instead, so only the event is raised.
            socket.Emit(StreamEvents.Pause);
        }
        return HpeCode.Ok;
    }

    private HpeCode MessageComplete()
    {
        IncomingMessage? req = incoming;
        incoming = null;
        if (phase is ConnectionPhase.ReadingHead or ConnectionPhase.ReadingBody)
        {
            phase = outgoing.Count > 0 ? ConnectionPhase.Answering : ConnectionPhase.Idle;
        }
        else if (phase == ConnectionPhase.Draining)
        {
            phase = ConnectionPhase.Idle;
        }
        if (req is not null)
        {
            collector.CompleteTrailers(req);
            if (!req.Destroyed)
            {
                req.Complete = true;
                req.Push(null);
            }
        }
        // The body is over; whatever follows is the next message, read regardless of the last body's consumer.
        bodyPaused = false;
        CloseIfDraining();
        return HpeCode.Ok;
    }

    /// <summary>The request events of the parser's callbacks (<see cref="CollectingCallbacks{TEvents}"/>).</summary>
    private readonly struct Events(ServerConnection c) : IMessageEvents
    {
        public HpeCode OnMessageBegin() => c.MessageBegin();

        public HeadersCompleteAction OnHeadersComplete(HttpParser parser) => c.HeadersComplete(parser);

        public HpeCode OnBody(ReadOnlySpan<byte> data) => c.Body(data);

        public HpeCode OnMessageComplete() => c.MessageComplete();
    }
}
