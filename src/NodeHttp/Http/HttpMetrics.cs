namespace NodeHttp;

/// <summary>
/// What the instruments of both sides share (<see cref="ServerMetrics"/>, <see cref="ClientMetrics"/>): the bucket
/// boundaries the semantic conventions advise, the meters' version, the tag values.
/// </summary>
internal static class HttpMetrics
{
    // The bucket boundaries the semantic conventions advise for request durations and times in queue.
    internal static readonly double[] RequestBuckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    // ... and for connection durations.
    internal static readonly double[] ConnectionBuckets = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];

    /// <summary>The version the meters carry: NodeHttp's assembly version.</summary>
    internal static readonly string? Version = typeof(HttpMetrics).Assembly.GetName().Version?.ToString();

    /// <summary>The semantic conventions' name for a method: the known ones as they are, anything else <c>_OTHER</c>.</summary>
    internal static string MethodTag(string? method) => method switch
    {
        "GET" or "POST" or "PUT" or "DELETE" or "HEAD" or "OPTIONS" or "PATCH" or "CONNECT" or "TRACE" => method,
        _ => "_OTHER",
    };

    /// <summary>The <c>error.type</c> of an exception: Node's error code when it has one (<c>ECONNRESET</c>), else its type.</summary>
    internal static string ErrorType(Exception error) =>
        error is NodeHttpException { Code: { Length: > 0 } code } ? code : error.GetType().FullName ?? error.GetType().Name;

    /// <summary>Seconds between two <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> values.</summary>
    internal static double Seconds(long start, long end) => System.Diagnostics.Stopwatch.GetElapsedTime(start, end).TotalSeconds;
}
