namespace NodeHttp;

/// <summary>The gathered writes a transport's <see cref="ISocketTransport.Writev"/> receives, as one run of bytes.</summary>
internal static class SegmentList
{
    /// <summary>Copies the segments of <paramref name="list"/>, in order, to the start of <paramref name="destination"/>; returns how many bytes that was.</summary>
    internal static int CopyTo(List<ArraySegment<byte>> list, Span<byte> destination)
    {
        int at = 0;
        foreach (ArraySegment<byte> segment in list)
        {
            segment.AsSpan().CopyTo(destination[at..]);
            at += segment.Count;
        }
        return at;
    }
}
