namespace NodeHttp.Tests;

/// <summary>
/// Two in-memory duplexes joined back to back, with the semantics of Node 20's <c>stream.duplexPair()</c>: what one
/// side writes the other side reads; a write completes only once the reading side asks for more (so an unread side
/// holds its writer back); ending one side ends the other's readable side, and the end completes once that side
/// emitted <c>'end'</c>. Destroying one side leaves the other alone, as Node's pair does.
/// </summary>
internal static class DuplexPair
{
    /// <summary>Makes a pair on the current loop.</summary>
    public static (Duplex A, Duplex B) Create(int? highWaterMark = null)
    {
        var a = new Side(highWaterMark);
        var b = new Side(highWaterMark);
        a.Other = b;
        b.Other = a;
        return (a, b);
    }

    private sealed class Side(int? highWaterMark) : Duplex(new DuplexOptions { HighWaterMark = highWaterMark })
    {
        // The other side's write waiting for this side's reader to ask for more.
        private Action<Exception?>? heldWrite;

        public Side Other { get; set; } = null!;

        protected override void ReadCore(int size)
        {
            Action<Exception?>? held = heldWrite;
            if (held is not null)
            {
                heldWrite = null;
                held(null);
            }
        }

        protected override void WriteCore(NodeBuffer chunk, Action<Exception?> callback)
        {
            if (chunk.Length == 0)
            {
                Loop.NextTick(() => callback(null));
                return;
            }
            Other.heldWrite = callback;
            Other.Push(chunk);
        }

        protected override void FinalCore(Action<Exception?> callback)
        {
            Other.Once("end", () => callback(null));
            Other.Push(null);
        }
    }
}
