namespace NodeHttp.Tests;

/// <summary>Locates the repository (the folder holding NodeHttp.slnx) and the shared folder beside it.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NodeHttp.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("NodeHttp.slnx not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string Root => root.Value;

    /// <summary>The shared folder (spec, conformance vectors) beside the repository.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));
}
