using Notify.Bench.Load;
using Notify.Bench.Suite;

namespace Notify.Bench.Tests;

/// <summary>The benchmarks document rendered from made-up runs: where its tables go and what their cells say.</summary>
public sealed class BenchmarksDocumentTests
{
    [Fact]
    public void LatencyAtLoad_FollowsManytopics_ARowPerRateRun_ACellPerHub()
    {
        var runs = new[]
        {
            SampleRuns.Run(SampleRuns.Result("manytopics", "notify") with { LatencyMs = SampleRuns.Latency(1.5, 20), ServerCpuPercent = 70, DeliveriesPerSecond = 19_990 }),
            SampleRuns.Run(SampleRuns.Result("manytopics", "nchan") with { LatencyMs = SampleRuns.Latency(0.9, 3.25), ServerCpuPercent = 40, DeliveriesPerSecond = 19_975 }),
            SampleRuns.Run(SampleRuns.Result("manytopics500", "notify") with { OfferedRate = 500, LatencyMs = SampleRuns.Latency(1, 4), ServerCpuPercent = 20, DeliveriesPerSecond = 5_000 }),
        };

        var document = Render(runs, Scenarios.All);

        var table = document.IndexOf("## Latency at load", StringComparison.Ordinal);
        Assert.True(table > document.IndexOf("## manytopics:", StringComparison.Ordinal));
        Assert.True(table < document.IndexOf("## manytopics500:", StringComparison.Ordinal));
        Assert.Contains("| Offered events/s | Notify (1 silo) | nchan |", document, StringComparison.Ordinal);
        Assert.Contains("| 500 | 1.00 / 4.00 ms · 20 % · 5,000/s | – |", document, StringComparison.Ordinal);
        Assert.Contains("| 2,000 | 1.50 / 20.00 ms · 70 % · 19,990/s | 0.90 / 3.25 ms · 40 % · 19,975/s |", document, StringComparison.Ordinal);
        Assert.DoesNotContain("| 1,000 |", document, StringComparison.Ordinal); // no run at that rate
    }

