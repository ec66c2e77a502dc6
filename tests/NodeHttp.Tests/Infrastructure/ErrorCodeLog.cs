using System.Collections.Concurrent;

namespace NodeHttp.Tests;

/// <summary>
/// What a handler's calls threw, in order, for one assertion at the end: <see cref="Expect"/> logs the expected
/// <see cref="NodeHttpException.Code"/> when the call threw it, and what happened instead otherwise. Safe to fill from
/// the loop thread and read from the test's.
/// </summary>
internal sealed class ErrorCodeLog
{
    private readonly ConcurrentQueue<string> entries = new();

    /// <summary>Runs <paramref name="action"/>, which should throw <paramref name="code"/>, and logs the outcome.</summary>
    public void Expect(string code, Action action)
    {
        try
        {
            action();
            entries.Enqueue("no error for " + code);
        }
        catch (NodeHttpException e)
        {
            entries.Enqueue(e.Code == code ? code : $"{e.Code} instead of {code}");
        }
    }

    /// <summary>Logs an entry as it is (a code that reached an <c>'error'</c> listener, say).</summary>
    public void Add(string entry) => entries.Enqueue(entry);

    /// <summary>The entries so far, in order.</summary>
    public string[] ToArray() => entries.ToArray();
}
