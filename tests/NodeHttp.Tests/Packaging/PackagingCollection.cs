namespace NodeHttp.Tests.Packaging;

/// <summary>
/// Tests that build, pack or publish with the <c>dotnet</c> CLI run in this collection, alone: each takes both cores
/// for a minute or more, which would skew the timing tests and is slowed by everything running beside it.
/// </summary>
[CollectionDefinition("Packaging", DisableParallelization = true)]
public class PackagingCollection
{
}