    [Fact]
    public void LatencyAtLoad_WithoutManytopics_FollowsTheFirstRatePointRun()
    {
        var runs = new[] { SampleRuns.Run(SampleRuns.Result("manytopics4000", "notify") with { OfferedRate = 4_000 }) };

        var document = Render(runs, [Scenarios.ManyTopics4000]);

        Assert.True(document.IndexOf("## Latency at load", StringComparison.Ordinal) > document.IndexOf("## manytopics4000:", StringComparison.Ordinal));
        Assert.Contains("| 4,000 | 1.00 / 5.00 ms · 50 % · 20,000/s |", document, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryScenarioWithServerCpu_HasItsCpuPerEventAndPerDelivery()
    {
        var runs = new[]
        {
            SampleRuns.Run(SampleRuns.Result("fanout", "notify") with { ServerCpuSeconds = 26.6, MeasuredPublished = 12_400, MeasuredDeliveries = 12_400_000 }),
            SampleRuns.Run(SampleRuns.Result("fanout", "nchan") with { ServerCpuSeconds = 20, MeasuredPublished = 4_000, MeasuredDeliveries = 4_000_000 }),
        };

        var document = Render(runs, [Scenarios.Fanout]);

        Assert.Contains("| Server CPU-s per 1,000 events | 2.145 | 5.000 | 0.43 |", document, StringComparison.Ordinal);
        Assert.Contains("| Server CPU-s per 1,000,000 deliveries | 2.15 | 5.00 | 0.43 |", document, StringComparison.Ordinal);
    }

    [Fact]
    public void AHubOfSeveralProcesses_HasItsCpuByProcess_AndTheMachinesFiguresHaveNoRatio()
    {
        var runs = new[]
        {
            SampleRuns.Run(SampleRuns.Result("fanout", "cluster") with
            {
                ServerCpuPercentByProcess = new Dictionary<string, double> { ["garnet"] = 30.4, ["silo-1"] = 45, ["gateway"] = 60 },
                HostBusyPercent = 95,
                HostStealPercent = 2.5,
            }),
            SampleRuns.Run(SampleRuns.Result("fanout", "cluster") with
            {
                ServerCpuPercentByProcess = new Dictionary<string, double> { ["garnet"] = 40, ["silo-1"] = 55, ["gateway"] = 70 },
                HostBusyPercent = 97,
                HostStealPercent = 4.5,
            }, round: 2),
            SampleRuns.Run(SampleRuns.Result("fanout", "notify") with { HostBusyPercent = 90, HostStealPercent = 1.5 }),
            SampleRuns.Run(SampleRuns.Result("fanout", "nchan") with { HostBusyPercent = 80, HostStealPercent = 0.5 }),
        };

        var document = Render(runs, [Scenarios.Fanout]);

        Assert.Contains("Server CPU by process, % of one core (median over rounds): Notify cluster (3 silos + gateway + store): garnet 35, silo-1 50, gateway 65.", document, StringComparison.Ordinal);
        Assert.Contains("| Machine busy % (of its CPU time) | 90 | 96 [95 – 97] | 80 | – | – |", document, StringComparison.Ordinal);
        Assert.Contains("| Stolen by the hypervisor % (of the machine's CPU time) | 1.5 | 3.5 [2.5 – 4.5] | 0.5 | – | – |", document, StringComparison.Ordinal);
    }

    [Fact]
    public void AnIdleScenario_ShowsConnectTimeAndFirstSecondsCpu_ButNoLatencyPublishingNorCpuPerEvent()
    {
        var quiet = SampleRuns.Result("quiettopics", "notify") with
        {
            Subscribers = 313,
            Topics = 10_000,
            TopicsPerStream = 32,
            ConnectSeconds = 1.25,
            ServerCpuPercent = 1.5,
            ServerCpuSeconds = 0.45,
            MeasuredPublished = 0,
            MeasuredDeliveries = 0,
            ServerCpuTimeline = [20, 10, 5, 5, 5, 5, 5, 5, 5, 5, 1, 1],
        };

        var document = Render([SampleRuns.Run(quiet)], [Scenarios.QuietTopics]);

        Assert.Contains("313 subscribers on 10,000 topics, each subscriber one stream of 32 topics", document, StringComparison.Ordinal);
        Assert.Contains("server CPU is measured over 30 s from 40 s after every subscriber connected", document, StringComparison.Ordinal);
        Assert.Contains("| Connect all subscribers s | 1.25 |", document, StringComparison.Ordinal);
        Assert.Contains("| Server CPU % (of one core) | 1.5 |", document, StringComparison.Ordinal);
        Assert.Contains("| Server CPU % in the first 10 s connected | 7.0 |", document, StringComparison.Ordinal);
        Assert.DoesNotContain("| Latency", document, StringComparison.Ordinal);
        Assert.DoesNotContain("| Published/s", document, StringComparison.Ordinal); // only the check events, after the window
        Assert.DoesNotContain("CPU-s per", document, StringComparison.Ordinal);
    }

    [Fact]
    public void TheHeader_SaysWhenTheRunsStarted_NotWhenTheDocumentWasWritten()
    {
        var runs = new[]
        {
            SampleRuns.Run(SampleRuns.Result("fanout", "notify") with { StartedAt = new DateTime(2026, 12, 3, 8, 25, 40, DateTimeKind.Utc) }),
            SampleRuns.Run(SampleRuns.Result("fanout", "nchan") with { StartedAt = new DateTime(2026, 12, 3, 9, 34, 5, DateTimeKind.Utc) }),
        };

        var document = Render(runs, [Scenarios.Fanout]);

        Assert.Contains("Generated by `Notify.Bench suite` from runs started 2026-12-03 08:25–09:34 UTC;", document, StringComparison.Ordinal);
    }

    internal static string Render(IReadOnlyList<SuiteRun> runs, IReadOnlyList<Scenario> scenarios) =>
        BenchmarksDocument.Render(runs, [], new HashSet<(string, string, string)>(), scenarios, new SuiteSettings(), [], rounds: 1);
}
