using System.Globalization;
using Notify.Bench.Report;

namespace Notify.Bench.Suite;

/// <summary>
/// Issue 11's targets, "one silo at nchan's cost": a typical publisher's fan-out (one publish in flight) as fast as
/// nchan's, manytopics on no more than 1.5 × nchan's CPU, subscribers connecting about as fast, and quiet watched
/// topics costing next to nothing. Each checked against the suite's medians.
/// </summary>
internal static class CostTargets
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IEnumerable<(string Target, string Measured, bool Met)> Evaluate(IReadOnlyList<SuiteRun> runs)
    {
        foreach (var scenario in new[] { "fanout1", "bigfanout1" })
        {
            if (Targets.Of(runs, scenario, "notify") is not { Count: > 0 } notify || Targets.Of(runs, scenario, "nchan") is not { Count: > 0 } nchan)
            {
                continue;
            }

            var ratio = Targets.Median(notify.Select(r => r.DeliveriesPerSecond)) / Math.Max(Targets.Median(nchan.Select(r => r.DeliveriesPerSecond)), 1);
            yield return ($"{scenario}: deliveries/s ≥ 1.0 × nchan's", string.Create(Invariant, $"ratio {ratio:0.00}"), ratio >= 1.0);
            var p99 = Targets.Median(notify.Select(r => r.LatencyMs.P99));
            var peerP99 = Targets.Median(nchan.Select(r => r.LatencyMs.P99));
            yield return (
                $"{scenario}: p99 ≤ 2 × nchan's",
                string.Create(Invariant, $"{p99:0.00} ms vs {peerP99:0.00} ms, ratio {p99 / Math.Max(peerP99, 1e-3):0.00}"),
                p99 <= 2 * peerP99);
        }

        if (Targets.Of(runs, "manytopics", "notify") is { Count: > 0 } many && Targets.Of(runs, "manytopics", "nchan") is { Count: > 0 } peer
            && ServerCpu(many) is { } cpu && ServerCpu(peer) is { } peerCpu)
        {
            var ratio = cpu / Math.Max(peerCpu, 0.1);
            yield return ("manytopics: server CPU ≤ 1.5 × nchan's", string.Create(Invariant, $"{cpu:0.0} % vs {peerCpu:0.0} % of a core, ratio {ratio:0.00}"), ratio <= 1.5);
        }

        foreach (var target in IdleTargets(runs))
        {
            yield return target;
        }
    }

    /// <summary>Connecting, and holding quiet topics.</summary>
    private static IEnumerable<(string Target, string Measured, bool Met)> IdleTargets(IReadOnlyList<SuiteRun> runs)
    {
        if (Targets.Of(runs, "connect", "notify") is { Count: > 0 } connect && Targets.Of(runs, "connect", "nchan") is { Count: > 0 } peer)
        {
            var seconds = Targets.Median(connect.Select(r => r.ConnectSeconds));
            var peerSeconds = Targets.Median(peer.Select(r => r.ConnectSeconds));
            var ratio = seconds / Math.Max(peerSeconds, 0.01);
            var connected = connect.Min(r => r.Connected);
            yield return (
                "connect: 10,000 subscribers to one topic in ≤ 1.5 × nchan's time",
                string.Create(Invariant, $"{seconds:0.00} s vs {peerSeconds:0.00} s, ratio {ratio:0.00}; {connected:N0} connected (fewest in a round)"),
                ratio <= 1.5 && connected >= 10_000);
        }

        if (Targets.Of(runs, "quiettopics", "notify") is { Count: > 0 } quiet && ServerCpu(quiet) is { } cpu)
        {
            var window = quiet[0].MeasuredFromSeconds is { } from && quiet[0].MeasuredSeconds is { } length
                ? string.Create(Invariant, $" over s {from:0}–{from + length:0} after connecting")
                : "";
            var first = quiet.Select(r => r.ServerCpuInFirst(10)).OfType<double>().ToList() is { Count: > 0 } firsts
                ? string.Create(Invariant, $"; first 10 s: {Targets.Median(firsts):0.0} %")
                : "";
            var fewer = Targets.Of(runs, "quiettopics1k", "notify") is { Count: > 0 } thousand && ServerCpu(thousand) is { } thousandCpu
                ? string.Create(Invariant, $"; 1,000 topics: {thousandCpu:0.0} %")
                : "";
            yield return (
                "quiettopics: idle CPU for 10,000 quiet watched topics ≤ 5 % of a core",
                string.Create(Invariant, $"{cpu:0.0} %{Targets.Over(cpu, 5)}{window}{first}{fewer}"),
                cpu <= 5);
        }
    }

    private static double? ServerCpu(List<ScenarioResult> runs) =>
        runs.Where(r => r.ServerCpuPercent is not null).Select(r => r.ServerCpuPercent!.Value).ToList() is { Count: > 0 } cpu ? Targets.Median(cpu) : null;
}
