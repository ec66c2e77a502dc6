using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NodeHttp.Tests;

/// <summary>
/// The layering of src/NodeHttp (docs/internals.md): a type belongs to the layer of the folder its file is in, and
/// a layer's files use only the layers below it. Checked on the semantic model of an in-memory compilation.
/// </summary>
public class ArchitectureTests
{
    [Fact]
    public void SourceCompilesInTheCheckingCompilation()
    {
        AssertCompiles(SourceModel.Instance);
    }

    [Fact]
    public void EveryFolderIsAKnownLayerAndEveryLayerHasFiles()
    {
        IReadOnlyList<SourceFile> files = SourceModel.ParseFiles(out IReadOnlyList<string> folders);
        var problems = new List<string>();
        foreach (string folder in folders)
        {
            if (Layers.ByFolder(folder) is null)
            {
                problems.Add($"src/NodeHttp/{folder}/ is not a layer: add it to Architecture/Layers.cs and docs/internals.md");
            }
        }
        foreach (Layer layer in Layers.All.Where(l => l.Required))
        {
            if (!files.Any(f => f.LayerFolder == layer.Folder))
            {
                problems.Add($"layer {layer.Name} has no .cs file under src/NodeHttp/{layer.Folder}");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void EveryTypeIsInNamespaceNodeHttp()
    {
        IReadOnlyList<SourceFile> files = SourceModel.ParseFiles(out _);
        var problems = new List<string>();
        int types = 0;
        foreach (SourceFile file in files)
        {
            foreach (MemberDeclarationSyntax declaration in file.Tree.GetRoot().DescendantNodes()
                .OfType<MemberDeclarationSyntax>()
                .Where(d => d is BaseTypeDeclarationSyntax or DelegateDeclarationSyntax))
            {
                types++;
                string ns = string.Join('.', declaration.Ancestors().OfType<BaseNamespaceDeclarationSyntax>()
                    .Reverse().Select(n => n.Name.ToString()));
                if (ns != "NodeHttp")
                {
                    int line = declaration.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
                    string shown = ns.Length == 0 ? "the global namespace" : ns;
                    problems.Add($"{file.RelativePath}:{line} declares a type in {shown}");
                }
            }
        }
        Assert.True(types > files.Count / 2, $"only {types} type declarations found in {files.Count} files");
        Assert.True(problems.Count == 0, "users write only `using NodeHttp;`:\n" + string.Join('\n', problems));
    }

    [Fact]
    public void PartialTypesStayInOneLayerFolder()
    {
        SourceModel model = SourceModel.Instance;
        AssertCompiles(model);
        var problems = new List<string>();
        foreach (INamedTypeSymbol type in AllSourceTypes(model.Compilation.GlobalNamespace))
        {
            var folders = model.DeclaringFolders(type);
            if (folders.Length > 1)
            {
                problems.Add($"{type.ToDisplayString()} is declared in {string.Join(", ", folders.Select(f => f.Length == 0 ? Layer.RootName : f))}");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void NoLayerUsesAHigherLayer()
    {
        SourceModel model = SourceModel.Instance;
        AssertCompiles(model);
        AssertTheWalkSeesTheLayers(model);

        var violations = new List<string>();
        foreach (SourceReference reference in model.References)
        {
            Layer from = Layers.ByFolder(reference.File.LayerFolder)
                ?? throw new InvalidOperationException($"{reference.File.RelativePath} is in no layer");
            if (reference.TargetLayerFolder == from.Folder || from.MayUse.Contains(reference.TargetLayerFolder))
            {
                continue;
            }
            string where = reference.InDocComment ? " (doc comment)" : "";
            violations.Add($"{reference.File.RelativePath}:{reference.Line} uses {SourceModel.Describe(reference)}{where}");
        }
        violations = [.. violations.Distinct(StringComparer.Ordinal)];
        Assert.True(violations.Count == 0,
            $"{violations.Count} use(s) of a layer that the using layer may not use (docs/internals.md):\n"
            + string.Join('\n', violations));
    }

    private static void AssertCompiles(SourceModel model)
    {
        Assert.True(model.Files.Count > 0, "no .cs file under " + model.SourceRoot);
        if (model.Errors.Count == 0)
        {
            return;
        }
        var message = new StringBuilder("src/NodeHttp does not compile in the checking compilation, so its references cannot be trusted:\n");
        foreach (Diagnostic error in model.Errors.Take(20))
        {
            FileLinePositionSpan span = error.Location.GetLineSpan();
            string where = error.Location.IsInSource
                ? Path.GetRelativePath(model.SourceRoot, span.Path).Replace(Path.DirectorySeparatorChar, '/') + ":" + (span.StartLinePosition.Line + 1)
                : "(assembly)";
            message.Append(where).Append(' ').Append(error.Id).Append(' ').Append(error.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        }
        Assert.Fail(message.ToString());
    }

    /// <summary>
    /// Guards the check itself: Http is built on every layer below it, so a walk that does not see Http use each of
    /// them has stopped resolving references and would pass anything.
    /// </summary>
    private static void AssertTheWalkSeesTheLayers(SourceModel model)
    {
        var usedByHttp = model.References
            .Where(r => r.File.LayerFolder == "Http" && !r.InDocComment)
            .Select(r => r.TargetLayerFolder)
            .ToHashSet(StringComparer.Ordinal);
        string[] missing = [.. Layers.ByFolder("Http")!.MayUse.Where(l => !usedByHttp.Contains(l))];
        Assert.True(missing.Length == 0,
            "the reference walk saw no use from Http of: " + string.Join(", ", missing.Select(l => l.Length == 0 ? Layer.RootName : l)));
    }

    private static IEnumerable<INamedTypeSymbol> AllSourceTypes(INamespaceSymbol ns)
    {
        foreach (INamespaceOrTypeSymbol member in ns.GetMembers())
        {
            if (member is INamespaceSymbol child)
            {
                foreach (INamedTypeSymbol type in AllSourceTypes(child))
                {
                    yield return type;
                }
            }
            else if (member is INamedTypeSymbol type && type.Locations.Any(l => l.IsInSource))
            {
                yield return type;
            }
        }
    }
}
