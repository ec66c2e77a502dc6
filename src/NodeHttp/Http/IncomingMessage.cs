using Microsoft.Extensions.Primitives;

namespace NodeHttp;

/// <summary>
/// Node's <c>http.IncomingMessage</c>: a request received by a server or a response received by a client.
/// The body is a <see cref="Readable"/> with back-pressure: while the consumer is paused and the buffer is
/// full, nothing more is read from the socket. Trailers are filled in at <c>'end'</c>.
/// </summary>
public partial class IncomingMessage : Readable
{
    private static readonly string[] NoRawHeaders = [];

    private readonly IIncomingMessageSource? source;
    // Exact-size arrays handed over whole by the connection's HeaderCollector; null: none came.
    private string[]? rawHeaders;
    private string[]? rawTrailers;
    private HeaderMap? headers;
    private HeaderMap? headersDistinct;
    private HeaderMap? trailers;
    private HeaderMap? trailersDistinct;
    private string? httpVersion;
    // Node's kHeadersCount: how many entries of rawHeaders make up Headers (a client's maxHeadersCount limits it).
    private int headersCount = int.MaxValue;

    internal IncomingMessage(Socket? socket, IIncomingMessageSource? source)
        // As Node's constructor: the message buffers as much as its socket does.
        : base(socket?.ReadableHighWaterMark, null, emitClose: true, autoDestroy: true)
    {
        Socket = socket;
        this.source = source;
        // As Node's constructor: no read-ahead (maybeReadMore) until someone reads, so that a body nobody asked for
        // leaves _consuming false and is dumped when the response ends.
        ReadableStateInternal.ReadingMore = true;
    }

    /// <summary>Node's <c>message.httpVersion</c>: <c>"1.1"</c> or <c>"1.0"</c>.</summary>
    public string HttpVersion => httpVersion ??= VersionString(HttpVersionMajor, HttpVersionMinor);

    /// <summary>Node's <c>message.httpVersionMajor</c>.</summary>
    public int HttpVersionMajor { get; private set; } = 1;

    /// <summary>Node's <c>message.httpVersionMinor</c>.</summary>
    public int HttpVersionMinor { get; private set; } = 1;

    /// <summary>Node's <c>message.method</c> (requests received by a server; null on responses).</summary>
    public string? Method { get; internal set; }

    /// <summary>Node's <c>message.url</c>: the request target exactly as on the wire (server side; null on responses).</summary>
    public string? Url { get; internal set; }

    /// <summary>Node's <c>message.statusCode</c> (responses received by a client; null on requests).</summary>
    public int? StatusCode { get; internal set; }

    /// <summary>Node's <c>message.statusMessage</c> (responses received by a client; null on requests).</summary>
    public string? StatusMessage { get; internal set; }

    /// <summary>
    /// Node's <c>message.headers</c>: lower-cased names, duplicates combined by Node's rules
    /// (<c>set-cookie</c> kept as an array, <c>cookie</c> joined with <c>"; "</c>, single-value headers keep
    /// the first, others joined with <c>", "</c>).
    /// </summary>
    public HeaderMap Headers => headers ??= BuildHeaders(rawHeaders, headersCount, distinct: false);

    /// <summary>Node's <c>message.headersDistinct</c>: every value of every header, lower-cased names.</summary>
    public HeaderMap HeadersDistinct => headersDistinct ??= BuildHeaders(rawHeaders, headersCount, distinct: true);

    /// <summary>
    /// Node's <c>message.rawHeaders</c>: name, value, name, value… as received, each value without its surrounding
    /// whitespace; up to where Node stops collecting them under a header count limit (see
    /// <see cref="Server.MaxHeadersCount"/>, <see cref="ClientRequest.MaxHeadersCount"/>).
    /// </summary>
    public IReadOnlyList<string> RawHeaders => rawHeaders ?? NoRawHeaders;

    /// <summary>Node's <c>message.trailers</c>: the trailer section of a chunked body, filled in at <c>'end'</c>.</summary>
    public HeaderMap Trailers => trailers ??= BuildHeaders(rawTrailers, int.MaxValue, distinct: false);

    /// <summary>Node's <c>message.trailersDistinct</c>.</summary>
    public HeaderMap TrailersDistinct => trailersDistinct ??= BuildHeaders(rawTrailers, int.MaxValue, distinct: true);

    /// <summary>Node's <c>message.rawTrailers</c>: name, value… as received, filled in at <c>'end'</c>.</summary>
    public IReadOnlyList<string> RawTrailers => rawTrailers ?? NoRawHeaders;

    /// <summary>Node's <c>message.complete</c>: the whole message was received and parsed.</summary>
    public bool Complete { get; internal set; }

    /// <summary>Node's <c>message.aborted</c> (deprecated in Node 17): the message was cut short.</summary>
    public bool Aborted { get; internal set; }

    /// <summary>Node's <c>message.upgrade</c>: the message asked for (or granted) a protocol switch.</summary>
    public bool Upgrade { get; internal set; }

    /// <summary>Node's <c>message.socket</c> (and the deprecated <c>message.connection</c>).</summary>
    public Socket? Socket { get; internal set; }

    /// <summary>Whether <see cref="Headers"/> joins duplicates of single-value headers (the server's <c>joinDuplicateHeaders</c>).</summary>
    internal bool JoinDuplicateHeaders { get; set; }

    /// <summary>On a server: the sequence number of this request's response in its connection's <see cref="ResponseQueue"/>.</summary>
    internal int ResponseSequence { get; set; }

