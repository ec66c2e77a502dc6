using Microsoft.Extensions.Primitives;

namespace NodeHttp;

/// <summary>
/// Node's <c>http.ServerResponse</c>: the response a <see cref="Server"/> sends for one request. Created by the
/// server and passed to <c>'request'</c>. The body is chunked unless the length is known (<c>Content-Length</c> set,
/// or <c>End(data)</c> is the only write); HTTP/1.0 peers get a body delimited by closing the connection;
/// responses to HEAD and 1xx/204/304 have none.
/// </summary>
public sealed partial class ServerResponse : OutgoingMessage
{
    private static readonly NodeBuffer ContinueLine = NodeBuffer.Wrap("HTTP/1.1 100 Continue\r\n\r\n"u8.ToArray());
    private static readonly NodeBuffer ProcessingLine = NodeBuffer.Wrap("HTTP/1.1 102 Processing\r\n\r\n"u8.ToArray());

    private readonly ServerConnection? connection;
    // resOnFinish is a registered 'finish' listener (someone else listens for 'finish' too).
    private bool resOnFinishListening;

    // Its 'finish' is being emitted: resOnFinish leaves its destroy to OnFinish, after the listeners.
    private bool emittingFinish;
    private int statusCode = 200;
    // The last reason phrase found valid, by reference (usually the status table's): its scan runs once. Any thread
    // may replace it; a string is immutable, so one seen here was valid whoever put it here.
    private static string? lastValidStatusMessage;
    private string? statusMessage;
    private StreamStateBase? pendingDestroy;

    internal ServerResponse(IncomingMessage req, ServerConnection? connection)
    {
        Req = req;
        req.LinkResponse(this);
        this.connection = connection;
        if (connection is not null && connection.Socket.WritableHighWaterMark != WritableStateInternal.HighWaterMark)
        {
            // Node's kHighWaterMark: the socket's writable highWaterMark (the server's highWaterMark option), which
            // bounds what the response buffers before its writes answer false.
            WritableStateInternal.HighWaterMark = connection.Socket.WritableHighWaterMark;
        }
        SendDate = true;
        if (req.Method == "HEAD")
        {
            HasBody = false;
        }
        if (req.HttpVersionMajor < 1 || (req.HttpVersionMajor == 1 && req.HttpVersionMinor < 1))
        {
            // Node: an HTTP/1.0 peer gets chunks only if it said it understands them (TE: chunked).
            UseChunkedEncodingByDefault = HasChunkedToken(req.Headers["te"].ToString());
            ShouldKeepAlive = false;
        }
    }

    /// <summary>Node's <c>response.req</c>: the request this response answers.</summary>
    public IncomingMessage Req { get; }

    /// <summary>Node's <c>response.statusCode</c> (200): the status sent when the head is built implicitly.</summary>
    public int StatusCode
    {
        get => statusCode;
        set => statusCode = value;
    }

    /// <summary>Node's <c>response.statusMessage</c>: the reason phrase; unless set, the standard one for <see cref="StatusCode"/>
    /// (from <see cref="Http.StatusCodes"/>, <c>"unknown"</c> for a code without one).</summary>
    public string StatusMessage
    {
        get => statusMessage ?? (HttpCommon.StatusCodes.TryGetValue(statusCode, out string? reason) ? reason : "unknown");
        set => statusMessage = value;
    }

    /// <summary>The connection this response belongs to (null for a response made outside a server).</summary>
    internal ServerConnection? Connection => connection;

    /// <summary>The request's metrics and span while someone listens (null otherwise, and once recorded).</summary>
    internal ServerRequestTelemetry? Telemetry { get; set; }

    /// <summary>Whether the client sent <c>Expect: 100-continue</c> (Node's <c>_expect_continue</c>).</summary>
    internal bool ExpectContinue { get; set; }

    /// <summary>Whether <c>100 Continue</c> was sent (Node's <c>_sent100</c>).</summary>
    internal bool Sent100 { get; private set; }

    /// <inheritdoc/>
    private protected override int StatusCodeForFraming => statusCode;

