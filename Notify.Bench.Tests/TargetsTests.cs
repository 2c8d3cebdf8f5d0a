using Notify.Bench.Suite;

namespace Notify.Bench.Tests;

/// <summary>Issue 11's targets ("one silo at nchan's cost") judged from made-up runs, and how a miss is explained.</summary>
public sealed class TargetsTests
{
    [Fact]
    public void Fanout1_MeetsBothTargets_WhenAsFastAsNchan_AndItsP99WithinTwiceNchans()
    {
        var targets = Evaluate(
            SampleRuns.Result("fanout1", "notify") with { DeliveriesPerSecond = 200_000, LatencyMs = SampleRuns.Latency(5, 19.9) },
            SampleRuns.Result("fanout1", "nchan") with { DeliveriesPerSecond = 200_000, LatencyMs = SampleRuns.Latency(4, 10) });

        Assert.True(targets["fanout1: deliveries/s ≥ 1.0 × nchan's"].Met);
        Assert.True(targets["fanout1: p99 ≤ 2 × nchan's"].Met);
        Assert.Equal("19.90 ms vs 10.00 ms, ratio 1.99", targets["fanout1: p99 ≤ 2 × nchan's"].Measured);
    }

    [Fact]
    public void Bigfanout1_MissedTargets_AreExplainedOnlyByTheirOwnProfiles()
    {
        var targets = Evaluate(
            SampleRuns.Result("bigfanout1", "notify") with { DeliveriesPerSecond = 90_000, LatencyMs = SampleRuns.Latency(5, 30) },
            SampleRuns.Result("bigfanout1", "nchan") with { DeliveriesPerSecond = 100_000, LatencyMs = SampleRuns.Latency(4, 10) });

        Assert.False(targets["bigfanout1: deliveries/s ≥ 1.0 × nchan's"].Met);
        Assert.False(targets["bigfanout1: p99 ≤ 2 × nchan's"].Met);
        // Both are explained by answering after the local writes; the other fan-outs' texts must not explain them.
        Assert.Contains("(performance.md#answering-after-the-local-writes)", TargetVerdicts.Of("bigfanout1: deliveries/s ≥ 1.0 × nchan's", met: false), StringComparison.Ordinal);
        Assert.Contains("(performance.md#answering-after-the-local-writes)", TargetVerdicts.Of("bigfanout1: p99 ≤ 2 × nchan's", met: false), StringComparison.Ordinal);
        Assert.DoesNotContain("how to read the comparison", TargetVerdicts.Of("bigfanout1: deliveries/s ≥ 1.0 × nchan's", met: false), StringComparison.Ordinal);
        Assert.Contains("(performance.md#saturation-what-a-publisher-and-a-subscriber-see)", TargetVerdicts.Of("bigfanout: p99 latency ≤ nchan's", met: false), StringComparison.Ordinal);
        Assert.StartsWith("**missed**: see how to read the comparison", TargetVerdicts.Of("bigfanout: deliveries/s ≥ nchan's", met: false), StringComparison.Ordinal);
    }

    [Fact]
    public void ManytopicsCpu_ConnectTime_AndIdleMemory_AreJudgedAgainstTheirLimits()
    {
        var targets = Evaluate(
            SampleRuns.Result("manytopics", "notify") with { ServerCpuPercent = 61 },
            SampleRuns.Result("manytopics", "nchan") with { ServerCpuPercent = 40 },
            SampleRuns.Result("connect", "notify") with { ConnectSeconds = 3, Connected = 10_000 },
            SampleRuns.Result("connect", "nchan") with { ConnectSeconds = 2 },
            SampleRuns.Result("idle", "notify") with { ServerMemoryPerConnectionBytes = 12 * 1024 + 1 });

        Assert.False(targets["manytopics: server CPU ≤ 1.5 × nchan's"].Met); // 1.525
        Assert.True(targets["connect: 10,000 subscribers to one topic in ≤ 1.5 × nchan's time"].Met);
        Assert.False(targets["idle: ≤ 12 KiB per idle subscriber at 10,000 connections"].Met);
        Assert.DoesNotContain(targets.Keys, target => target.Contains("10 KiB", StringComparison.Ordinal));
    }

    [Fact]
    public void QuietTopics_IsAnAbsoluteLimit_NamingItsWindow()
    {
        var targets = Evaluate(
            SampleRuns.Result("quiettopics", "notify") with { ServerCpuPercent = 4.8, MeasuredFromSeconds = 40.2, MeasuredSeconds = 30, ServerCpuTimeline = [.. Enumerable.Repeat(9.0, 10)] },
            SampleRuns.Result("quiettopics1k", "notify") with { ServerCpuPercent = 0.6 });

        var (measured, met) = targets["quiettopics: idle CPU for 10,000 quiet watched topics ≤ 5 % of a core"];
        Assert.True(met);
        Assert.Equal("4.8 % over s 40–70 after connecting; first 10 s: 9.0 %; 1,000 topics: 0.6 %", measured);
    }

    private static Dictionary<string, (string Measured, bool Met)> Evaluate(params Report.ScenarioResult[] results) =>
        Targets.Evaluate([.. results.Select(r => SampleRuns.Run(r))]).ToDictionary(t => t.Target, t => (t.Measured, t.Met));
}
