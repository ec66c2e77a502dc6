namespace NodeHttp;

/// <summary>
/// Where the public <c>Write</c>/<c>End</c> overloads of <see cref="Writable"/> and of <see cref="Duplex"/>'s writable
/// side land, so the overloads that only convert their argument are written once (see <see cref="EncodedText"/>).
/// </summary>
internal interface IWriteEntry
{
    /// <summary><c>write(chunk, cb)</c> with a chunk the stream may keep.</summary>
    bool WriteChunk(NodeBuffer chunk, Action<Exception?>? callback);

    /// <summary><c>write(chunk, cb)</c> with bytes the caller keeps.</summary>
    bool WriteBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback);

    /// <summary><c>end(chunk, cb)</c> with a chunk the stream may keep (null: none).</summary>
    void EndChunk(NodeBuffer? chunk, Action<Exception?>? callback);

    /// <summary><c>end(chunk, cb)</c> with bytes the caller keeps.</summary>
    void EndBytes(ReadOnlySpan<byte> chunk, Action<Exception?>? callback);
}
