using System.Globalization;
using System.Text;
using Notify.Bench.Load;
using Notify.Bench.Report;

namespace Notify.Bench.Suite;

/// <summary>
/// One scenario's section of the document: what it does, then each measure for every hub (median over rounds, with
/// the range) and the ratios of Notify to the peers, then its errors, skips and failures.
/// </summary>
internal static class ScenarioSection
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Which scenarios a row is shown for.</summary>
    private enum ShownFor
    {
        All,

        /// <summary>Scenarios that hold their connections without publishing.</summary>
        Idle,

        /// <summary>
        /// Scenarios that publish. An idle run publishes only one event per topic after its window, to check the
        /// connections: its latencies and publish rate mean nothing.
        /// </summary>
        Busy,
    }

    /// <param name="OfTheMachine">A figure of the whole machine during the run, not of the hub: no ratio between hubs.</param>
    private sealed record Measure(
        string Name, Func<ScenarioResult, double?> Value, string Format, bool HigherIsBetter, ShownFor Shown = ShownFor.All, bool OfTheMachine = false);

    private static readonly Measure[] Measures =
    [
        // An idle run's connecting is its busiest time: how long it takes is worth a row.
        new("Connect all subscribers s", r => r.ConnectSeconds, "0.00", false, ShownFor.Idle),
        new("Deliveries/s", r => r.DeliveriesPerSecond, "N0", true, ShownFor.Busy),
        new("Published/s", r => r.PublishedPerSecond, "N0", true, ShownFor.Busy),
        new("Latency p50 ms", r => r.LatencyMs.P50, "0.00", false, ShownFor.Busy),
        new("Latency p90 ms", r => r.LatencyMs.P90, "0.00", false, ShownFor.Busy),
        new("Latency p99 ms", r => r.LatencyMs.P99, "0.00", false, ShownFor.Busy),
        new("Latency p99.9 ms", r => r.LatencyMs.P999, "0.00", false, ShownFor.Busy),
        new("Latency max ms", r => r.LatencyMs.Max, "0.00", false, ShownFor.Busy),
        new("Publish round trip p50 ms", r => r.PublishRoundTripMs.P50, "0.00", false, ShownFor.Busy),
        new("Publish round trip p99 ms", r => r.PublishRoundTripMs.P99, "0.00", false, ShownFor.Busy),
        new("Server CPU % (of one core)", r => r.ServerCpuPercent, "0.0", false), // idle runs measure a few %
        new("Server CPU % in the first 10 s connected", r => r.ServerCpuInFirst(10), "0.0", false, ShownFor.Idle),
        new("Server CPU-s per 1,000 events", CpuCost.PerThousandEvents, "0.000", false, ShownFor.Busy),
        new("Server CPU-s per 1,000,000 deliveries", CpuCost.PerMillionDeliveries, "0.00", false, ShownFor.Busy),
        new("Bench CPU % (of one core)", r => r.BenchCpuPercent, "0", false),
        new("Machine busy % (of its CPU time)", r => r.HostBusyPercent, "0", false, OfTheMachine: true),
        new("Stolen by the hypervisor % (of the machine's CPU time)", r => r.HostStealPercent, "0.0", false, OfTheMachine: true),
        new("Server memory per connection KiB", r => r.ServerMemoryPerConnectionBytes / 1024.0, "0.0", false),
        new("… of it the load balancer's KiB", r => r.LoadBalancerMemoryPerConnectionBytes / 1024.0, "0.0", false),
    ];

    public static void Render(
        StringBuilder md,
        Scenario scenario,
        IReadOnlyList<SuiteRun> runs,
        IReadOnlyList<string> hubs,
        IReadOnlyList<(int Round, string Scenario, string Hub, string Reason)> failures,
        IReadOnlySet<(string Scenario, string Hub, string Reason)> skipped)
    {
        var ofScenario = runs.Where(r => r.Result.Scenario == scenario.Name).ToList();
        md.AppendLine()
            .AppendLine(Invariant, $"## {scenario.Name}: {scenario.Description}")
            .AppendLine()
            .AppendLine(Invariant, $"`dotnet run --project Notify.Bench -c Release -- {scenario.Name} --url <hub>/topics` · {Setup(scenario, ofScenario.FirstOrDefault()?.Result)}.")
            .AppendLine()
            .AppendLine(HubColumns.Header("Measure", hubs))
            .AppendLine(HubColumns.Rule(hubs));
        foreach (var measure in Measures)
        {
            if (measure.Shown == (scenario.Idle ? ShownFor.Busy : ShownFor.Idle))
            {
                continue;
            }

            if (ofScenario.All(r => measure.Value(r.Result) is null or 0))
            {
                continue;
            }

            var cells = hubs.Select(h => Cell(Of(ofScenario, h), measure))
                .Concat(HubColumns.Ratios(hubs).Select(pair => measure.OfTheMachine ? "–" : Ratio(Of(ofScenario, pair.Hub), Of(ofScenario, pair.Peer), measure)));
            md.AppendLine(Invariant, $"| {measure.Name} | {string.Join(" | ", cells)} |");
        }

        RenderCounts(md, scenario, ofScenario, hubs);
        RenderCpuByProcess(md, ofScenario, hubs);
        foreach (var (_, hub, reason) in skipped.Where(s => s.Scenario == scenario.Name))
        {
            md.AppendLine().AppendLine(Invariant, $"{HubColumns.Titles[hub]}: {reason}.");
        }

        foreach (var (round, _, hub, reason) in failures.Where(f => f.Scenario == scenario.Name))
        {
            md.AppendLine().AppendLine(Invariant, $"Round {round}, {HubColumns.Titles[hub]}: **failed**: {reason}");
        }
    }

    /// <summary>The rows summed over all rounds: what went wrong, and how resumed subscribers fared.</summary>
    private static void RenderCounts(StringBuilder md, Scenario scenario, List<SuiteRun> ofScenario, IReadOnlyList<string> hubs)
    {
        var blank = string.Concat(HubColumns.Ratios(hubs).Select(_ => " |"));
        md.AppendLine(Invariant, $"| Missing / duplicates / out of order (all rounds) | {string.Join(" | ", hubs.Select(h => Errors(Of(ofScenario, h))))} |{blank}");
        md.AppendLine(Invariant, $"| Resets / lagged / unexpected closes (all rounds) | {string.Join(" | ", hubs.Select(h => Signals(Of(ofScenario, h))))} |{blank}");
        if (scenario.DropFraction > 0)
        {
            md.AppendLine(Invariant, $"| Resumed subscribers complete (all rounds) | {string.Join(" | ", hubs.Select(h => Resumed(Of(ofScenario, h))))} |{blank}");
        }
    }

    /// <summary>For hubs of several processes: where their CPU went, each process's median over rounds.</summary>
    private static void RenderCpuByProcess(StringBuilder md, List<SuiteRun> ofScenario, IReadOnlyList<string> hubs)
    {
        var splits = hubs
            .Select(hub => (Hub: hub, Runs: Of(ofScenario, hub).Select(r => r.Result.ServerCpuPercentByProcess).OfType<IReadOnlyDictionary<string, double>>().ToList()))
            .Where(h => h.Runs.Count > 0)
            .Select(h => $"{HubColumns.Titles[h.Hub]}: " + string.Join(", ", h.Runs.SelectMany(r => r.Keys).Distinct().Select(process =>
                $"{process} {BenchmarksDocument.Median([.. h.Runs.Where(r => r.ContainsKey(process)).Select(r => r[process]).Order()]).ToString("0", Invariant)}")))
            .ToList();
        if (splits.Count > 0)
        {
            md.AppendLine().AppendLine(Invariant, $"Server CPU by process, % of one core (median over rounds): {string.Join("; ", splits)}.");
        }
    }

    /// <summary>What a scenario's runs did: connections, topics, publishing, events, duration.</summary>
    private static string Setup(Scenario scenario, ScenarioResult? first)
    {
        var inFlight = $"{first?.InFlight} publish{(first?.InFlight == 1 ? "" : "es")} in flight";
        var publishing = scenario.Idle
            ? "no publishing while the connections are held, then one event per topic to check each is alive; " +
                $"connecting is timed from the first attempt until every subscriber has its response head (status 200; Notify sends it once the subscription exists), {scenario.ConnectParallelism} attempts at a time; " +
                (scenario.MeasureAfterConnected is { } after
                    ? $"server CPU is measured over {first?.DurationSeconds:0} s from {after.TotalSeconds:0} s after every subscriber connected"
                    : $"server CPU is measured over {first?.DurationSeconds:0} s once memory has settled after connecting")
            : first?.OfferedRate is { } rate
                ? $"{rate:N0} events/s offered (at most {inFlight})"
                : $"as fast as possible ({inFlight}; at most {scenario.WindowPerSubscriber} events per subscriber outstanding)";
        var drops = scenario.DropFraction > 0
            ? $", {scenario.DropFraction:P0} of subscribers dropped for {scenario.DropFor.TotalSeconds:0.#} s a third of the way in"
            : "";
        return string.Create(
            Invariant,
            $"{Subscribers(first)}, {publishing}, {first?.EventSize} B events, {first?.DurationSeconds:0} s{drops}");
    }

    private static string Subscribers(ScenarioResult? first) => first is { TopicsPerStream: > 1 }
        ? string.Create(Invariant, $"{first.Subscribers:N0} subscribers on {first.Topics:N0} topics, each subscriber one stream of {first.TopicsPerStream} topics (Notify: `GET /topics?topic=…`; nchan: channels multiplexed on one subscriber, `/topics/a,b,…`)")
        : string.Create(Invariant, $"{first?.Subscribers:N0} subscribers on {first?.Topics:N0} topic{(first?.Topics == 1 ? "" : "s")}");

    private static List<SuiteRun> Of(List<SuiteRun> runs, string hub) => runs.Where(r => r.Result.Target == hub).ToList();

    private static string Cell(List<SuiteRun> runs, Measure measure)
    {
        var values = runs.Select(r => measure.Value(r.Result)).OfType<double>().Order().ToList();
        if (values.Count == 0)
        {
            return "–";
        }

        var median = BenchmarksDocument.Median(values).ToString(measure.Format, Invariant);
        return values.Count == 1 ? median : $"{median} [{values[0].ToString(measure.Format, Invariant)} – {values[^1].ToString(measure.Format, Invariant)}]";
    }

    private static string Ratio(List<SuiteRun> notify, List<SuiteRun> nchan, Measure measure)
    {
        var ratios = notify
            .Join(nchan, n => n.Round, c => c.Round, (n, c) => (N: measure.Value(n.Result), C: measure.Value(c.Result)))
            .Where(p => p.N is not null && p.C is > 0)
            .Select(p => p.N!.Value / p.C!.Value)
            .Order()
            .ToList();
        if (ratios.Count == 0)
        {
            return "–";
        }

        var median = BenchmarksDocument.Median(ratios);
        return ratios.Count == 1 ? $"{median:0.00}" : $"{median:0.00} [{ratios[0]:0.00} – {ratios[^1]:0.00}]";
    }

    private static string Errors(List<SuiteRun> runs) => runs.Count == 0
        ? "–"
        : $"{runs.Sum(r => r.Result.Missing):N0} / {runs.Sum(r => r.Result.Duplicates):N0} / {runs.Sum(r => r.Result.OutOfOrder):N0}";

    private static string Signals(List<SuiteRun> runs) => runs.Count == 0
        ? "–"
        : $"{runs.Sum(r => r.Result.Resets):N0} / {runs.Sum(r => r.Result.Lagged):N0} / {runs.Sum(r => r.Result.UnexpectedCloses):N0}";

    private static string Resumed(List<SuiteRun> runs) => runs.Count == 0
        ? "–"
        : $"{runs.Sum(r => r.Result.DroppedComplete):N0} of {runs.Sum(r => r.Result.Dropped):N0}";
}
