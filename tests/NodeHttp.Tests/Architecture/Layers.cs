namespace NodeHttp.Tests;

/// <summary>
/// One layer of src/NodeHttp: its folder (empty for the errors at the root) and the layers its code may use.
/// The table is docs/internals.md's "layers" paragraph; change both together.
/// </summary>
internal sealed record Layer(string Folder, bool Required, IReadOnlyList<string> MayUse)
{
    /// <summary>The layer's name in messages: the folder, or <c>(root)</c>.</summary>
    public string Name => Folder.Length == 0 ? RootName : Folder;

    public const string RootName = "(root)";
}

/// <summary>The layer table: errors at the root → Loop → Events → Buffers → Streams → Net, Parser beside them, then Http, Tls, Https.</summary>
internal static class Layers
{
    private const string Root = "";

    private static readonly string[] belowStreams = [Root, "Loop", "Events", "Buffers"];
    private static readonly string[] belowParser = [Root, "Buffers"];
    private static readonly string[] belowHttp = [Root, "Loop", "Events", "Buffers", "Streams", "Net", "Parser"];

    /// <summary>Every layer, lowest first. <see cref="Layer.Required"/> is false for layers whose folder may not exist yet.</summary>
    public static readonly IReadOnlyList<Layer> All =
    [
        // The errors and the bytes are the base together: an error carries the bytes it was raised on (Node's
        // err.rawPacket is a Buffer) and the encodings raise Node's errors; neither uses anything above.
        new(Root, Required: true, MayUse: ["Buffers"]),
        new("Loop", Required: true, MayUse: [Root]),
        new("Events", Required: true, MayUse: [Root, "Loop"]),
        new("Buffers", Required: true, MayUse: [Root]),
        new("Streams", Required: true, MayUse: belowStreams),
        new("Net", Required: true, MayUse: [.. belowStreams, "Streams"]),
        // llhttp's counterpart stands alone: it reads spans and reports through a struct callbacks type, so
        // it needs only the errors it raises and the NodeBuffer its error carries (Node's err.rawPacket).
        new("Parser", Required: true, MayUse: belowParser),
        new("Http", Required: true, MayUse: belowHttp),
        // TLS sits between http and the TCP socket with the socket's interface, so it knows nothing of http.
        new("Tls", Required: false, MayUse: [.. belowStreams, "Streams", "Net"]),
        new("Https", Required: false, MayUse: [.. belowHttp, "Http", "Tls"]),
    ];

    /// <summary>The layer whose folder is <paramref name="folder"/>, or null for a folder the table does not know.</summary>
    public static Layer? ByFolder(string folder) => All.FirstOrDefault(l => l.Folder == folder);
}
