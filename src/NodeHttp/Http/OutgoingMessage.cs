using Microsoft.Extensions.Primitives;

namespace NodeHttp;

/// <summary>
/// Node's <c>http.OutgoingMessage</c>: the part of a request or response being sent, shared by
/// <see cref="ServerResponse"/> and the client's request. It stores headers (case-insensitive, original casing
/// kept for the wire), builds the head the way Node's <c>_storeHeader</c> does, frames the body (chunked,
/// <c>Content-Length</c>, or read until close), sends trailers after a chunked body, and buffers output until
/// it is given a socket.
/// </summary>
/// <remarks>
/// The body goes through the <see cref="Writable"/> state machine: a write completes when the socket has taken
/// the bytes, so <see cref="WritableExtensions.extension(IWritable).Write(string, string, Action{Exception?})"/> returns false under socket
/// back-pressure and <c>'drain'</c> follows. Owned by one loop; call it on that loop.
/// </remarks>
public class OutgoingMessage : Writable
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private static readonly NodeBuffer CrlfBuffer = NodeBuffer.Wrap("\r\n"u8.ToArray());
    private static SizeLineBuffer? lastSizeLine;
    private static readonly NodeBuffer Empty = NodeBuffer.Wrap(Array.Empty<byte>());

    // Read-only after construction, so every message shares one instance.
    private static readonly WritableOptions MessageOptions = new() { HighWaterMark = Socket.DefaultHighWaterMark, AutoDestroy = false };

    // The thread's head writer and the message whose waiting head is in it: one thread-static, read once a head.
    [ThreadStatic]
    private static HeadScratch? threadScratch;

    // Heads up to this size stay in the thread's scratch writer until sent, instead of a rented copy of their own.
    private const int ScratchHeadLimit = 4096;

    // Node's kOutHeaders (a struct: the fields of the store live in the message).
    private OutgoingHeaders headers;
    // The head (Node's _header), built and not yet sent: rented from the shared pool, it goes in front of the first
    // bytes sent once the message has its socket.
    private byte[]? pendingHead;
    private int pendingHeadLength;
    // Non-null: pendingHead is this scratch writer's array of the loop thread (not rented by this message), the
    // usual head, built and sent in one callback, copied once, from there into the socket. Loop thread only.
    private HeadScratch? headScratch;
    // Node's outputData and outputSize: pieces written before the message had its socket, waiting for one.
    private List<PendingWrite>? outputData;
    private int outputSize;
    private string? trailer;
    private HashSet<string>? uniqueHeaders;
    // Callbacks of writes waiting for the socket's own write callback.
    private WriteCallbackQueue writeCallbacks;
    private Action<Exception?>? onSocketWrite;

    // The head was built (Node's `_header` is set); it may still wait in pendingHead.
    private bool headerBuilt;

    /// <summary>Creates a message owned by the calling loop.</summary>
    internal OutgoingMessage()
        // No autoDestroy: as Node's OutgoingMessage, a write after end is an 'error' that leaves the socket alone;
        // 'close' is emitted by the owner once the message is done with its socket.
        : base(MessageOptions)
    {
    }

    /// <summary>Creates a message with its own stream options (the client request emits <c>'close'</c> itself and is not auto-destroyed, as Node's).</summary>
    private protected OutgoingMessage(WritableOptions options, int eventCapacity)
        : base(options, eventCapacity)
    {
    }

    /// <summary>Node's <c>outgoingMessage.headersSent</c>: the head was built (and can no longer change).</summary>
    public bool HeadersSent => headerBuilt;

    /// <summary>Node's <c>outgoingMessage.sendDate</c>: add a <c>Date</c> header when the user set none (true for server responses).</summary>
    public bool SendDate { get; set; }

    /// <summary>
    /// Node's <c>outgoingMessage.socket</c> (and <c>connection</c>): the socket this message is written to, once
    /// assigned. A server response queued behind another (pipelining) has none until its turn, and lets go of it
    /// when it finished (Node's <c>detachSocket</c>).
    /// </summary>
    public Socket? Socket { get; private set; }

    /// <summary>Node's <c>outgoingMessage.finished</c>: <c>End()</c> was called (an alias of <see cref="WritableExtensions.extension(IWritable).WritableEnded"/>).</summary>
    public bool Finished => this.WritableEnded;

    /// <summary>
    /// Node's <c>outgoingMessage.writable</c>: true from the start and never cleared, not by <c>End()</c> nor by a
    /// closed socket (Node keeps it so for compatibility). Whether a write can still go out is
    /// <see cref="WritableExtensions.extension(IWritable).WritableEnded"/> and <see cref="Writable.Destroyed"/>.
    /// </summary>
    public bool IsWritable => true;

    /// <inheritdoc/>
    internal override bool? LegacyMessageClosed => Closed;

    /// <summary>Node's <c>chunkedEncoding</c>: the body is sent in chunks.</summary>
    internal bool ChunkedEncoding { get; set; }

    /// <summary>Node's <c>useChunkedEncodingByDefault</c>: a body of unknown length may be chunked (false for HTTP/1.0 peers).</summary>
    internal bool UseChunkedEncodingByDefault { get; set; } = true;

    /// <summary>Node's <c>shouldKeepAlive</c>: the connection may carry another message after this one.</summary>
    internal bool ShouldKeepAlive { get; set; } = true;

    /// <summary>Node's <c>_last</c>: the connection closes after this message.</summary>
    internal bool Last { get; set; }

    /// <summary>Node's <c>_hasBody</c>: false for responses to HEAD and for 1xx, 204 and 304.</summary>
    internal bool HasBody { get; set; } = true;

    /// <summary>Node's <c>kRejectNonStandardBodyWrites</c>: a body written where <see cref="HasBody"/> is false throws.</summary>
    internal bool RejectNonStandardBodyWrites { get; set; }

    /// <summary>Node's <c>_contentLength</c>: the body length when <c>End(data)</c> is the only write, else null.</summary>
    internal long? ContentLength { get; set; }

    /// <summary>Node's <c>_keepAliveTimeout</c> in ms: advertised as <c>Keep-Alive: timeout=N</c> when nonzero.</summary>
    internal int KeepAliveTimeout { get; set; }

    /// <summary>Node's <c>_defaultKeepAlive</c>-style flag for messages sent by an agent (client side): keep-alive is advertised without a length.</summary>
    internal bool HasAgent { get; set; }

    /// <summary>Node's <c>_maxRequestsPerSocket</c>: advertised as <c>Keep-Alive: timeout=N, max=M</c> when nonzero.</summary>
    internal int MaxRequestsPerSocket { get; set; }

    /// <summary>Node's <c>maxRequestsOnConnectionReached</c>: the last request the connection may carry, answered with <c>Connection: close</c>.</summary>
    internal bool MaxRequestsOnConnectionReached { get; set; }

    /// <summary>Node's <c>kUniqueHeaders</c>: lower-cased names whose several values are joined into one line.</summary>
    internal HashSet<string>? UniqueHeaders
    {
        get => uniqueHeaders;
        set => uniqueHeaders = value;
    }

    /// <summary>Whether this message is the one its socket is writing (Node's <c>socket._httpMessage === this</c>).</summary>
    internal bool Attached { get; private set; }

    /// <summary>Whether the head left (Node's <c>_headerSent</c>): built and handed on.</summary>
    internal bool HeadFlushed => headerBuilt && pendingHead is null;

    /// <summary>Whether the final piece of the message (terminator or last write) was handed on.</summary>
    internal bool FinalIssued { get; private set; }

    /// <summary>Node's <c>removedConnection</c>, <c>removedContLen</c>, <c>removedTE</c>: the user removed a header the framing would add.</summary>
    private bool removedConnection;
    private bool removedContentLength;
    private bool removedTransferEncoding;

    /// <summary>Node's <c>outgoingMessage.setHeader(name, value)</c>: sets (replaces) a header; several values send one line each.</summary>
    /// <exception cref="NodeHttpException"><c>ERR_HTTP_HEADERS_SENT</c>, <c>ERR_INVALID_HTTP_TOKEN</c>, <c>ERR_HTTP_INVALID_HEADER_VALUE</c>, <c>ERR_INVALID_CHAR</c>.</exception>
    public OutgoingMessage SetHeader(string name, StringValues value)
    {
        if (headerBuilt)
        {
            ErrorCodes.Throw("ERR_HTTP_HEADERS_SENT", "set");
        }
        ValidateHeader(name, value);
        headers.Set(name, value);
        return this;
    }

    /// <summary>Node's <c>outgoingMessage.setHeader(name, number)</c>.</summary>
    public OutgoingMessage SetHeader(string name, long value) =>
        SetHeader(name, new StringValues(value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>
    /// Node's <c>outgoingMessage.setHeaders(headers)</c> (a <c>Headers</c> or <c>Map</c> there): each entry is set as by
    /// <see cref="SetHeader(string, StringValues)"/>, so a later entry of a name replaces an earlier one, except
    /// <c>set-cookie</c>, whose values from every entry are gathered and set once at the end.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="headers"/> is null.</exception>
    /// <exception cref="NodeHttpException"><c>ERR_HTTP_HEADERS_SENT</c>, or an entry <see cref="SetHeader(string, StringValues)"/> refuses.</exception>
    public OutgoingMessage SetHeaders(IEnumerable<KeyValuePair<string, StringValues>> headers)
    {
        if (headerBuilt)
        {
            ErrorCodes.Throw("ERR_HTTP_HEADERS_SENT", "set");
        }
        ArgumentNullException.ThrowIfNull(headers);
        List<string?>? cookies = null;
        foreach (KeyValuePair<string, StringValues> entry in headers)
        {
            if (string.Equals(entry.Key, "set-cookie", StringComparison.OrdinalIgnoreCase))
            {
                (cookies ??= new List<string?>()).AddRange(entry.Value);
                continue;
            }
            SetHeader(entry.Key, entry.Value);
        }
        if (cookies is not null)
        {
            SetHeader("set-cookie", new StringValues(cookies.ToArray()));
        }
        return this;
    }

    /// <summary>Node's <c>outgoingMessage.appendHeader(name, value)</c>: adds values after any already set.</summary>
    public OutgoingMessage AppendHeader(string name, StringValues value)
    {
        if (headerBuilt)
        {
            ErrorCodes.Throw("ERR_HTTP_HEADERS_SENT", "append");
        }
        ValidateHeader(name, value);
        headers.Append(name, value);
        return this;
    }

    /// <summary>Node's <c>outgoingMessage.getHeader(name)</c>: the values set for <paramref name="name"/> (any case), or empty.</summary>
    public StringValues GetHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return headers.Get(name);
    }

    /// <summary>Node's <c>outgoingMessage.getHeaders()</c>: a copy, keyed by lower-cased name in order of first setting.</summary>
    public IReadOnlyDictionary<string, StringValues> GetHeaders()
    {
        var copy = new Dictionary<string, StringValues>(headers.Count, StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < headers.Count; i++)
        {
            copy[headers[i].Name.ToLowerInvariant()] = headers[i].Value;
        }
        return copy;
    }

    /// <summary>Node's <c>outgoingMessage.getHeaderNames()</c>: lower-cased names in order of first setting.</summary>
    public IReadOnlyList<string> GetHeaderNames()
    {
        if (headers.Count == 0)
        {
            return [];
        }
        var names = new string[headers.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = headers[i].Name.ToLowerInvariant();
        }
        return names;
    }

    /// <summary>Node's <c>outgoingMessage.getRawHeaderNames()</c>: names with the casing they were set with.</summary>
    public IReadOnlyList<string> GetRawHeaderNames()
    {
        if (headers.Count == 0)
        {
            return [];
        }
        var names = new string[headers.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = headers[i].Name;
        }
        return names;
    }

    /// <summary>How many distinct header names are set.</summary>
    internal int HeaderCount => headers.Count;

    /// <summary>Forgets every header set (the default error response of an async handler starts clean).</summary>
    internal void ClearHeaders() => headers.Clear();

    /// <summary>Node's <c>outgoingMessage.hasHeader(name)</c> (any case).</summary>
    public bool HasHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return headers.Has(name);
    }

    /// <summary>Node's <c>outgoingMessage.removeHeader(name)</c>: removing <c>Content-Length</c>, <c>Transfer-Encoding</c>,
    /// <c>Connection</c> or <c>Date</c> also stops the framing from adding it.</summary>
    /// <exception cref="NodeHttpException"><c>ERR_HTTP_HEADERS_SENT</c> once the head is built.</exception>
    public OutgoingMessage RemoveHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (headerBuilt)
        {
            ErrorCodes.Throw("ERR_HTTP_HEADERS_SENT", "remove");
        }
        if (name.Equals("connection", StringComparison.OrdinalIgnoreCase))
        {
            removedConnection = true;
        }
        else if (name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
        {
            removedContentLength = true;
        }
        else if (name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
        {
            removedTransferEncoding = true;
        }
        else if (name.Equals("date", StringComparison.OrdinalIgnoreCase))
        {
            SendDate = false;
        }
        headers.Remove(name);
        return this;
    }

    /// <summary>Node's <c>outgoingMessage.addTrailers(headers)</c>: trailer lines sent after a chunked body.</summary>
    /// <exception cref="NodeHttpException"><c>ERR_INVALID_HTTP_TOKEN</c> or <c>ERR_INVALID_CHAR</c> for a bad name or value.</exception>
    public void AddTrailers(IEnumerable<KeyValuePair<string, StringValues>> trailers)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        var text = new System.Text.StringBuilder();
        foreach (KeyValuePair<string, StringValues> pair in trailers)
        {
            if (string.IsNullOrEmpty(pair.Key) || !HttpCommon.IsToken(pair.Key))
            {
                ErrorCodes.Throw("ERR_INVALID_HTTP_TOKEN", "Trailer name", pair.Key);
            }
            StringValues values = pair.Value;
            if (values.Count > 1 && uniqueHeaders?.Contains(pair.Key) != true)
            {
                // As Node: several values are sent as several lines, one per value.
                foreach (string? one in values)
                {
                    AppendTrailer(text, pair.Key, one ?? string.Empty);
                }
            }
            else
            {
                // A unique header's values share one line, joined as Node joins them ("; ").
                AppendTrailer(text, pair.Key, values.Count > 1 ? string.Join("; ", values.ToArray()) : values.ToString());
            }
        }
        trailer = text.ToString();
    }

    private static void AppendTrailer(System.Text.StringBuilder text, string name, string value)
    {
        if (HttpCommon.HasInvalidHeaderChar(value))
        {
            ErrorCodes.Throw("ERR_INVALID_CHAR", "trailer content");
        }
        text.Append(name).Append(": ").Append(value).Append("\r\n");
    }

    /// <summary>Node's <c>outgoingMessage.flushHeaders()</c>: builds the head now and sends it without waiting for the body.</summary>
    public void FlushHeaders()
    {
        if (!headerBuilt)
        {
            ImplicitHeader();
        }
        FlushHead();
    }

    /// <summary>Node's <c>_implicitHeader</c>: builds the head from the current state (a response's status, a request's line).</summary>
    private protected virtual void ImplicitHeader() => ErrorCodes.Throw("ERR_METHOD_NOT_IMPLEMENTED", "_implicitHeader()");

    /// <summary>
    /// Node's <c>write_</c> prologue: a write after <c>End</c> (or destroy) fails on its own — callback and
    /// <c>'error'</c> on the next tick — without touching the message's state; otherwise the head is decided now.
    /// </summary>
    private protected override bool WriteImpl(NodeBuffer chunk, Action<Exception?>? callback) =>
        BeginWrite(callback) && base.WriteImpl(chunk, callback);

    /// <inheritdoc/>
    private protected override bool WriteSpanImpl(ReadOnlySpan<byte> chunk, Action<Exception?>? callback) =>
        BeginWrite(callback) && base.WriteSpanImpl(chunk, callback);

    // False (the failure reported on the next tick) for a write after end or destroy; else the head is built.
    private bool BeginWrite(Action<Exception?>? callback)
    {
        if (this.WritableEnded || Destroyed)
        {
            Exception error = this.WritableEnded
                ? ErrorCodes.Create("ERR_STREAM_WRITE_AFTER_END")
                : ErrorCodes.Create("ERR_STREAM_DESTROYED", "write");
            bool emit = !Destroyed;
            Loop.NextTick(static s =>
            {
                var (msg, e, cb, em) = ((OutgoingMessage, Exception, Action<Exception?>?, bool))s!;
                cb?.Invoke(e);
                if (em)
                {
                    msg.Emit<Exception>(HttpEvents.Error, e);
                }
            }, (this, error, callback, emit));
            return false;
        }
        if (!headerBuilt)
        {
            ImplicitHeader();
        }
        ThrowIfBodyNotAllowed();
        return true;
    }

    /// <summary>Node's <c>end([data])</c> prologue: a body given whole to <c>End</c>, with nothing written before, is framed
    /// by its length (no body at all is <c>Content-Length: 0</c>).</summary>
    private protected override void EndImpl(NodeBuffer? chunk, Action<Exception?>? callback)
    {
        BeginEnd(chunk?.Length ?? 0, chunk is not null);
        base.EndImpl(chunk, callback);
    }

    /// <inheritdoc/>
    private protected override void EndSpanImpl(ReadOnlySpan<byte> chunk, Action<Exception?>? callback)
    {
        BeginEnd(chunk.Length, chunk.Length != 0);
        base.EndSpanImpl(chunk, callback);
    }

    private void BeginEnd(int length, bool hasData)
    {
        if (!headerBuilt && !this.WritableEnded && !Destroyed)
        {
            ContentLength = length;
            ImplicitHeader();
        }
        if (hasData && !this.WritableEnded && !Destroyed)
        {
            // Node's end(data) writes the data through write_, which refuses it the same way.
            ThrowIfBodyNotAllowed();
        }
    }

    // Node's write_ with kRejectNonStandardBodyWrites: a body where the message may have none (HEAD, 1xx, 204, 304).
    private void ThrowIfBodyNotAllowed()
    {
        if (!HasBody && RejectNonStandardBodyWrites)
        {
            ErrorCodes.Throw("ERR_HTTP_BODY_NOT_ALLOWED");
        }
    }

    /// <summary>Node's <c>_storeHeader(firstLine, headers)</c> for the message's own header store.</summary>
    private protected void StoreHeader(ReadOnlySpan<byte> firstLine) => StoreHeader(firstLine, null);

    /// <summary>
    /// Node's <c>_storeHeader(firstLine, headers)</c>: writes the start line, the headers (the store's, or
    /// <paramref name="rawHeaders"/> when given: sent as listed, validated), then what framing needs: <c>Date</c>,
    /// <c>Connection</c>, <c>Keep-Alive</c>, then <c>Content-Length</c> or <c>Transfer-Encoding: chunked</c>.
    /// </summary>
    private protected void StoreHeader(ReadOnlySpan<byte> firstLine, IEnumerable<KeyValuePair<string, StringValues>>? rawHeaders)
    {
        HeadScratch sc = TakeScratch();
        sc.Writer.Write(firstLine);
        StoreHeaders(sc, rawHeaders);
    }

    /// <summary><see cref="StoreHeader(ReadOnlySpan{byte}, IEnumerable{KeyValuePair{string, StringValues}}?)"/> with a response's status line, written in place.</summary>
    private protected void StoreHeader(int statusCode, string statusMessage, IEnumerable<KeyValuePair<string, StringValues>>? rawHeaders)
    {
        HeadScratch sc = TakeScratch();
        StatusLines.Write(sc.Writer, statusCode, statusMessage);
        StoreHeaders(sc, rawHeaders);
    }

    // The thread's head writer, emptied; a head still waiting in it moves out first.
    private static HeadScratch TakeScratch()
    {
        HeadScratch sc = threadScratch ??= new HeadScratch();
        sc.Holder?.EvictHead(sc);
        sc.Writer.Clear();
        return sc;
    }

    // The scratch writer is about to be reused: this message's waiting head gets memory of its own.
    private void EvictHead(HeadScratch sc)
    {
        sc.Holder = null;
        if (headScratch is not null)
        {
            headScratch = null;
            byte[] own = System.Buffers.ArrayPool<byte>.Shared.Rent(pendingHeadLength + 256);
            pendingHead.AsSpan(0, pendingHeadLength).CopyTo(own);
            pendingHead = own;
        }
    }

    // pendingHead leaves the message (sent, or dropped): the scratch is free again if it held it.
    private void ReleaseHead(byte[] head)
    {
        pendingHead = null;
        if (headScratch is HeadScratch sc)
        {
            headScratch = null;
            sc.Holder = null;
        }
        else
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(head);
        }
    }

    // _storeHeader after the start line, which w holds.
    private void StoreHeaders(HeadScratch sc, IEnumerable<KeyValuePair<string, StringValues>>? rawHeaders)
    {
        try
        {
            BuildHead(sc, rawHeaders);
        }
        finally
        {
            if (sc.Writer.Length > ScratchHeadLimit)
            {
                // A huge head does not pin a big pooled array to the thread.
                sc.Writer.Dispose();
                sc.Writer = new HeadWriter(1024);
            }
        }
    }

    // The lines after the start line and the framing decision. A method of its own, outside StoreHeaders' try: the
    // JIT inlines no call made inside a protected region, and the head writer's appends must be inlined.
    private void BuildHead(HeadScratch sc, IEnumerable<KeyValuePair<string, StringValues>>? rawHeaders)
    {
        HeadWriter w = sc.Writer;
        var state = default(HeadState);
        if (rawHeaders is not null)
        {
            foreach (KeyValuePair<string, StringValues> pair in rawHeaders)
            {
                ValidateHeader(pair.Key, pair.Value);
                ProcessHeader(w, ref state, pair.Key, pair.Value);
            }
        }
        else
        {
            for (int i = 0; i < headers.Count; i++)
            {
                ref readonly OutgoingHeaders.Entry e = ref headers[i];
                ProcessHeader(w, ref state, e.Name, e.Value);
            }
        }

        bool onLoop = Loop.IsOnLoop;
        if (SendDate && !state.Date)
        {
            w.Write(onLoop ? HttpDate.LineAt(Loop.Now) : HttpDate.CurrentLine);
        }

        // Node: a chunked 204/304 would confuse proxies; no zero chunk, and the connection closes.
        if (ChunkedEncoding && StatusCodeForFraming is 204 or 304)
        {
            ChunkedEncoding = false;
            ShouldKeepAlive = false;
        }

        if (removedConnection)
        {
            // Node: no Connection header is sent, and an HTTP/1.1 connection that would stay open stays open.
            Last = !ShouldKeepAlive;
        }
        else if (!state.Connection)
        {
            bool sendKeepAlive = ShouldKeepAlive && (state.ContentLength || UseChunkedEncodingByDefault || HasAgent);
            if (sendKeepAlive && MaxRequestsOnConnectionReached)
            {
                w.Write("Connection: close\r\n"u8);
            }
            else if (sendKeepAlive && KeepAliveTimeout > 0 && !state.KeepAlive)
            {
                w.Write(KeepAliveLines.For(KeepAliveTimeout / 1000, MaxRequestsPerSocket));
            }
            else if (sendKeepAlive)
            {
                w.Write("Connection: keep-alive\r\n"u8);
            }
            else
            {
                Last = true;
                w.Write("Connection: close\r\n"u8);
            }
        }

        if (!state.ContentLength && !state.TransferEncoding)
        {
            if (!HasBody)
            {
                ChunkedEncoding = false;
            }
            else if (!UseChunkedEncodingByDefault)
            {
                Last = true;
            }
            else if (!state.Trailer && !removedContentLength && ContentLength is long length)
            {
                w.Write("Content-Length: "u8);
                w.WriteDecimal(length);
                w.Write(Crlf);
            }
            else if (!removedTransferEncoding)
            {
                w.Write("Transfer-Encoding: chunked\r\n"u8);
                ChunkedEncoding = true;
            }
        }

        if (!ChunkedEncoding && state.Trailer)
        {
            ErrorCodes.Throw("ERR_HTTP_TRAILER_INVALID");
        }

        w.Write(Crlf);
        pendingHeadLength = w.Length;
        if (w.Length <= ScratchHeadLimit && onLoop
            && System.Runtime.InteropServices.MemoryMarshal.TryGetArray(w.WrittenMemory, out ArraySegment<byte> written)
            && written.Offset == 0)
        {
            // Left where it was written until it is sent (or another head needs the writer).
            pendingHead = written.Array;
            headScratch = sc;
            sc.Holder = this;
        }
        else
        {
            // Room after the head for a small first piece and its framing, which Send then writes in place.
            pendingHead = System.Buffers.ArrayPool<byte>.Shared.Rent(w.Length + 256);
            w.Written.CopyTo(pendingHead);
        }
        headerBuilt = true;
        if (state.Expect)
        {
            // Node sends a head carrying Expect: 100-continue at once, to get the interim answer.
            FlushHead();
        }
    }

    /// <summary>The status code the framing rules look at (responses); 0 for requests.</summary>
    private protected virtual int StatusCodeForFraming => 0;

    /// <summary>Sends the head now if it is built and still waiting (Node's <c>_send('')</c>).</summary>
    private protected void FlushHead()
    {
        if (pendingHead is null)
        {
            return;
        }
        if (Socket is not null && Attached)
        {
            Send(default, null, chunked: false, default, early: false);
        }
        else if (outputData is not { Count: > 0 })
        {
            // No socket yet: the head leaves first when one is assigned, even with no body written by then.
            (outputData ??= new List<PendingWrite>(2)).Add(new PendingWrite(Empty, null, false));
        }
    }

    /// <summary>Node's <c>_writeRaw</c> for interim responses (100, 102, 103) that bypass the head and framing.</summary>
    private protected void WriteRaw(NodeBuffer data, Action<Exception?>? callback) => WriteRaw(data.Memory, data, new Completion(callback), early: false);

    /// <inheritdoc/>
    protected override void WriteCore(NodeBuffer chunk, Action<Exception?> callback) => WriteBody(chunk.Span, chunk, callback);

    /// <inheritdoc/>
    protected override void WriteCore(ReadOnlySpan<byte> chunk, Action<Exception?> callback) => WriteBody(chunk, null, callback);

    /// <inheritdoc/>
    protected override void WritevCore(IReadOnlyList<NodeBuffer> chunks, Action<Exception?> callback)
    {
        for (int i = 0; i < chunks.Count; i++)
        {
            WriteCore(chunks[i], i == chunks.Count - 1 ? callback : static _ => { });
        }
    }

    /// <inheritdoc/>
    protected override bool HasWritev => true;

    /// <summary>
    /// The span <c>_write</c> of a message (nobody outside the library derives from it): a small piece the socket takes at
    /// once completes the state directly, with no callback delegate per message.
    /// </summary>
    private protected override void WriteSpanWithState(ReadOnlySpan<byte> data, WritableState state)
    {
        if (!HasBody)
        {
            FlushHead();
            state.CompleteWrite(null);
            return;
        }
        Send(data, null, ChunkedEncoding && data.Length != 0, new Completion(state, final: false), early: true);
    }

    // A body piece (owned: the same bytes as a chunk, when the writer gave one), after the head is decided.
    private void WriteBody(ReadOnlySpan<byte> data, NodeBuffer? owned, Action<Exception?> callback)
    {
        if (!HasBody)
        {
            // Node ignores body writes to HEAD responses and 1xx/204/304 (the head still goes).
            FlushHead();
            callback(null);
            return;
        }
        Send(data, owned, ChunkedEncoding && data.Length != 0, new Completion(callback), early: true);
    }

    // Body pieces up to this size leave in one buffer with the head and their chunk framing; larger ones are
    // handed on as they are, between their framing.
    private const int MergeLimit = 4096;

    /// <summary>
    /// Node's <c>_send</c>: <paramref name="data"/>, framed as a chunk when <paramref name="chunked"/> (the one place
    /// chunks are framed), behind the head while the head waits and the message has its socket — in one buffer when
    /// the piece is small (Node's "shameful hack") — then <see cref="WriteRaw(ReadOnlyMemory{byte}, NodeBuffer?, Completion, bool)"/>.
    /// </summary>
    private void Send(ReadOnlySpan<byte> data, NodeBuffer? owned, bool chunked, Completion done, bool early)
    {
        // Only a chunk needs room for its size line (and an unchunked piece, the usual one, no zeroed stack space).
        Span<byte> size = chunked ? stackalloc byte[18] : default;
        int sizeLength = 0;
        if (chunked)
        {
            System.Buffers.Text.Utf8Formatter.TryFormat((uint)data.Length, size, out sizeLength, new System.Buffers.StandardFormat('x'));
            size[sizeLength++] = (byte)'\r';
            size[sizeLength++] = (byte)'\n';
        }
        byte[]? head = Socket is not null && Attached ? pendingHead : null;
        int headLength = head is null ? 0 : pendingHeadLength;
        // The scratch array is not this message's to return to the pool, nor to keep once the bytes were handed on.
        bool borrowed = false;
        if (head is not null)
        {
            pendingHead = null;
            if (headScratch is HeadScratch sc)
            {
                borrowed = true;
                headScratch = null;
                sc.Holder = null;
            }
        }
        int prefixLength = headLength + sizeLength;
        int suffixLength = chunked ? 2 : 0;
        // A small piece leaves in one buffer with what goes around it; a chunk with nothing around it, or a large
        // one, is handed on as it is (the socket copies it when small), between its prefix and suffix.
        bool merge = data.Length <= MergeLimit && (owned is null || prefixLength + suffixLength != 0);
        // A large chunk with no head before it (every chunk after the first) takes a shared size line, so the corked
        // socket holds it by reference rather than copying it into a chunk of its own.
        NodeBuffer? line = !merge && chunked && head is null ? SizeLine(data.Length, size[..sizeLength]) : null;
        int length = line is not null ? 0 : prefixLength + (merge ? data.Length + suffixLength : 0);
        byte[] joined = Join(head, headLength, length, borrowed);
        Span<byte> dest = joined.AsSpan(0, length);
        if (line is null)
        {
            size[..sizeLength].CopyTo(dest[headLength..]);
        }
        if (merge)
        {
            data.CopyTo(dest[prefixLength..]);
            if (chunked)
            {
                dest[^2] = (byte)'\r';
                dest[^1] = (byte)'\n';
            }
            WriteRaw(joined.AsMemory(0, length), null, done, early);
        }
        else
        {
            // A large chunk and its framing reach the socket as one gathered write (Node corks the socket for a
            // chunked write): else the chunk passing the highWaterMark would be sent at once and its CRLF after it,
            // in a system call of its own.
            Socket? corked = chunked && Attached && Socket is { Destroyed: false } s ? s : null;
            corked?.Cork();
            if (line is not null)
            {
                WriteRaw(line.Memory, line, default, early: false);
            }
            else
            {
                WriteRaw(joined.AsMemory(0, length), null, default, early: false);
            }
            owned ??= NodeBuffer.From(data);
            WriteRaw(owned.Memory, owned, chunked ? default : done, early);
            if (chunked)
            {
                WriteRaw(CrlfBuffer.Memory, CrlfBuffer, done, early);
            }
            corked?.Uncork();
        }
        if (length != 0 && !(borrowed && ReferenceEquals(joined, head)))
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(joined);
        }
    }

    // The size line of a large chunk as a shared buffer: the last one made is kept (for any thread; a stream's chunks are
    // usually all one size), else a new one replaces it. Like CrlfBuffer, it is only ever read.
    private static NodeBuffer SizeLine(int dataLength, ReadOnlySpan<byte> line)
    {
        SizeLineBuffer? last = Volatile.Read(ref lastSizeLine);
        if (last is not null && last.DataLength == dataLength)
        {
            return last.Line;
        }
        var made = new SizeLineBuffer(dataLength, NodeBuffer.Wrap(line.ToArray()));
        Volatile.Write(ref lastSizeLine, made);
        return made.Line;
    }

    private sealed record SizeLineBuffer(int DataLength, NodeBuffer Line);

    // A pooled array of at least length bytes starting with the head's (if any), which it takes over: the rented head
    // itself when it has room (the pool rounds sizes up, and StoreHeader asks for some), else a new rental.
    // (borrowed: the head is the scratch writer's array, which is not returned.)
    private static byte[] Join(byte[]? head, int headLength, int length, bool borrowed)
    {
        if (head is not null && head.Length >= length)
        {
            return head;
        }
        byte[] joined = length == 0 ? [] : System.Buffers.ArrayPool<byte>.Shared.Rent(length);
        if (head is not null)
        {
            head.AsSpan(0, headLength).CopyTo(joined);
            if (!borrowed)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(head);
            }
        }
        return joined;
    }

    /// <summary>
    /// Node's <c>_writeRaw</c>, the one exit: to the socket when this message is the one it writes (<paramref name="owned"/>
    /// by reference, else <paramref name="bytes"/> copied), else into the output waiting for a socket. With
    /// <paramref name="early"/>, <paramref name="done"/> runs as soon as the socket took the bytes below its highWaterMark
    /// (Node's <c>res.write</c> answering with <c>socket.write</c>'s result), so <c>End</c> reaches its final write in the
    /// same turn; otherwise it waits for the socket's own write callback. This is the one place that decides.
    /// </summary>
    private void WriteRaw(ReadOnlyMemory<byte> bytes, NodeBuffer? owned, Completion done, bool early)
    {
        Socket? socket = Socket;
        if (socket is not null && socket.Destroyed)
        {
            // Node's _writeRaw: the socket is gone; the message is destroyed with it, nothing completes.
            return;
        }
        if (socket is not null && Attached && socket.IsWritable)
        {
            if (done.IsNone || (early && TakesAtOnce(socket, bytes.Length)))
            {
                if (!bytes.IsEmpty)
                {
                    Put(socket, bytes, owned, null);
                }
                done.Run();
            }
            else
            {
                writeCallbacks.Enqueue(done.Delegate!);
                Put(socket, bytes, owned, onSocketWrite ??= OnSocketWrite);
            }
            return;
        }
        (outputData ??= new List<PendingWrite>(2)).Add(new PendingWrite(owned ?? NodeBuffer.From(bytes.Span), done.Delegate, early));
        outputSize += bytes.Length;
        OnPendingData(bytes.Length);
    }

    // Whether a write of this length is done as soon as the socket took it: connected (a socket still connecting only
    // holds the bytes: 'finish' waits for the connect and the write, as in Node) and below its highWaterMark.
    private static bool TakesAtOnce(Socket socket, int length) =>
        !socket.Pending && socket.WritableLength + length < socket.WritableHighWaterMark;

    private static void Put(Socket socket, ReadOnlyMemory<byte> bytes, NodeBuffer? owned, Action<Exception?>? callback)
    {
        if (owned is not null)
        {
            socket.Write(owned, callback);
        }
        else
        {
            socket.Write(bytes, callback);
        }
    }

    private void OnSocketWrite(Exception? error)
    {
        if (!writeCallbacks.TryDequeue(out Action<Exception?>? callback))
        {
            return;
        }
        if (error is null)
        {
            callback(null);
        }
        // A failed socket write is the socket's error (Node: 'clientError' on the server, 'error' on a client
        // socket); the message is destroyed when the socket closes, and 'finish' never comes, as in Node.
    }

    /// <summary>Node's end(): the last chunk and trailers of a chunked body (or a flush), then <c>'finish'</c> once the socket took it.</summary>
    protected override void FinalCore(Action<Exception?> callback) => IssueFinal(callback, null);

    /// <summary>
    /// <see cref="FinalCore"/>'s work, completing through <paramref name="callback"/>, or with none through
    /// <paramref name="state"/> directly: the usual end, taken by the socket at once, then needs no delegate.
    /// </summary>
    private protected void IssueFinal(Action<Exception?>? callback, WritableState? state)
    {
        FinalIssued = true;
        ReadOnlySpan<byte> last = !(HasBody && ChunkedEncoding) ? default
            : trailer is null ? "0\r\n\r\n"u8
            : System.Text.Encoding.Latin1.GetBytes("0\r\n" + trailer + "\r\n");
        Send(last, null, chunked: false, callback is null ? new Completion(state!, final: true) : new Completion(callback), early: true);
        OnFinalIssued();
    }

    /// <summary>The last bytes of this message were handed on (the next pipelined message may follow them).</summary>
    private protected virtual void OnFinalIssued()
    {
    }

    /// <summary>Node's <c>OutgoingMessage.destroy</c>: destroying an unfinished message destroys its socket.</summary>
    protected override void DestroyCore(Exception? error, Action<Exception?> callback)
    {
        ReleaseOnDestroy(error);
        // Node's OutgoingMessage does not re-emit the destroy error on itself.
        callback(null);
    }

    /// <summary><see cref="DestroyCore"/>'s work before it completes: an unfinished message's socket is destroyed, output dropped.</summary>
    private protected void ReleaseOnDestroy(Exception? error)
    {
        if (!this.WritableFinished && Socket is { Destroyed: false } socket)
        {
            socket.Destroy(error);
        }
        DropOutput();
        if (pendingHead is { } head)
        {
            ReleaseHead(head);
        }
    }

    /// <summary>Node's <c>assignSocket</c>: this message becomes the one its socket writes; buffered output is flushed.</summary>
    internal void AssignSocket(Socket socket)
    {
        Socket = socket;
        Attached = true;
        OnSocketAssigned(socket);
        FlushOutput();
    }

    // Node's _flushOutput: what was written before the socket came, in order, the head in front of the first piece.
    private void FlushOutput()
    {
        List<PendingWrite>? pending = outputData;
        if (pending is null)
        {
            return;
        }
        DropOutput();
        foreach (PendingWrite write in pending)
        {
            Send(write.Data.Span, write.Data, chunked: false, new Completion(write.Callback), write.Early);
        }
    }

    // Forgets the waiting output (taken by FlushOutput, or discarded on destroy).
    private void DropOutput()
    {
        int size = outputSize;
        outputData = null;
        outputSize = 0;
        if (size != 0)
        {
            OnPendingData(-size);
        }
    }

    /// <summary>Node's <c>_onPendingData</c>: the bytes waiting for a socket grew or shrank by <paramref name="delta"/>.</summary>
    private protected virtual void OnPendingData(int delta)
    {
    }

    /// <summary>
    /// Sets the socket before <see cref="AssignSocket"/> flushes to it (the client's tickOnSocket: <c>'socket'</c> is
    /// emitted in between).
    /// </summary>
    internal void SetSocket(Socket socket) => Socket = socket;

    /// <summary>Runs in <see cref="AssignSocket"/> once <see cref="Socket"/> is set, before buffered output is flushed.</summary>
    private protected virtual void OnSocketAssigned(Socket socket)
    {
    }

    /// <summary>Node's <c>socket._httpMessage = null</c>: this message no longer writes to its socket, which it keeps.</summary>
    internal void ReleaseSocket() => Attached = false;

    /// <summary>Node's <c>ServerResponse.detachSocket</c>: released, and <see cref="Socket"/> is null from now on.</summary>
    internal void DetachSocket()
    {
        Attached = false;
        Socket = null;
    }

    // What completes a piece once it is taken: a callback, or the stream state's _write or _final, done directly when
    // the socket takes the piece at once (no delegate), else through the state's callback delegate.
    private readonly struct Completion
    {
        private readonly Action<Exception?>? callback;
        private readonly WritableState? state;
        private readonly bool final;

        internal Completion(Action<Exception?>? callback) => this.callback = callback;

        internal Completion(WritableState state, bool final)
        {
            this.state = state;
            this.final = final;
        }

        internal bool IsNone => callback is null && state is null;

        // The callback to hold until the socket's own write callback (made then, for a state).
        internal Action<Exception?>? Delegate => callback ?? (state is null ? null : final ? state.FinalCallback : state.WriteCallback);

        internal void Run()
        {
            if (callback is not null)
            {
                callback(null);
            }
            else if (final)
            {
                state!.CompleteFinal(null);
            }
            else
            {
                state?.CompleteWrite(null);
            }
        }
    }

    // Node's outputData entries: a piece (framed already) written before the socket came, and its callback.
    private readonly record struct PendingWrite(NodeBuffer Data, Action<Exception?>? Callback, bool Early);

    private void ProcessHeader(HeadWriter w, ref HeadState state, string name, StringValues value)
    {
        if (value.Count > 1)
        {
            if (name.Equals("cookie", StringComparison.OrdinalIgnoreCase))
            {
                StoreHeaderLine(w, ref state, name, string.Join("; ", value.ToArray()));
                return;
            }
            if (uniqueHeaders is not null && uniqueHeaders.Contains(name))
            {
                // Node 20 joins uniqueHeaders values with "; " (its join for cookies), not ", ".
                StoreHeaderLine(w, ref state, name, string.Join("; ", value.ToArray()));
                return;
            }
            for (int i = 0; i < value.Count; i++)
            {
                StoreHeaderLine(w, ref state, name, value[i] ?? string.Empty);
            }
            return;
        }
        if (value.Count == 1)
        {
            StoreHeaderLine(w, ref state, name, value[0] ?? string.Empty);
        }
    }

    private void StoreHeaderLine(HeadWriter w, ref HeadState state, string name, string value)
    {
        w.WriteHeader(name, value);
        MatchHeader(ref state, name, value);
    }

    /// <summary>
    /// <c>Connection: keep-alive</c> and <c>Keep-Alive: timeout=N[, max=M]</c>, encoded once for the settings last
    /// asked for (a server's rarely change), so a response head copies them in one piece.
    /// </summary>
    private sealed class KeepAliveLines
    {
        // Replaced whole when other settings are asked for; a race between loops only encodes the lines again.
        private static KeepAliveLines? last;

        private readonly int timeoutSeconds;
        private readonly int max;
        private readonly byte[] bytes;

        private KeepAliveLines(int timeoutSeconds, int max)
        {
            this.timeoutSeconds = timeoutSeconds;
            this.max = max;
            var invariant = System.Globalization.CultureInfo.InvariantCulture;
            bytes = System.Text.Encoding.ASCII.GetBytes(max > 0
                ? string.Create(invariant, $"Connection: keep-alive\r\nKeep-Alive: timeout={timeoutSeconds}, max={max}\r\n")
                : string.Create(invariant, $"Connection: keep-alive\r\nKeep-Alive: timeout={timeoutSeconds}\r\n"));
        }

        internal static ReadOnlySpan<byte> For(int timeoutSeconds, int max)
        {
            KeepAliveLines? lines = last;
            if (lines is null || lines.timeoutSeconds != timeoutSeconds || lines.max != max)
            {
                lines = new KeepAliveLines(timeoutSeconds, max);
                last = lines;
            }
            return lines.bytes;
        }
    }

    // Node's matchHeader: the headers that change framing and keep-alive. The length picks the one name to compare,
    // so the usual header (Content-Type, Cache-Control, ...) costs a switch.
    private void MatchHeader(ref HeadState state, string name, string value)
    {
        switch (name.Length)
        {
            case 4:
                if (name.Equals("date", StringComparison.OrdinalIgnoreCase))
                {
                    state.Date = true;
                }
                break;
            case 6:
                if (name.Equals("expect", StringComparison.OrdinalIgnoreCase))
                {
                    state.Expect = true;
                }
                break;
            case 7:
                if (name.Equals("trailer", StringComparison.OrdinalIgnoreCase))
                {
                    state.Trailer = true;
                }
                break;
            case 10:
                if (name.Equals("connection", StringComparison.OrdinalIgnoreCase))
                {
                    state.Connection = true;
                    removedConnection = false;
                    if (HasToken(value, "close"))
                    {
                        Last = true;
                    }
                    else
                    {
                        ShouldKeepAlive = true;
                    }
                }
                else if (name.Equals("keep-alive", StringComparison.OrdinalIgnoreCase))
                {
                    // Node's _defaultKeepAlive = false: the user's Keep-Alive line replaces the automatic one.
                    state.KeepAlive = true;
                }
                break;
            case 14:
                if (name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
                {
                    state.ContentLength = true;
                    removedContentLength = false;
                }
                break;
            case 17:
                if (name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
                {
                    state.TransferEncoding = true;
                    removedTransferEncoding = false;
                    if (EndsWithChunked(value))
                    {
                        ChunkedEncoding = true;
                    }
                }
                break;
        }
    }

    // Node's RE_CONN_CLOSE: /(?:^|\W)close(?:$|\W)/i
    private static bool HasToken(string value, string token)
    {
        int from = 0;
        while (true)
        {
            int i = value.IndexOf(token, from, StringComparison.OrdinalIgnoreCase);
            if (i < 0)
            {
                return false;
            }
            bool startOk = i == 0 || !IsWordChar(value[i - 1]);
            int end = i + token.Length;
            bool endOk = end == value.Length || !IsWordChar(value[end]);
            if (startOk && endOk)
            {
                return true;
            }
            from = i + 1;
        }
    }

    // Node's RE_TE_CHUNKED: /(?:^|\W)chunked\s*$/i
    private static bool EndsWithChunked(string value)
    {
        ReadOnlySpan<char> v = value.AsSpan().TrimEnd();
        if (!v.EndsWith("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return v.Length == 7 || !IsWordChar(v[^8]);
    }

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    // The last header name and value found valid, by reference: a handler sets the same strings (literals, cached
    // values) on every response, so the scans run once. Any thread may replace them; a string is immutable, so one
    // seen here was valid whoever put it here.
    private static string? lastValidName;
    private static string? lastValidValue;

    private static void ValidateHeader(string name, StringValues value)
    {
        if (!ReferenceEquals(name, lastValidName))
        {
            if (string.IsNullOrEmpty(name) || !HttpCommon.IsToken(name))
            {
                ErrorCodes.Throw("ERR_INVALID_HTTP_TOKEN", "Header name", name);
            }
            lastValidName = name;
        }
        for (int i = 0; i < value.Count; i++)
        {
            string? v = value[i];
            if (v is null)
            {
                ErrorCodes.Throw("ERR_HTTP_INVALID_HEADER_VALUE", "undefined", name);
            }
            if (!ReferenceEquals(v, lastValidValue))
            {
                if (HttpCommon.HasInvalidHeaderChar(v))
                {
                    ErrorCodes.Throw("ERR_INVALID_CHAR", $"header content [\"{name}\"]");
                }
                lastValidValue = v;
            }
        }
    }

    private struct HeadState
    {
        public bool Connection;
        public bool ContentLength;
        public bool TransferEncoding;
        public bool Date;
        public bool KeepAlive;
        public bool Expect;
        public bool Trailer;
    }

    // A loop thread's head writer, and the message whose waiting head is the writer's array (the next head built on
    // the thread first moves that one into memory of its own: EvictHead).
    private sealed class HeadScratch
    {
        public HeadWriter Writer = new(1024);
        public OutgoingMessage? Holder;
    }
}
