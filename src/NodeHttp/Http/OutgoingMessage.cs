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
/// the bytes, so <see cref="Writable.Write(string, string, Action{Exception?})"/> returns false under socket
/// back-pressure and <c>'drain'</c> follows. Owned by one loop; call it on that loop.
/// </remarks>
public class OutgoingMessage : Writable
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    private static readonly NodeBuffer CrlfBuffer = NodeBuffer.Wrap("\r\n"u8.ToArray());
    private static readonly NodeBuffer LastChunk = NodeBuffer.Wrap("0\r\n\r\n"u8.ToArray());
    private static readonly NodeBuffer Empty = NodeBuffer.Wrap(Array.Empty<byte>());

    // Read-only after construction, so every message shares one instance.
    private static readonly WritableOptions MessageOptions = new() { HighWaterMark = Socket.DefaultHighWaterMark, AutoDestroy = false };

    [ThreadStatic]
    private static HeadWriter? scratch;

    private OutgoingHeaders? headers;
    // The head, built and not yet handed on; merged with the first small body piece into one buffer.
    // Rented from the shared pool: it is copied out (merged or exact) before it goes to the socket.
    private byte[]? pendingHead;
    private int pendingHeadLength;
    // Node's outputData, the output waiting for a socket: the first piece inline (a request usually has just
    // one, its head with the terminator), any further ones in the list.
    private NodeBuffer? outputFirst;
    private Action<Exception?>? outputFirstCallback;
    private bool outputFirstEarly;
    // The inline piece is the message's terminator, the head still waiting in pendingHead to go in front of it.
    private bool outputFirstIsFinal;
    private List<(NodeBuffer Data, Action<Exception?>? Callback, bool CompleteEarly)>? outputData;
    private string? trailer;
    private HashSet<string>? uniqueHeaders;
    private Action<Exception?>? firstWriteCallback;
    private Queue<Action<Exception?>>? writeCallbacks;
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
    private protected OutgoingMessage(WritableOptions options)
        : base(options)
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

    /// <summary>Node's <c>outgoingMessage.finished</c>: <c>End()</c> was called (an alias of <see cref="Writable.WritableEnded"/>).</summary>
    public bool Finished => WritableEnded;

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
        (headers ??= new OutgoingHeaders()).Set(name, value);
        return this;
    }

    /// <summary>Node's <c>outgoingMessage.setHeader(name, number)</c>.</summary>
    public OutgoingMessage SetHeader(string name, long value) =>
        SetHeader(name, new StringValues(value.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Node's <c>outgoingMessage.appendHeader(name, value)</c>: adds values after any already set.</summary>
    public OutgoingMessage AppendHeader(string name, StringValues value)
    {
        if (headerBuilt)
        {
            ErrorCodes.Throw("ERR_HTTP_HEADERS_SENT", "append");
        }
        ValidateHeader(name, value);
        (headers ??= new OutgoingHeaders()).Append(name, value);
        return this;
    }

    /// <summary>Node's <c>outgoingMessage.getHeader(name)</c>: the values set for <paramref name="name"/> (any case), or empty.</summary>
    public StringValues GetHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return headers?.Get(name) ?? StringValues.Empty;
    }

    /// <summary>Node's <c>outgoingMessage.getHeaders()</c>: a copy, keyed by lower-cased name in order of first setting.</summary>
    public IReadOnlyDictionary<string, StringValues> GetHeaders()
    {
        var copy = new Dictionary<string, StringValues>(headers?.Count ?? 0, StringComparer.OrdinalIgnoreCase);
        if (headers is not null)
        {
            for (int i = 0; i < headers.Count; i++)
            {
                copy[headers[i].Name.ToLowerInvariant()] = headers[i].Value;
            }
        }
        return copy;
    }

    /// <summary>Node's <c>outgoingMessage.getHeaderNames()</c>: lower-cased names in order of first setting.</summary>
    public IReadOnlyList<string> GetHeaderNames()
    {
        if (headers is null)
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
        if (headers is null)
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
    internal int HeaderCount => headers?.Count ?? 0;

    /// <summary>Forgets every header set (the default error response of an async handler starts clean).</summary>
    internal void ClearHeaders() => headers?.Clear();

    /// <summary>Node's <c>outgoingMessage.hasHeader(name)</c> (any case).</summary>
    public bool HasHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return headers?.Has(name) ?? false;
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
        headers?.Remove(name);
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
            string value = pair.Value.ToString();
            if (HttpCommon.HasInvalidHeaderChar(value))
            {
                ErrorCodes.Throw("ERR_INVALID_CHAR", "trailer content");
            }
            text.Append(pair.Key).Append(": ").Append(value).Append("\r\n");
        }
        trailer = text.ToString();
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
    private protected override bool WriteImpl(NodeBuffer chunk, Action<Exception?>? callback)
    {
        if (WritableEnded || Destroyed)
        {
            Exception error = WritableEnded
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
        return base.WriteImpl(chunk, callback);
    }

    /// <summary>Node's <c>end([data])</c> prologue: a body given whole to <c>End</c>, with nothing written before, is framed
    /// by its length (no body at all is <c>Content-Length: 0</c>).</summary>
    private protected override void EndImpl(NodeBuffer? chunk, Action<Exception?>? callback)
    {
        if (!headerBuilt && !WritableEnded && !Destroyed)
        {
            ContentLength = chunk?.Length ?? 0;
            ImplicitHeader();
        }
        base.EndImpl(chunk, callback);
    }

    private static readonly System.Text.UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    /// <summary>
    /// <c>end(text)</c> as the only write of a message attached to its socket: the head is built with the text's
    /// length and both are encoded straight into the socket's batch for this turn, no chunk or array per message.
    /// The stream's state sees the same write and end it would for <c>End(NodeBuffer)</c>. False, having done at most
    /// what <see cref="EndImpl"/> does first (build the head), when another path is needed.
    /// </summary>
    private protected bool TryEndInline(string data, string encoding)
    {
        if (encoding is not ("utf8" or "utf-8") || headerBuilt || WritableEnded || Destroyed || !WritableStateInternal.IsIdleForWrite)
        {
            return false;
        }
        Socket? socket = Socket;
        if (socket is null || !Attached || socket.Destroyed || !socket.IsWritable)
        {
            return false;
        }
        int bodyLength = Utf8.GetByteCount(data);
        if (bodyLength > MergeLimit)
        {
            return false;
        }
        ContentLength = bodyLength;
        ImplicitHeader();
        if (!HasBody || ChunkedEncoding || pendingHead is not { } head)
        {
            // The head is built; EndImpl sees that and goes on with the body as a chunk.
            return false;
        }
        int headLength = pendingHeadLength;
        int total = headLength + bodyLength;
        if (socket.WritableLength + total >= socket.WritableHighWaterMark
            || !socket.TryReserveBatched(total, out Span<byte> dest, out _))
        {
            return false;
        }
        head.AsSpan(0, headLength).CopyTo(dest);
        pendingHead = null;
        System.Buffers.ArrayPool<byte>.Shared.Return(head);
        Utf8.GetBytes(data, dest[headLength..]);
        // The write completes at once, as WriteCore's completeEarly path below the socket's highWaterMark.
        WritableStateInternal.WriteCompletedInline(bodyLength);
        EndImpl(null, null);
        return true;
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
        HeadWriter w = scratch ??= new HeadWriter(1024);
        w.Clear();
        try
        {
            w.Write(firstLine);
            var state = default(HeadState);
            if (rawHeaders is not null)
            {
                foreach (KeyValuePair<string, StringValues> pair in rawHeaders)
                {
                    ValidateHeader(pair.Key, pair.Value);
                    ProcessHeader(w, ref state, pair.Key, pair.Value);
                }
            }
            else if (headers is not null)
            {
                for (int i = 0; i < headers.Count; i++)
                {
                    ref readonly OutgoingHeaders.Entry e = ref headers[i];
                    ProcessHeader(w, ref state, e.Name, e.Value);
                }
            }

            if (SendDate && !state.Date)
            {
                w.Write("Date: "u8);
                w.Write(HttpDate.Current);
                w.Write(Crlf);
            }

            // Node: a chunked 204/304 would confuse proxies; no zero chunk, and the connection closes.
            if (ChunkedEncoding && StatusCodeForFraming is 204 or 304)
            {
                ChunkedEncoding = false;
                ShouldKeepAlive = false;
            }

            if (removedConnection)
            {
                Last = true;
                ShouldKeepAlive = false;
            }
            else if (!state.Connection)
            {
                bool sendKeepAlive = ShouldKeepAlive && (state.ContentLength || UseChunkedEncodingByDefault || HasAgent);
                if (sendKeepAlive && MaxRequestsOnConnectionReached)
                {
                    w.Write("Connection: close\r\n"u8);
                }
                else if (sendKeepAlive)
                {
                    w.Write("Connection: keep-alive\r\n"u8);
                    if (KeepAliveTimeout > 0)
                    {
                        w.Write("Keep-Alive: timeout="u8);
                        w.WriteDecimal(KeepAliveTimeout / 1000);
                        if (MaxRequestsPerSocket > 0)
                        {
                            w.Write(", max="u8);
                            w.WriteDecimal(MaxRequestsPerSocket);
                        }
                        w.Write(Crlf);
                    }
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
            pendingHead = System.Buffers.ArrayPool<byte>.Shared.Rent(w.Length);
            w.Written.CopyTo(pendingHead);
            headerBuilt = true;
            if (state.Expect)
            {
                // Node sends a head carrying Expect: 100-continue at once, to get the interim answer.
                FlushHead();
            }
        }
        finally
        {
            if (w.Length > 4096)
            {
                // A huge head does not pin a big pooled array to the thread.
                w.Dispose();
                scratch = null;
            }
        }
    }

    /// <summary>The status code the framing rules look at (responses); 0 for requests.</summary>
    private protected virtual int StatusCodeForFraming => 0;

    /// <summary>Sends the head now if it is built and still waiting (Node's <c>_send('')</c>).</summary>
    private protected void FlushHead()
    {
        if (outputFirstIsFinal)
        {
            // The head already waits for the socket together with the terminator.
            return;
        }
        if (pendingHead is not null && !TrySendBatched(default, null))
        {
            SendRawCore(NodeBuffer.Wrap(TakeHead(0, out _)), null);
        }
    }

    /// <summary>
    /// Copies the pending head (if any), then <paramref name="body"/> framed as a chunk when <paramref name="chunked"/>,
    /// straight into the socket's batch for this turn (no array per message), where <see cref="SendRawCore"/> would
    /// hand them to the socket at once: attached to a writable socket and, with a <paramref name="callback"/> (which
    /// then runs at once, as completeEarly), below its highWaterMark. False when the bytes must go as a chunk instead.
    /// </summary>
    private bool TrySendBatched(ReadOnlySpan<byte> body, Action<Exception?>? callback, bool chunked = false)
    {
        Socket? socket = Socket;
        // A callback completes early only on a connected socket: while it connects (a client request), 'finish'
        // waits for the socket's own write callback, as in Node.
        if (socket is null || !Attached || socket.Destroyed || !socket.IsWritable || (callback is not null && socket.Pending))
        {
            return false;
        }
        Span<byte> size = stackalloc byte[18];
        int sizeLength = 0;
        if (chunked)
        {
            System.Buffers.Text.Utf8Formatter.TryFormat((uint)body.Length, size, out sizeLength, new System.Buffers.StandardFormat('x'));
            size[sizeLength++] = (byte)'\r';
            size[sizeLength++] = (byte)'\n';
        }
        int headLength = pendingHead is null ? 0 : pendingHeadLength;
        int total = headLength + sizeLength + body.Length + (chunked ? 2 : 0);
        if (callback is not null && socket.WritableLength + total >= socket.WritableHighWaterMark)
        {
            return false;
        }
        if (total == 0)
        {
            // Nothing to send (an End() whose head already left): done as far as the message is concerned.
            callback?.Invoke(null);
            return true;
        }
        if (!socket.TryReserveBatched(total, out Span<byte> dest, out _))
        {
            return false;
        }
        if (pendingHead is { } head)
        {
            head.AsSpan(0, headLength).CopyTo(dest);
            pendingHead = null;
            System.Buffers.ArrayPool<byte>.Shared.Return(head);
        }
        size[..sizeLength].CopyTo(dest[headLength..]);
        body.CopyTo(dest[(headLength + sizeLength)..]);
        if (chunked)
        {
            dest[^2] = (byte)'\r';
            dest[^1] = (byte)'\n';
        }
        callback?.Invoke(null);
        return true;
    }

    /// <summary>
    /// Node's <c>_writeRaw</c> for interim responses (100, 102, 103) that bypass the head and framing.
    /// </summary>
    private protected void WriteRaw(NodeBuffer data, Action<Exception?>? callback) => SendRawCore(data, callback);

    /// <inheritdoc/>
    protected override void WriteCore(NodeBuffer chunk, Action<Exception?> callback)
    {
        if (!HasBody)
        {
            // Node ignores body writes to HEAD responses and 1xx/204/304 (the head still goes).
            FlushHead();
            callback(null);
            return;
        }
        bool chunked = ChunkedEncoding && chunk.Length != 0;
        if (chunk.Length <= MergeLimit && (pendingHead is not null || chunked))
        {
            // Node's "shameful hack": the head and a small first piece (with its chunk framing) leave as one buffer.
            if (!TrySendBatched(chunk.Span, callback, chunked))
            {
                SendRawCore(Frame(chunk.Span, chunked), callback, completeEarly: true);
            }
            return;
        }
        FlushHead();
        if (chunked)
        {
            SendRawCore(ChunkHeader(chunk.Length), null);
            SendRawCore(chunk, null);
            SendRawCore(CrlfBuffer, callback, completeEarly: true);
        }
        else
        {
            SendRawCore(chunk, callback, completeEarly: true);
        }
    }

    /// <summary>A new array holding the pending head (if any) followed by <paramref name="extra"/> bytes to fill; the rental goes back to the pool.</summary>
    private byte[] TakeHead(int extra, out int headLength)
    {
        byte[]? rented = pendingHead;
        headLength = rented is null ? 0 : pendingHeadLength;
        byte[] all = GC.AllocateUninitializedArray<byte>(headLength + extra);
        if (rented is not null)
        {
            rented.AsSpan(0, headLength).CopyTo(all);
            pendingHead = null;
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
        return all;
    }

    // Body pieces up to this size are copied next to the head or their chunk framing rather than sent separately.
    private const int MergeLimit = 4096;

    /// <summary>The pending head (if any), then <paramref name="body"/> framed as a chunk when <paramref name="chunked"/>, in one buffer.</summary>
    private NodeBuffer Frame(ReadOnlySpan<byte> body, bool chunked)
    {
        Span<byte> size = stackalloc byte[18];
        int sizeLength = 0;
        if (chunked)
        {
            System.Buffers.Text.Utf8Formatter.TryFormat((uint)body.Length, size, out sizeLength, new System.Buffers.StandardFormat('x'));
            size[sizeLength++] = (byte)'\r';
            size[sizeLength++] = (byte)'\n';
        }
        byte[] all = TakeHead(sizeLength + body.Length + (chunked ? 2 : 0), out int headLength);
        Span<byte> dest = all;
        size[..sizeLength].CopyTo(dest[headLength..]);
        body.CopyTo(dest[(headLength + sizeLength)..]);
        if (chunked)
        {
            dest[^2] = (byte)'\r';
            dest[^1] = (byte)'\n';
        }
        return NodeBuffer.Wrap(all);
    }

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

    /// <summary>Node's end(): the last chunk and trailers of a chunked body (or a flush), then <c>'finish'</c> once the socket took it.</summary>
    protected override void FinalCore(Action<Exception?> callback) => IssueFinal(callback, null);

    /// <summary>
    /// <see cref="FinalCore"/>'s work, completing through <paramref name="callback"/>, or with none through
    /// <paramref name="state"/> directly: the usual end, taken into the socket's batch at once, then needs no delegate.
    /// </summary>
    private protected void IssueFinal(Action<Exception?>? callback, WritableState? state)
    {
        FinalIssued = true;
        NodeBuffer last = HasBody && ChunkedEncoding
            ? (trailer is null ? LastChunk : NodeBuffer.Wrap(System.Text.Encoding.Latin1.GetBytes("0\r\n" + trailer + "\r\n")))
            : Empty;
        // 'finish' means handed to the socket (Node: to the kernel); below the socket's highWaterMark that is now.
        // The head (if still waiting) and the terminator go into the socket's batch when they can.
        if (TrySendBatched(last.Span, callback ?? CompletesAtOnce))
        {
            // Taken at once: the callback has run (last thing TrySendBatched does); a state completes here instead.
            state?.CompleteFinal(null);
        }
        else if (Socket is null && pendingHead is not null && outputFirst is null)
        {
            // No socket yet (a request waiting for one): the head stays where it is and leaves with the terminator
            // when the socket comes, straight into its batch when it can.
            outputFirst = last;
            outputFirstCallback = callback ?? state!.FinalCallback;
            outputFirstEarly = true;
            outputFirstIsFinal = true;
        }
        else
        {
            SendFinal(last, callback ?? state!.FinalCallback);
        }
        OnFinalIssued();
    }

    private void SendFinal(NodeBuffer last, Action<Exception?> callback)
    {
        if (pendingHead is not null)
        {
            // A head still waiting (End() with no body) leaves with the terminator in one buffer.
            byte[] all = TakeHead(last.Length, out int headLength);
            last.Span.CopyTo(all.AsSpan(headLength));
            last = NodeBuffer.Wrap(all);
        }
        SendRawCore(last, callback, completeEarly: true);
    }

    // Stands for a state's final callback in TrySendBatched, which runs it at once when it returns true.
    private static readonly Action<Exception?> CompletesAtOnce = static _ => { };

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
        if (!WritableFinished && Socket is { Destroyed: false } socket)
        {
            socket.Destroy(error);
        }
        ClearOutput();
        if (pendingHead is { } head)
        {
            pendingHead = null;
            System.Buffers.ArrayPool<byte>.Shared.Return(head);
        }
    }

    /// <summary>Node's <c>assignSocket</c>: this message becomes the one its socket writes; buffered output is flushed.</summary>
    internal void AssignSocket(Socket socket)
    {
        Socket = socket;
        Attached = true;
        OnSocketAssigned(socket);
        if (outputFirst is { } first)
        {
            Action<Exception?>? firstCallback = outputFirstCallback;
            bool firstEarly = outputFirstEarly;
            bool firstIsFinal = outputFirstIsFinal;
            List<(NodeBuffer Data, Action<Exception?>? Callback, bool CompleteEarly)>? rest = outputData;
            ClearOutput();
            if (!firstIsFinal)
            {
                SendRawCore(first, firstCallback, firstEarly);
            }
            else if (!TrySendBatched(first.Span, firstCallback))
            {
                SendFinal(first, firstCallback!);
            }
            if (rest is not null)
            {
                foreach ((NodeBuffer data, Action<Exception?>? cb, bool early) in rest)
                {
                    SendRawCore(data, cb, early);
                }
            }
        }
    }

    /// <summary>
    /// Sets the socket before <see cref="AssignSocket"/> flushes to it (the client's tickOnSocket: <c>'socket'</c> is
    /// emitted in between).
    /// </summary>
    internal void SetSocket(Socket socket) => Socket = socket;

    // Drops the output waiting for a socket (taken by AssignSocket, or discarded on destroy).
    private void ClearOutput()
    {
        outputFirst = null;
        outputFirstCallback = null;
        outputFirstIsFinal = false;
        outputData = null;
    }

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

    private void SendRawCore(NodeBuffer data, Action<Exception?>? callback, bool completeEarly = false)
    {
        Socket? socket = Socket;
        if (socket is not null && socket.Destroyed)
        {
            // Node's _writeRaw: the socket is gone; the message is destroyed with it, nothing completes.
            return;
        }
        if (socket is not null && Attached && socket.IsWritable)
        {
            if (callback is null)
            {
                socket.WriteBatched(data);
                return;
            }
            if (completeEarly && !socket.Pending && socket.WritableLength + data.Length < socket.WritableHighWaterMark)
            {
                // Node's res.write returns socket.write's answer: below the socket's highWaterMark the write is
                // done as far as the message is concerned, so End reaches its final write in the same turn and the
                // next pipelined response can follow in the same send. A socket still connecting (a client's) only
                // holds the bytes: 'finish' waits for the connect and the write, as in Node, so aborting on 'finish'
                // still leaves the request sent.
                socket.WriteBatched(data);
                callback(null);
                return;
            }
            // Socket write callbacks come back in order; one cached delegate per message serves them all, and the
            // usual single pending callback needs no queue.
            if (firstWriteCallback is null && (writeCallbacks is null || writeCallbacks.Count == 0))
            {
                firstWriteCallback = callback;
            }
            else
            {
                (writeCallbacks ??= new Queue<Action<Exception?>>(4)).Enqueue(callback);
            }
            socket.WriteBatched(data, onSocketWrite ??= OnSocketWrite);
            return;
        }
        if (outputFirst is null)
        {
            // The list only ever holds pieces queued behind the inline one, so it is empty here.
            outputFirst = data;
            outputFirstCallback = callback;
            outputFirstEarly = completeEarly;
            return;
        }
        (outputData ??= new List<(NodeBuffer, Action<Exception?>?, bool)>(4)).Add((data, callback, completeEarly));
    }

    private void OnSocketWrite(Exception? error)
    {
        Action<Exception?>? callback = firstWriteCallback;
        if (callback is not null)
        {
            firstWriteCallback = null;
        }
        else if (writeCallbacks is { Count: > 0 } queue)
        {
            callback = queue.Dequeue();
        }
        else
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

    // A stream writes chunks of one size over and over: the size line for the last length seen on this thread (one
    // loop per thread) is reused rather than formatted into a new array per chunk. The socket only reads it.
    [ThreadStatic]
    private static NodeBuffer? lastChunkHeader;
    [ThreadStatic]
    private static int lastChunkHeaderLength;

    private static NodeBuffer ChunkHeader(int length)
    {
        if (lastChunkHeader is { } cached && lastChunkHeaderLength == length)
        {
            return cached;
        }
        NodeBuffer header = FormatChunkHeader(length);
        lastChunkHeader = header;
        lastChunkHeaderLength = length;
        return header;
    }

    private static NodeBuffer FormatChunkHeader(int length)
    {
        Span<byte> tmp = stackalloc byte[16];
        System.Buffers.Text.Utf8Formatter.TryFormat((uint)length, tmp, out int n, new System.Buffers.StandardFormat('x'));
        tmp[n++] = (byte)'\r';
        tmp[n++] = (byte)'\n';
        return NodeBuffer.Wrap(tmp[..n].ToArray());
    }

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

    // Node's matchHeader: the headers that change framing and keep-alive.
    private void MatchHeader(ref HeadState state, string name, string value)
    {
        if (name.Length < 4 || name.Length > 17)
        {
            return;
        }
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
        else if (name.Equals("transfer-encoding", StringComparison.OrdinalIgnoreCase))
        {
            state.TransferEncoding = true;
            removedTransferEncoding = false;
            if (EndsWithChunked(value))
            {
                ChunkedEncoding = true;
            }
        }
        else if (name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
        {
            state.ContentLength = true;
            removedContentLength = false;
        }
        else if (name.Equals("date", StringComparison.OrdinalIgnoreCase))
        {
            state.Date = true;
        }
        else if (name.Equals("expect", StringComparison.OrdinalIgnoreCase))
        {
            state.Expect = true;
        }
        else if (name.Equals("trailer", StringComparison.OrdinalIgnoreCase))
        {
            state.Trailer = true;
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

    private static void ValidateHeader(string name, StringValues value)
    {
        if (string.IsNullOrEmpty(name) || !HttpCommon.IsToken(name))
        {
            ErrorCodes.Throw("ERR_INVALID_HTTP_TOKEN", "Header name", name);
        }
        for (int i = 0; i < value.Count; i++)
        {
            string? v = value[i];
            if (v is null)
            {
                ErrorCodes.Throw("ERR_HTTP_INVALID_HEADER_VALUE", "undefined", name);
            }
            if (HttpCommon.HasInvalidHeaderChar(v))
            {
                ErrorCodes.Throw("ERR_INVALID_CHAR", $"header content [\"{name}\"]");
            }
        }
    }

    private struct HeadState
    {
        public bool Connection;
        public bool ContentLength;
        public bool TransferEncoding;
        public bool Date;
        public bool Expect;
        public bool Trailer;
    }
}
