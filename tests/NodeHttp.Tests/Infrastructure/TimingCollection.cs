namespace NodeHttp.Tests;

/// <summary>
/// Tests whose assertions depend on timing (timer bounds) or on process-wide state (stderr) run in this
/// collection, alone, so that a busy machine or a parallel test does not skew them.
/// </summary>
[CollectionDefinition("Timing", DisableParallelization = true)]
public class TimingCollection
{
}