    /// <summary>
    /// Node's <c>response.writeHead(statusCode[, statusMessage][, headers])</c>: builds the head now. Headers given
    /// here win over those set with <see cref="OutgoingMessage.SetHeader(string, StringValues)"/>; with none set before,
    /// they are sent exactly as listed (a name listed twice is sent twice).
    /// </summary>
    /// <exception cref="NodeHttpException"><c>ERR_HTTP_HEADERS_SENT</c>, <c>ERR_HTTP_INVALID_STATUS_CODE</c>, <c>ERR_INVALID_CHAR</c>, <c>ERR_INVALID_HTTP_TOKEN</c>.</exception>
    public ServerResponse WriteHead(int statusCode, string? statusMessage = null, IEnumerable<KeyValuePair<string, StringValues>>? headers = null)
    {
        if (HeadersSent)
        {
            ErrorCodes.Throw("ERR_HTTP_HEADERS_SENT", "write");
        }
        if (statusCode < 100 || statusCode > 999)
        {
            ErrorCodes.Throw("ERR_HTTP_INVALID_STATUS_CODE", statusCode);
        }
        if (statusMessage is not null)
        {
            this.statusMessage = statusMessage;
        }
        else
        {
            this.statusMessage ??= StatusLines.ReasonOf(statusCode) ?? "unknown";
        }
        this.statusCode = statusCode;

        IEnumerable<KeyValuePair<string, StringValues>>? raw = null;
        if (HeaderCount > 0 || headers is null)
        {
            if (headers is not null)
            {
                // Node 20: given headers win over set ones. A name given once is set in place (Node's object form:
                // setHeader keeps the position and adopts the new casing); a name given several times replaces the
                // set one with every occurrence (Node's array form: removeHeader, then appendHeader each).
                var list = headers as IReadOnlyCollection<KeyValuePair<string, StringValues>> ?? headers.ToList();
                Dictionary<string, int>? counts = null;
                foreach (KeyValuePair<string, StringValues> pair in list)
                {
                    if (!string.IsNullOrEmpty(pair.Key))
                    {
                        counts ??= new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                        counts[pair.Key] = counts.GetValueOrDefault(pair.Key) + 1;
                    }
                }
                foreach (KeyValuePair<string, StringValues> pair in list)
                {
                    if (!string.IsNullOrEmpty(pair.Key) && counts![pair.Key] > 1 && HasHeader(pair.Key))
                    {
                        RemoveHeader(pair.Key);
                    }
                }
                foreach (KeyValuePair<string, StringValues> pair in list)
                {
                    if (string.IsNullOrEmpty(pair.Key))
                    {
                        continue;
                    }
                    if (counts![pair.Key] > 1)
                    {
                        AppendHeader(pair.Key, pair.Value);
                    }
                    else
                    {
                        SetHeader(pair.Key, pair.Value);
                    }
                }
            }
        }
        else
        {
            raw = headers;
        }

        if (!ReferenceEquals(this.statusMessage, lastValidStatusMessage))
        {
            if (HttpCommon.HasInvalidHeaderChar(this.statusMessage))
            {
                ErrorCodes.Throw("ERR_INVALID_CHAR", "statusMessage");
            }
            lastValidStatusMessage = this.statusMessage;
        }
        if (statusCode is 204 or 304 || (statusCode >= 100 && statusCode <= 199))
        {
            HasBody = false;
        }
        if (ExpectContinue && !Sent100)
        {
            // Node: a final status without 100 Continue may leave the body on the wire; do not reuse the connection.
            ShouldKeepAlive = false;
        }

        StoreHeader(statusCode, this.statusMessage, raw);
        return this;
    }

    /// <summary>Node's <c>response.writeHead(statusCode, headers)</c>.</summary>
    public ServerResponse WriteHead(int statusCode, IEnumerable<KeyValuePair<string, StringValues>> headers) =>
        WriteHead(statusCode, null, headers);

    /// <summary>Node's <c>response.writeContinue()</c>: sends <c>HTTP/1.1 100 Continue</c>.</summary>
    public void WriteContinue(Action? callback = null)
    {
        WriteRaw(ContinueLine, StreamCallbacks.FromAction(callback));
        Sent100 = true;
    }

    /// <summary>Node's <c>response.writeProcessing()</c>: sends <c>HTTP/1.1 102 Processing</c>.</summary>
    public void WriteProcessing(Action? callback = null) =>
        WriteRaw(ProcessingLine, StreamCallbacks.FromAction(callback));

