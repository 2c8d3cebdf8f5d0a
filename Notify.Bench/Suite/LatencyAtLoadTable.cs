using System.Globalization;
using System.Text;
using Notify.Bench.Load;
using Notify.Bench.Report;

namespace Notify.Bench.Suite;

/// <summary>
/// The latency-at-load curve: the <see cref="Scenarios.LatencyAtLoad"/> scenarios (one traffic shape at several offered
/// rates) in one table, a row per rate and a column per hub, each cell the medians that say how the hub copes.
/// </summary>
internal static class LatencyAtLoadTable
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>True for the scenario the table follows: the first of the curve's scenarios in the document.</summary>
    public static bool Follows(Scenario scenario, IReadOnlyList<Scenario> scenarios) =>
        scenarios.FirstOrDefault(s => Scenarios.LatencyAtLoad.Any(point => point.Name == s.Name))?.Name == scenario.Name;

    public static void Render(StringBuilder md, IReadOnlyList<SuiteRun> runs, IReadOnlyList<string> hubs)
    {
        var points = Scenarios.LatencyAtLoad.Where(point => runs.Any(r => r.Result.Scenario == point.Name)).ToList();
        if (points.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", points.Select(p => $"`{p.Name}`"));
        md.AppendLine()
            .AppendLine("## Latency at load: 1,000 topics × 10 subscribers at increasing rates")
            .AppendLine()
            .Append(Invariant, $"The scenarios {names} (each in its own section): the same 10,000 subscribers on 1,000 topics at each offered rate. ")
            .AppendLine("A cell is the median over rounds of latency p50 / p99, the server's CPU (% of one core) and the deliveries per second.")
            .AppendLine()
            .AppendLine(HubColumns.Header("Offered events/s", hubs, withRatios: false))
            .AppendLine(HubColumns.Rule(hubs, withRatios: false));
        foreach (var point in points)
        {
            var ofPoint = runs.Where(r => r.Result.Scenario == point.Name).Select(r => r.Result).ToList();
            var cells = hubs.Select(hub => Cell(ofPoint.Where(r => r.Target == hub).ToList()));
            md.AppendLine(Invariant, $"| {point.Rate:N0} | {string.Join(" | ", cells)} |");
        }
    }

    private static string Cell(List<ScenarioResult> runs)
    {
        if (runs.Count == 0)
        {
            return "–";
        }

        var cpu = runs.Any(r => r.ServerCpuPercent is not null)
            ? Median(runs.Where(r => r.ServerCpuPercent is not null).Select(r => r.ServerCpuPercent!.Value)).ToString("0", Invariant) + " %"
            : "CPU not measured";
        return string.Create(
            Invariant,
            $"{Median(runs.Select(r => r.LatencyMs.P50)):0.00} / {Median(runs.Select(r => r.LatencyMs.P99)):0.00} ms · {cpu} · {Median(runs.Select(r => r.DeliveriesPerSecond)):N0}/s");
    }

    private static double Median(IEnumerable<double> values) => BenchmarksDocument.Median(values.Order().ToList());
}
