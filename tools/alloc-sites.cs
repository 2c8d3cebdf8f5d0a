// Reads a .nettrace recorded with the runtime's allocation ticks (one sample about every 100 KB allocated, with its
// type and stack) and prints where the bytes go: by type, and by the first frame of the stack that is Notify's or a
// named library's code rather than the runtime's. For the question "what are the 25 KB a published event allocates"
// (docs/performance.md, manytopics tail latency).
//
//   dotnet-trace collect -p <pid> --profile gc-verbose --duration 00:00:00:15 -o alloc.nettrace
//   dotnet run tools/alloc-sites.cs -- alloc.nettrace [published events in the window]
#:package Microsoft.Diagnostics.Tracing.TraceEvent@3.2.8
#:property ManagePackageVersionsCentrally=false

using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: dotnet run tools/alloc-sites.cs -- <file.nettrace> [published events]");
    return 2;
}

var events = args.Length == 2 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
var byType = new Dictionary<string, long>();
var bySite = new Dictionary<string, long>();
var byStack = new Dictionary<string, long>();
long total = 0;

using (var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0])))
{
    var source = log.Events.GetSource();
    source.Clr.GCAllocationTick += e =>
    {
        var bytes = e.AllocationAmount64;
        total += bytes;
        Add(byType, e.TypeName ?? "?", bytes);
        var frames = Frames(e.CallStack());
        Add(bySite, frames.FirstOrDefault(IsOwnCode) ?? frames.FirstOrDefault() ?? "?", bytes);
        Add(byStack, string.Join("\n      ", frames.Where(f => !IsPlumbing(f)).Take(6)), bytes);
    };
    source.Process();
}

Console.WriteLine($"allocated (sampled): {total / 1048576.0:F1} MB" +
    (double.IsNaN(events) ? "" : $", {total / events:F0} B per published event"));
Print("by type", byType, 25);
Print("by first frame of Notify's or a library's own code (Orleans, ASP.NET Core, Microsoft.Extensions, OpenTelemetry, StackExchange.Redis)", bySite, 30);
Print("by stack (plumbing frames left out)", byStack, 15);
return 0;

void Print(string title, Dictionary<string, long> table, int top)
{
    Console.WriteLine($"\n## {title}\n");
    foreach (var (key, bytes) in table.OrderByDescending(p => p.Value).Take(top))
    {
        var perEvent = double.IsNaN(events) ? "" : $"{bytes / events,8:F0} B/event";
        Console.WriteLine($"{100.0 * bytes / total,5:F1} %  {perEvent}  {key}");
    }
}

static void Add(Dictionary<string, long> table, string key, long bytes) =>
    table[key] = table.GetValueOrDefault(key) + bytes;

static List<string> Frames(TraceCallStack? stack)
{
    var frames = new List<string>();
    for (; stack is not null; stack = stack.Caller)
    {
        var name = stack.CodeAddress.FullMethodName;
        frames.Add(string.IsNullOrEmpty(name) ? $"{stack.CodeAddress.ModuleName}!?" : name);
    }
    return frames;
}

// The code whose choices decide what is allocated, as opposed to the collections and tasks it calls.
static bool IsOwnCode(string frame) =>
    frame.StartsWith("Notify.", StringComparison.Ordinal) || frame.StartsWith("Orleans.", StringComparison.Ordinal) ||
    frame.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal) || frame.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) ||
    frame.StartsWith("OpenTelemetry.", StringComparison.Ordinal) || frame.StartsWith("StackExchange.", StringComparison.Ordinal);

static bool IsPlumbing(string frame) =>
    frame.Contains("!?", StringComparison.Ordinal) || frame.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal) ||
    frame.StartsWith("System.Threading.ExecutionContext", StringComparison.Ordinal) ||
    frame.StartsWith("System.Threading.ThreadPoolWorkQueue", StringComparison.Ordinal) ||
    frame.StartsWith("System.Threading.PortableThreadPool", StringComparison.Ordinal) ||
    frame.StartsWith("System.Threading.Thread.", StringComparison.Ordinal);