    /// <summary>Node's <c>response.writeEarlyHints(hints[, callback])</c>: sends <c>HTTP/1.1 103 Early Hints</c> with the hints.
    /// Without a <c>link</c> hint, or with an empty list of links, nothing is written (as Node).</summary>
    /// <exception cref="NodeHttpException"><c>ERR_INVALID_ARG_VALUE</c> for a link not of the form <c>&lt;/a.css&gt;; rel=preload</c>.</exception>
    public void WriteEarlyHints(IEnumerable<KeyValuePair<string, StringValues>> hints, Action? callback = null)
    {
        ArgumentNullException.ThrowIfNull(hints);
        StringValues links = default;
        bool hasLink = false;
        foreach (KeyValuePair<string, StringValues> hint in hints)
        {
            if (hint.Key.Equals("link", StringComparison.OrdinalIgnoreCase))
            {
                links = hint.Value;
                hasLink = true;
            }
        }
        // As Node: no link, or an empty list of links, writes nothing; each link must look like "</a.css>; rel=preload".
        if (!hasLink || links.Count == 0)
        {
            return;
        }
        foreach (string? link in links)
        {
            if (link is null || !EarlyHintLinks.IsValid(link))
            {
                throw EarlyHintLinks.InvalidArgument(link);
            }
        }
        var text = new System.Text.StringBuilder("HTTP/1.1 103 Early Hints\r\n");
        text.Append("Link: ").Append(string.Join(", ", links.ToArray())).Append("\r\n");
        foreach (KeyValuePair<string, StringValues> hint in hints)
        {
            if (!hint.Key.Equals("link", StringComparison.OrdinalIgnoreCase))
            {
                Http.ValidateHeaderName(hint.Key);
                Http.ValidateHeaderValue(hint.Key, hint.Value.ToString());
                text.Append(hint.Key).Append(": ").Append(hint.Value.ToString()).Append("\r\n");
            }
        }
        text.Append("\r\n");
        WriteRaw(NodeBuffer.Wrap(System.Text.Encoding.Latin1.GetBytes(text.ToString())), StreamCallbacks.FromAction(callback));
    }

    /// <summary>Node's <c>response.setTimeout(msecs[, callback])</c>: the socket's idle timeout; <c>'timeout'</c> is emitted on this response.</summary>
    public ServerResponse SetTimeout(int ms, Action? callback = null)
    {
        if (callback is not null)
        {
            On(HttpEvents.Timeout, callback);
        }
        if (Socket is { } socket)
        {
            socket.SetTimeout(ms);
        }
        else
        {
            SetSocketTimeoutWhenGiven(ms);
        }
        return this;
    }

    /// <summary>Node's <c>response.setHeader</c> typed as the response, for chaining.</summary>
    public new ServerResponse SetHeader(string name, StringValues value)
    {
        base.SetHeader(name, value);
        return this;
    }

    /// <summary>Node's <c>response.setHeader(name, number)</c>.</summary>
    public new ServerResponse SetHeader(string name, long value)
    {
        base.SetHeader(name, value);
        return this;
    }

    /// <summary>Node's <c>response.setHeaders(headers)</c> typed as the response, for chaining.</summary>
    public new ServerResponse SetHeaders(IEnumerable<KeyValuePair<string, StringValues>> headers)
    {
        base.SetHeaders(headers);
        return this;
    }

    /// <inheritdoc/>
    private protected override void ImplicitHeader() => WriteHead(statusCode);

    /// <inheritdoc/>
    private protected override void OnFinalIssued() => connection?.OnResponseFinalIssued(this);

    /// <inheritdoc/>
    private protected override void OnPendingData(int delta) => connection?.UpdateOutgoingData(delta);

    // ServerResponse is sealed, so its _final and _destroy are OutgoingMessage's: they run here and complete
    // through the stream state, with no callback delegate per response.
    private protected override void FinalWithState(WritableState state) => IssueFinal(null, state);

