namespace NodeHttp;

/// <summary>
/// Text written to a stream (<c>write(string)</c>, <c>end(string)</c>) encoded into per-thread scratch memory rather
/// than into a chunk of its own, so a stream that takes spans (see <see cref="Writable.WriteCore(ReadOnlySpan{byte}, Action{Exception?})"/>)
/// gets it without an allocation. UTF-8 only, and only text that fits the scratch; anything else is a chunk as before.
/// </summary>
internal static class EncodedText
{
    // Longer text is encoded into a chunk of its own: the scratch stays small per loop thread.
    private const int ScratchSize = 16 * 1024;

    private static readonly System.Text.UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    // Taken while in use (a nested write gets a fresh array), put back after.
    [ThreadStatic]
    private static byte[]? scratch;

    /// <summary>
    /// Encodes <paramref name="text"/> into scratch memory when <paramref name="encoding"/> is UTF-8 and it fits;
    /// null otherwise. Give the array back with <see cref="Return"/> once the bytes were handed on.
    /// </summary>
    internal static byte[]? TryEncode(string text, string encoding, out int length)
    {
        length = 0;
        // At most three bytes per UTF-16 unit.
        if (text.Length > ScratchSize / 3 || encoding is not ("utf8" or "utf-8"))
        {
            return null;
        }
        byte[] buffer = scratch ?? new byte[ScratchSize];
        scratch = null;
        length = Utf8.GetBytes(text, buffer);
        return buffer;
    }

    /// <summary>Gives back an array from <see cref="TryEncode"/>.</summary>
    internal static void Return(byte[] buffer) => scratch = buffer;

    /// <summary><c>write(text, encoding, cb)</c> on a stream's entry points: a span when the text fits the scratch, else a chunk.</summary>
    internal static bool Write(IWritable stream, string text, string encoding, Action<Exception?>? callback)
    {
        byte[]? encoded = TryEncode(text, encoding, out int length);
        if (encoded is null)
        {
            return stream.WriteChunk(NodeBuffer.From(text, encoding), callback);
        }
        try
        {
            return stream.WriteBytes(encoded.AsSpan(0, length), callback);
        }
        finally
        {
            Return(encoded);
        }
    }

    /// <summary><c>end(text, encoding, cb)</c> on a stream's entry points (see <see cref="Write"/>).</summary>
    internal static void End(IWritable stream, string text, string encoding, Action<Exception?>? callback)
    {
        byte[]? encoded = TryEncode(text, encoding, out int length);
        if (encoded is null)
        {
            stream.EndChunk(NodeBuffer.From(text, encoding), callback);
            return;
        }
        try
        {
            stream.EndBytes(encoded.AsSpan(0, length), callback);
        }
        finally
        {
            Return(encoded);
        }
    }
}
