namespace NodeHttp;

/// <summary>The event names of Node's <c>stream</c> module, as the strings Node emits.</summary>
public static class StreamEvents
{
    /// <summary><c>'data'</c>: a chunk (a <see cref="NodeBuffer"/>, or a <see cref="string"/> after <c>SetEncoding</c>).</summary>
    public const string Data = "data";

    /// <summary><c>'end'</c>: the readable side has no more data and all of it was consumed.</summary>
    public const string End = "end";

    /// <summary><c>'readable'</c>: data (or the end) is available to <c>Read()</c>.</summary>
    public const string Readable = "readable";

    /// <summary><c>'close'</c>: the stream and its resources are closed; no more events follow.</summary>
    public const string Close = "close";

    /// <summary><c>'error'</c>: the stream failed; an <see cref="Exception"/> is passed.</summary>
    public const string Error = "error";

    /// <summary><c>'pause'</c>: <c>Pause()</c> switched the stream out of flowing mode.</summary>
    public const string Pause = "pause";

    /// <summary><c>'resume'</c>: the stream switched to flowing mode.</summary>
    public const string Resume = "resume";

    /// <summary><c>'drain'</c>: a <c>Write</c> returned false earlier and the buffer has emptied.</summary>
    public const string Drain = "drain";

    /// <summary><c>'prefinish'</c>: all writes are done and <c>_final</c> completed, just before <c>'finish'</c>.</summary>
    public const string Prefinish = "prefinish";

    /// <summary><c>'finish'</c>: <c>End()</c> was called and every write has been flushed.</summary>
    public const string Finish = "finish";

    /// <summary><c>'pipe'</c>: a readable started piping into this writable; the source is passed.</summary>
    public const string Pipe = "pipe";

    /// <summary><c>'unpipe'</c>: a readable stopped piping into this writable; the source is passed.</summary>
    public const string Unpipe = "unpipe";
}