    // Node's OutgoingMessage.destroy only destroys the socket; the response's 'close' comes from
    // onServerResponseClose when the socket closes, after the socket 'close' listeners added at 'connection'.
    private protected override void DestroyWithState(Exception? error, StreamStateBase owner)
    {
        ServerTelemetry.RequestEnd(this, error);
        ReleaseOnDestroy(error);
        if (Socket is null && connection is not null && connection.IsQueued(this))
        {
            DestroySocketWhenGiven(error);
        }
        if (connection is not null && connection.ClosesWithSocket(this))
        {
            pendingDestroy = owner;
            return;
        }
        owner.CompleteDestroy(null);
    }

    /// <summary>Node's <c>onServerResponseClose</c>: the socket closed before this response finished.</summary>
    internal void OnSocketClose()
    {
        if (pendingDestroy is { } owner)
        {
            pendingDestroy = null;
            owner.CompleteDestroy(null);
        }
        else if (!Destroyed)
        {
            Destroy();
        }
    }

    // Queued behind a response still being written (pipelining): the socket's timeout is set once it is ours. (A
    // method of its own, so the closure is made only here, not on every SetTimeout.)
    private void SetSocketTimeoutWhenGiven(int ms) => Once<Socket>(HttpEvents.Socket, s => s.SetTimeout(ms));

    // Node: a response still waiting for its socket (pipelining) destroys the socket it is given. (A method of its
    // own, so the closure is made only here, not on every destroy.)
    private void DestroySocketWhenGiven(Exception? error) => Once<Socket>(HttpEvents.Socket, s => s.Destroy(error));

    /// <summary>Node's ServerResponse.assignSocket: <c>'socket'</c> is emitted before buffered output is flushed.</summary>
    private protected override void OnSocketAssigned(Socket socket) => Emit(HttpEvents.Socket, socket);

    /// <summary>
    /// Node's resOnFinish is the first <c>'finish'</c> listener, added before the user gets the response: while nobody
    /// else listens for <c>'finish'</c> it is called here, ahead of the event, with no listener per response.
    /// </summary>
    private protected override void OnFinish()
    {
        emittingFinish = true;
        try
        {
            if (!resOnFinishListening)
            {
                connection?.OnResponseFinish();
            }
            base.OnFinish();
        }
        finally
        {
            emittingFinish = false;
            // resOnFinish took this response off the queue: it is destroyed now that the listeners ran.
            if (connection is not null && !Destroyed && !connection.Lists(this))
            {
                Destroy();
            }
        }
    }

    /// <summary>
    /// resOnFinish's destroy of a finished response: while its <c>'finish'</c> is being emitted, it waits until the
    /// listeners ran (<see cref="OnFinish"/>), so they see <see cref="Writable.Destroyed"/> false as in Node (whose
    /// emitCloseNT marks it on the next tick); the <c>'close'</c> is queued as that tick would be.
    /// </summary>
    internal void DestroyFinished()
    {
        if (!emittingFinish)
        {
            Destroy();
        }
    }

    /// <summary>
    /// Before anyone else listens for <c>'finish'</c>, resOnFinish becomes a real listener: an appended one then runs
    /// after it and a prepended one before it, as in Node.
    /// </summary>
    private protected override void OnNewListener(string eventName, Delegate listener)
    {
        if (connection is { } c && eventName == StreamEvents.Finish)
        {
            if (ReferenceEquals(listener, c.ResOnFinishListener))
            {
                // Node added resOnFinish before anyone could listen for 'newListener'.
                return;
            }
            if (!resOnFinishListening)
            {
                resOnFinishListening = true;
                On(StreamEvents.Finish, c.ResOnFinishListener);
            }
        }
        base.OnNewListener(eventName, listener);
    }

    // Node's chunkExpression: /(?:^|\W)chunked(?:$|\W)/i
    private static bool HasChunkedToken(string value)
    {
        int i = value.IndexOf("chunked", StringComparison.OrdinalIgnoreCase);
        while (i >= 0)
        {
            bool startOk = i == 0 || !(char.IsAsciiLetterOrDigit(value[i - 1]) || value[i - 1] == '_');
            int end = i + 7;
            bool endOk = end == value.Length || !(char.IsAsciiLetterOrDigit(value[end]) || value[end] == '_');
            if (startOk && endOk)
            {
                return true;
            }
            i = value.IndexOf("chunked", i + 1, StringComparison.OrdinalIgnoreCase);
        }
        return false;
    }
}
