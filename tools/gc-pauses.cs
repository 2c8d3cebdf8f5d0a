// Reads a .nettrace recorded with the runtime's GC events and prints, per collection and summed, where each pause
// went: suspending the threads, the collection itself, and what survived (promoted bytes, and what kept them alive:
// stacks, handles, older generations' references). For the question "why does a gen0 collection pause the silo for
// 20 ms" (docs/performance.md, manytopics tail latency).
//
//   dotnet-trace collect -p <pid> --clrevents gc --clreventlevel informational --duration 00:00:00:15 -o gc.nettrace
//   dotnet run tools/gc-pauses.cs -- gc.nettrace
#:package Microsoft.Diagnostics.Tracing.TraceEvent@3.2.8
#:property ManagePackageVersionsCentrally=false

using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: dotnet run tools/gc-pauses.cs -- <file.nettrace>");
    return 2;
}

var collections = new List<Collection>();
Collection? current = null;
double suspendStart = double.NaN, suspendEnd = double.NaN;

using (var source = new EventPipeEventSource(args[0]))
{
    source.Clr.GCSuspendEEStart += e => suspendStart = e.TimeStampRelativeMSec;
    source.Clr.GCSuspendEEStop += e => suspendEnd = e.TimeStampRelativeMSec;
    source.Clr.GCStart += e =>
    {
        current = new Collection(e.Count, e.Depth, e.Type.ToString(), e.Reason.ToString())
        {
            SuspendStart = suspendStart,
            SuspendEnd = suspendEnd,
            Start = e.TimeStampRelativeMSec,
        };
        collections.Add(current);
    };
    source.Clr.GCStop += e =>
    {
        if (current is not null && current.Number == e.Count)
        {
            current.End = e.TimeStampRelativeMSec;
        }
    };
    source.Clr.GCRestartEEStop += e =>
    {
        if (current is not null && double.IsNaN(current.Resumed))
        {
            current.Resumed = e.TimeStampRelativeMSec;
        }
    };
    source.Clr.GCHeapStats += e =>
    {
        if (current is not null)
        {
            current.Promoted = [e.TotalPromotedSize0, e.TotalPromotedSize1, e.TotalPromotedSize2, e.TotalPromotedSize3, e.TotalPromotedSize4];
            current.Sizes = [e.GenerationSize0, e.GenerationSize1, e.GenerationSize2, e.GenerationSize3, e.GenerationSize4];
            current.Pinned = e.PinnedObjectCount;
        }
    };
    source.Clr.GCMarkWithType += e =>
    {
        if (current is not null)
        {
            var root = ((MarkRootType)e.Type).ToString();
            current.MarkedBy[root] = current.MarkedBy.GetValueOrDefault(root) + e.Promoted;
        }
    };
    source.Process();
}

var done = collections.Where(c => !double.IsNaN(c.Resumed) && !double.IsNaN(c.SuspendStart)).ToList();
Console.WriteLine($"{done.Count} collections over {(done.Count > 1 ? (done[^1].Start - done[0].Start) / 1000 : 0):F1} s");
Console.WriteLine("| # | gen | type | reason | pause ms | suspend ms | collect ms | promoted KB (gen0 / gen1) | gen0 size KB | marked KB by root |");
Console.WriteLine("|---:|---:|---|---|---:|---:|---:|---|---:|---|");
foreach (var c in done)
{
    var roots = string.Join(", ", c.MarkedBy.OrderByDescending(r => r.Value).Select(r => $"{r.Key} {r.Value / 1024:N0}"));
    Console.WriteLine($"| {c.Number} | {c.Depth} | {c.Type} | {c.Reason} | {c.Pause:F2} | {c.Suspend:F2} | {c.Collect:F2} | " +
        $"{c.Promoted[0] / 1024:N0} / {c.Promoted[1] / 1024:N0} | {c.Sizes[0] / 1024:N0} | {roots} |");
}

foreach (var group in done.GroupBy(c => c.Depth).OrderBy(g => g.Key))
{
    var pauses = group.Select(c => c.Pause).Order().ToList();
    Console.WriteLine($"gen{group.Key}: {group.Count()} collections, pause median {pauses[pauses.Count / 2]:F2} ms, max {pauses[^1]:F2} ms, " +
        $"suspend median {group.Select(c => c.Suspend).Order().ElementAt(group.Count() / 2):F2} ms, " +
        $"promoted median {group.Select(c => c.Promoted[0] + c.Promoted[1]).Order().ElementAt(group.Count() / 2) / 1024:N0} KB");
}

return 0;

sealed class Collection(int number, int depth, string type, string reason)
{
    public int Number { get; } = number;
    public int Depth { get; } = depth;
    public string Type { get; } = type;
    public string Reason { get; } = reason;
    public double SuspendStart { get; init; } = double.NaN;
    public double SuspendEnd { get; init; } = double.NaN;
    public double Start { get; init; }
    public double End { get; set; } = double.NaN;
    public double Resumed { get; set; } = double.NaN;
    public long[] Promoted { get; set; } = new long[5];
    public long[] Sizes { get; set; } = new long[5];
    public long Pinned { get; set; }
    public Dictionary<string, long> MarkedBy { get; } = [];
    public double Pause => Resumed - SuspendStart;
    public double Suspend => SuspendEnd - SuspendStart;
    public double Collect => End - Start;
}
