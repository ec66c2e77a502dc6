using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.Extensions.Primitives;

namespace NodeHttp.Tests;

/// <summary>A source file of src/NodeHttp: its path relative to that folder ('/'-separated) and its layer folder.</summary>
internal sealed record SourceFile(string RelativePath, string LayerFolder, SyntaxTree Tree);

/// <summary>
/// One use, in a source file, of a type or member declared in src/NodeHttp: where it is, what it names (the
/// definition, generic and extension forms undone) and the layer folder of the top-level type that declares it.
/// <see cref="InDocComment"/> marks a <c>cref</c> or name in an XML doc comment (a build dependency too: a cref
/// to a missing symbol is a warning, and warnings are errors).
/// </summary>
internal sealed record SourceReference(
    SourceFile File,
    int Line,
    ISymbol Target,
    string TargetLayerFolder,
    bool InDocComment);

/// <summary>
/// src/NodeHttp compiled in memory with Roslyn, as the project builds it, and every reference from its files to
/// its own types and members, resolved through the semantic model. Built once per test run.
/// </summary>
internal sealed class SourceModel
{
    private static readonly Lazy<SourceModel> instance = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    // The Microsoft.NET.Sdk implicit usings (ImplicitUsings=enable in Directory.Build.props).
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    private SourceModel(string sourceRoot, IReadOnlyList<SourceFile> files, IReadOnlyList<string> folders,
        CSharpCompilation compilation, IReadOnlyList<Diagnostic> errors, IReadOnlyList<SourceReference> references)
    {
        SourceRoot = sourceRoot;
        Files = files;
        Folders = folders;
        Compilation = compilation;
        Errors = errors;
        References = references;
    }

    /// <summary>The model of the current src/NodeHttp, built on first use.</summary>
    public static SourceModel Instance => instance.Value;

    /// <summary>The full path of src/NodeHttp.</summary>
    public string SourceRoot { get; }

    /// <summary>Every .cs file under src/NodeHttp (bin/ and obj/ left out), ordered by path.</summary>
    public IReadOnlyList<SourceFile> Files { get; }

    /// <summary>The top-level folders of src/NodeHttp that hold .cs files, ordered.</summary>
    public IReadOnlyList<string> Folders { get; }

    /// <summary>The in-memory compilation of <see cref="Files"/>.</summary>
    public CSharpCompilation Compilation { get; }

    /// <summary>The compilation's errors, less those only a source generator the test does not run would fix.</summary>
    public IReadOnlyList<Diagnostic> Errors { get; }

    /// <summary>Every reference from a source file to a type or member declared in src/NodeHttp, in file and line order.</summary>
    public IReadOnlyList<SourceReference> References { get; }

    private static readonly Lazy<(IReadOnlyList<SourceFile> Files, IReadOnlyList<string> Folders)> parsed =
        new(Parse, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The files parsed (no binding), for checks that need no semantic model; parsed once per test run.</summary>
    public static IReadOnlyList<SourceFile> ParseFiles(out IReadOnlyList<string> folders)
    {
        folders = parsed.Value.Folders;
        return parsed.Value.Files;
    }

    private static (IReadOnlyList<SourceFile> Files, IReadOnlyList<string> Folders) Parse()
    {
        string sourceRoot = Path.Combine(RepoPaths.Root, "src", "NodeHttp");
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest, DocumentationMode.Parse);
        var files = new List<SourceFile>();
        var folderSet = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string path in Directory.EnumerateFiles(sourceRoot, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(sourceRoot, path).Replace(Path.DirectorySeparatorChar, '/');
            int slash = relative.IndexOf('/', StringComparison.Ordinal);
            string folder = slash < 0 ? "" : relative[..slash];
            if (folder is "bin" or "obj")
            {
                continue;
            }
            if (folder.Length > 0)
            {
                folderSet.Add(folder);
            }
            SyntaxTree tree = CSharpSyntaxTree.ParseText(File.ReadAllText(path), parseOptions, path);
            files.Add(new SourceFile(relative, folder, tree));
        }
        files.Sort((a, b) => StringComparer.Ordinal.Compare(a.RelativePath, b.RelativePath));
        return (files, [.. folderSet]);
    }