    /// <summary>Node's <c>message.setTimeout(msecs, callback)</c>: the socket's idle timeout.</summary>
    public IncomingMessage SetTimeout(int ms, Action? callback = null)
    {
        if (callback is not null)
        {
            On(HttpEvents.Timeout, callback);
        }
        Socket?.SetTimeout(ms);
        return this;
    }

    /// <summary>Sets the version the parser read.</summary>
    internal void SetVersion(int major, int minor)
    {
        if (major != HttpVersionMajor || minor != HttpVersionMinor)
        {
            HttpVersionMajor = major;
            HttpVersionMinor = minor;
            httpVersion = null;
        }
    }

    /// <summary>Sets every received header line at once (name, value, …), in an array the message now owns.</summary>
    internal void SetRawHeaders(string[] lines)
    {
        rawHeaders = lines.Length == 0 ? null : lines;
        headers = null;
        headersDistinct = null;
    }

    /// <summary>
    /// Only the first <paramref name="entries"/> entries of <see cref="RawHeaders"/> (names and values counted
    /// apart) make up <see cref="Headers"/> and <see cref="HeadersDistinct"/>; the raw lines stay as they are.
    /// </summary>
    internal void LimitHeaders(int entries)
    {
        headersCount = entries;
        headers = null;
        headersDistinct = null;
    }

    /// <summary>Sets every received trailer line at once (name, value, …), in an array the message now owns.</summary>
    internal void SetRawTrailers(string[] lines)
    {
        rawTrailers = lines.Length == 0 ? null : lines;
        trailers = null;
        trailersDistinct = null;
    }

    /// <summary>Node's <c>_read</c>: the body is pushed by the parser; here the socket is let flow again.</summary>
    protected override void ReadCore(int size)
    {
        if (!consuming)
        {
            ReadableStateInternal.ReadingMore = false;
            consuming = true;
        }
        source?.ResumeBody(this);
    }

    /// <summary>
    /// Node's <c>_consuming</c>: the body has been asked for (read, flowing or piped) at least once. A body parsed in
    /// the same read as the head is buffered whole before anyone asks, so the first read takes it without a
    /// <c>_read</c>; data handed out counts as asked for, as Node's <c>_read</c> would have run first there.
    /// </summary>
    internal bool Consuming => consuming || ReadableDidRead;

    private bool consuming;

    /// <summary>
    /// Node's <c>IncomingMessage._destroy</c>: a message destroyed before it was read to the end is
    /// <c>'aborted'</c>, and its socket is destroyed with it.
    /// </summary>
    protected override void DestroyCore(Exception? error, Action<Exception?> callback)
    {
        Exception? reported = AbortOnDestroy(error);
        if (reported is null)
        {
            // The usual case (a finished request released): no tuple to box.
            Loop.NextTick(static s => ((Action<Exception?>)s!)(null), callback);
        }
        else
        {
            Loop.NextTick(static s => { var (cb, e) = ((Action<Exception?>, Exception))s!; cb(e); }, (callback, reported));
        }
    }

    // IncomingMessage's constructor is internal and no library type derives from it, so its _destroy is the one
    // above: it runs here and completes through the stream state, with no callback delegate per request. (The
    // exact-type check keeps a future subclass's DestroyCore override in force.)
    private protected override void DestroyWithState(Exception? error, StreamStateBase owner)
    {
        if (GetType() != typeof(IncomingMessage))
        {
            base.DestroyWithState(error, owner);
            return;
        }
        Exception? reported = AbortOnDestroy(error);
        if (reported is null)
        {
            Loop.NextTick(static s => ((StreamStateBase)s!).CompleteDestroy(null), owner);
        }
        else
        {
            Loop.NextTick(static s => { var (o, e) = ((StreamStateBase, Exception))s!; o.CompleteDestroy(e); }, (owner, reported));
        }
    }

    // _destroy's work before it completes; returns the error to complete with (Node's onError, a tick later as
    // Node's _destroy defers it: the error is emitted on the message only when someone listens for it).
    private Exception? AbortOnDestroy(Exception? error)
    {
        if (!ReadableEnded || !Complete)
        {
            Aborted = true;
            Emit(HttpEvents.Aborted);
        }
        if (Aborted && Socket is { Destroyed: false } socket)
        {
            socket.Destroy(error);
        }
        return ListenerCount(HttpEvents.Error) > 0 ? error : null;
    }

    /// <summary>Node's <c>_dump</c>: a body nobody reads (or nobody will read) is discarded so the connection can go on.</summary>
    internal void Dump()
    {
        if (!Dumped)
        {
            Dumped = true;
            // What is already buffered may still be emitted: 'data' listeners are removed so it goes nowhere.
            RemoveAllListeners(StreamEvents.Data);
            Resume();
        }
    }

    /// <summary>Node's <c>_dumped</c>: the rest of the body is discarded as it arrives.</summary>
    internal bool Dumped { get; private set; }

    private HeaderMap BuildHeaders(string[]? raw, int limit, bool distinct)
    {
        int n = Math.Min(raw?.Length ?? 0, limit);
        var map = new HeaderMap(n / 2);
        for (int i = 0; i + 1 < n; i += 2)
        {
            string name = HeaderNames.ToLower(raw![i]);
            if (distinct)
            {
                map.AddDistinct(name, raw[i + 1]);
            }
            else
            {
                map.AddLine(name, raw[i + 1], JoinDuplicateHeaders);
            }
        }
        return map;
    }

    private static string VersionString(int major, int minor) => (major, minor) switch
    {
        (1, 1) => "1.1",
        (1, 0) => "1.0",
        _ => $"{major}.{minor}",
    };
}
