namespace NodeHttp.Tests.Streams;

/// <summary>
/// <see cref="NodeStream.DuplexPair"/> behaves as Node 20's <c>stream.duplexPair()</c>: the same scenario, run by
/// <c>node</c> and here, gives the same events.
/// </summary>
public class DuplexPairTests
{
    // What Node 20 reports for the scenario below (checked with `node` on this machine).
    private const string NodeScript = """
        const { duplexPair } = require('stream');
        const ev = [];
        const [a, b] = duplexPair();
        a.write('one', () => ev.push('a write one done'));
        a.write('two', () => ev.push('a write two done'));
        a.end(() => ev.push('a finish'));
        setTimeout(() => {
          ev.push('unread');
          b.setEncoding('utf8');
          b.on('data', d => ev.push('b data ' + d));
          b.on('end', () => { ev.push('b end'); b.end('back'); });
          a.setEncoding('utf8');
          a.on('data', d => ev.push('a data ' + d));
          a.on('end', () => ev.push('a end'));
          a.on('close', () => ev.push('a close'));
          b.on('close', () => { ev.push('b close'); setTimeout(() => console.log(ev.join('|')), 10); });
        }, 20);
        """;

    [Fact]
    public async Task WritesWaitForTheReader_AndEndsGoThrough_AsNodes()
    {
        string node = (await NodeRun(NodeScript)).Trim();
        var ev = new List<string>();
        await LoopRunner.RunAsync(() =>
        {
            var (a, b) = NodeStream.DuplexPair();
            a.Write("one", "utf8", _ => ev.Add("a write one done"));
            a.Write("two", "utf8", _ => ev.Add("a write two done"));
            a.End(() => ev.Add("a finish"));
            EventLoop.Current!.SetTimeout(() =>
            {
                ev.Add("unread");
                b.SetEncoding("utf8");
                b.On<string>("data", d => ev.Add("b data " + d));
                b.On("end", () => { ev.Add("b end"); b.End("back"); });
                a.SetEncoding("utf8");
                a.On<string>("data", d => ev.Add("a data " + d));
                a.On("end", () => ev.Add("a end"));
                a.On("close", () => ev.Add("a close"));
                b.On("close", () => ev.Add("b close"));
            }, 20);
        });
        Assert.Equal(node, string.Join("|", ev));
    }

    private static async Task<string> NodeRun(string script)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("node", ["-e", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        string output = await p.StandardOutput.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        return output;
    }
}