    private static SourceModel Build()
    {
        IReadOnlyList<SourceFile> files = ParseFiles(out IReadOnlyList<string> folders);
        var parseOptions = (CSharpParseOptions)files[0].Tree.Options;
        SyntaxTree usings = CSharpSyntaxTree.ParseText(ImplicitUsings, parseOptions, "GlobalUsings.g.cs");
        var options = new CSharpCompilationOptions(
            OutputKind.DynamicallyLinkedLibrary,
            allowUnsafe: true, // AllowUnsafeBlocks in NodeHttp.csproj
            // Nullable analysis reports warnings only and resolves no symbol differently; off, the check runs faster.
            nullableContextOptions: NullableContextOptions.Disable,
            concurrentBuild: false,
            deterministic: true);
        CSharpCompilation compilation = CSharpCompilation.Create(
            "NodeHttp", [.. files.Select(f => f.Tree), usings], FrameworkReferences(), options);

        var byTree = files.ToDictionary(f => f.Tree);
        // Assembly-level errors (references, options) belong to no file.
        List<Diagnostic> errors = [.. compilation.GetDeclarationDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && !d.Location.IsInSource)];
        var references = new List<SourceReference>();
        foreach (SourceFile file in files)
        {
            // One file at a time: binding files in parallel makes the compiler repeat shared work, costing more CPU.
            SemanticModel model = compilation.GetSemanticModel(file.Tree);
            errors.AddRange(model.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !IsLibraryImportStub(d)));
            new ReferenceWalker(file, model, byTree, references).Walk();
        }
        return new SourceModel(Path.Combine(RepoPaths.Root, "src", "NodeHttp"), files, folders, compilation, errors, references);
    }

    /// <summary>
    /// The framework assemblies the built library references, with what they reference in turn (type forwarders lead
    /// to System.Private.CoreLib), taken from the shared framework the tests run on; and Microsoft.Extensions.Primitives
    /// and Microsoft.Extensions.Logging.Abstractions, the library's packages. The closure (two dozen assemblies), not the whole framework folder (about 170), which
    /// the compiler would spend most of a second more setting up.
    /// </summary>
    private static List<MetadataReference> FrameworkReferences()
    {
        string frameworkDir = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var paths = new SortedSet<string>(StringComparer.Ordinal)
        {
            typeof(StringValues).Assembly.Location,
            typeof(Microsoft.Extensions.Logging.ILogger).Assembly.Location,
        };
        var pending = new Queue<string>(typeof(NodeBuffer).Assembly.GetReferencedAssemblies().Select(a => a.Name!));
        pending.Enqueue(typeof(object).Assembly.GetName().Name!);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out string? name))
        {
            string path = Path.Combine(frameworkDir, name + ".dll");
            if (!seen.Add(name) || !File.Exists(path))
            {
                continue; // not a framework assembly (the package), or already taken
            }
            paths.Add(path);
            using var pe = new PEReader(File.OpenRead(path));
            MetadataReader metadata = pe.GetMetadataReader();
            foreach (AssemblyReferenceHandle handle in metadata.AssemblyReferences)
            {
                pending.Enqueue(metadata.GetString(metadata.GetAssemblyReference(handle).Name));
            }
        }
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    // [LibraryImport] and [LoggerMessage] partial methods get their bodies from source generators; without them they
    // are CS8795 (partial method without implementation), which says nothing about the layers.
    private static bool IsLibraryImportStub(Diagnostic d)
    {
        if (d.Id != "CS8795" || d.Location.SourceTree is not { } tree)
        {
            return false;
        }
        MethodDeclarationSyntax? method = tree.GetRoot().FindNode(d.Location.SourceSpan)
            .AncestorsAndSelf().OfType<MethodDeclarationSyntax>().FirstOrDefault();
        return method is not null && method.AttributeLists.SelectMany(l => l.Attributes)
            .Any(a => a.Name.ToString() is "LibraryImport" or "LibraryImportAttribute" or "LoggerMessage" or "LoggerMessageAttribute");
    }

    /// <summary>Collects what each name, operator, indexer, conversion, foreach and await of one file binds to.</summary>
    private sealed class ReferenceWalker(
        SourceFile file, SemanticModel model, Dictionary<SyntaxTree, SourceFile> files, List<SourceReference> output)
    {
        private readonly HashSet<(int Line, ISymbol Target)> seen = new(new LineSymbolComparer());

        public void Walk()
        {
            foreach (SyntaxNode node in file.Tree.GetRoot().DescendantNodes(descendIntoTrivia: true))
            {
                switch (node)
                {
                    case SimpleNameSyntax or CrefSyntax or ImplicitObjectCreationExpressionSyntax
                        or ConstructorInitializerSyntax or ElementAccessExpressionSyntax or ImplicitElementAccessSyntax
                        or BinaryExpressionSyntax or PrefixUnaryExpressionSyntax or PostfixUnaryExpressionSyntax
                        or AssignmentExpressionSyntax or CastExpressionSyntax:
                        SymbolInfo info = model.GetSymbolInfo(node);
                        Add(node, info.Symbol);
                        foreach (ISymbol candidate in info.CandidateSymbols)
                        {
                            Add(node, candidate);
                        }
                        break;
                    case CommonForEachStatementSyntax forEach:
                        ForEachStatementInfo each = model.GetForEachStatementInfo(forEach);
                        Add(node, each.GetEnumeratorMethod);
                        Add(node, each.MoveNextMethod);
                        Add(node, each.CurrentProperty);
                        Add(node, each.DisposeMethod);
                        break;
                    case AwaitExpressionSyntax awaitExpression:
                        AwaitExpressionInfo awaitInfo = model.GetAwaitExpressionInfo(awaitExpression);
                        Add(node, awaitInfo.GetAwaiterMethod);
                        Add(node, awaitInfo.IsCompletedProperty);
                        Add(node, awaitInfo.GetResultMethod);
                        break;
                }
                if (node is ExpressionSyntax expression && !node.IsPartOfStructuredTrivia())
                {
                    Conversion conversion = model.GetConversion(expression);
                    if (conversion.IsUserDefined)
                    {
                        Add(node, conversion.MethodSymbol);
                    }
                }
            }
        }

        private void Add(SyntaxNode node, ISymbol? symbol)
        {
            if (symbol is IAliasSymbol alias)
            {
                symbol = alias.Target;
            }
            switch (symbol)
            {
                case null:
                    return;
                case ITypeSymbol type:
                    foreach (INamedTypeSymbol named in NamedTypesIn(type))
                    {
                        AddResolved(node, named.OriginalDefinition);
                    }
                    return;
                case IMethodSymbol method:
                    method = method.ReducedFrom ?? method;
                    if (method.MethodKind is MethodKind.LocalFunction or MethodKind.AnonymousFunction)
                    {
                        return;
                    }
                    AddResolved(node, method.OriginalDefinition);
                    return;
                case IPropertySymbol or IFieldSymbol or IEventSymbol:
                    AddResolved(node, symbol.OriginalDefinition);
                    return;
                default:
                    // Locals, parameters, type parameters, labels, range variables, namespaces, discards.
                    return;
            }
        }

        private void AddResolved(SyntaxNode node, ISymbol target)
        {
            INamedTypeSymbol? owner = target as INamedTypeSymbol ?? target.ContainingType;
            if (owner is null)
            {
                return;
            }
            owner = Outermost(owner);
            string? layer = LayerOf(owner);
            if (layer is null)
            {
                return; // declared outside src/NodeHttp (the framework, a package)
            }
            int line = node.GetLocation().GetLineSpan().StartLinePosition.Line + 1;
            if (!seen.Add((line, target)))
            {
                return;
            }
            output.Add(new SourceReference(file, line, target, layer, node.IsPartOfStructuredTrivia()));
        }

        private string? LayerOf(INamedTypeSymbol type)
        {
            // Partial types are in one folder (checked on its own); take the first file for a stable answer.
            string? first = null;
            foreach (SyntaxReference reference in type.DeclaringSyntaxReferences)
            {
                if (files.TryGetValue(reference.SyntaxTree, out SourceFile? declaring)
                    && (first is null || StringComparer.Ordinal.Compare(declaring.LayerFolder, first) < 0))
                {
                    first = declaring.LayerFolder;
                }
            }
            return first;
        }
    }

    /// <summary>The named types a type mentions: itself, array and pointer elements, type arguments.</summary>
    internal static IEnumerable<INamedTypeSymbol> NamedTypesIn(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                return NamedTypesIn(array.ElementType);
            case IPointerTypeSymbol pointer:
                return NamedTypesIn(pointer.PointedAtType);
            case INamedTypeSymbol named:
                return named.TypeArguments.SelectMany(NamedTypesIn).Prepend(named);
            default:
                return [];
        }
    }

    /// <summary>The top-level type that contains <paramref name="type"/> (itself when not nested).</summary>
    internal static INamedTypeSymbol Outermost(INamedTypeSymbol type)
    {
        while (type.ContainingType is { } outer)
        {
            type = outer;
        }
        return type;
    }

    /// <summary><c>Layer.Type</c> or <c>Layer.Type.Member</c>, nested types dotted, constructors as their type.</summary>
    internal static string Describe(SourceReference reference)
    {
        string layer = reference.TargetLayerFolder.Length == 0 ? Layer.RootName : reference.TargetLayerFolder;
        ISymbol target = reference.Target;
        INamedTypeSymbol type = target as INamedTypeSymbol ?? target.ContainingType;
        string typeName = type.ToDisplayString(TypeNameFormat);
        bool memberShown = target is not INamedTypeSymbol
            && !(target is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor });
        return memberShown ? $"{layer}.{typeName}.{target.Name}" : $"{layer}.{typeName}";
    }

    private static readonly SymbolDisplayFormat TypeNameFormat = new(
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.None);

    private sealed class LineSymbolComparer : IEqualityComparer<(int Line, ISymbol Target)>
    {
        public bool Equals((int Line, ISymbol Target) x, (int Line, ISymbol Target) y)
            => x.Line == y.Line && SymbolEqualityComparer.Default.Equals(x.Target, y.Target);

        public int GetHashCode((int Line, ISymbol Target) obj)
            => HashCode.Combine(obj.Line, SymbolEqualityComparer.Default.GetHashCode(obj.Target));
    }

    /// <summary>The layer folders a type's declaration files are in (more than one is a partial type split across layers).</summary>
    internal ImmutableArray<string> DeclaringFolders(INamedTypeSymbol type)
    {
        var byTree = Files.ToDictionary(f => f.Tree);
        return [.. type.DeclaringSyntaxReferences
            .Select(r => byTree.TryGetValue(r.SyntaxTree, out SourceFile? f) ? f.LayerFolder : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    }
}
