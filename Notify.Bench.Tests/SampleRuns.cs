using Notify.Bench.Report;
using Notify.Bench.Suite;

namespace Notify.Bench.Tests;

/// <summary>Suite runs made up for the document's and the targets' tests: a correct run, its figures set per test with <c>with</c>.</summary>
internal static class SampleRuns
{
    public static ScenarioResult Result(string scenario, string target) => new()
    {
        Scenario = scenario,
        Target = target,
        Url = "http://127.0.0.1:5080/topics",
        StartedAt = DateTime.UnixEpoch,
        Subscribers = 10_000,
        Topics = 1_000,
        OfferedRate = 2_000,
        InFlight = 64,
        EventSize = 128,
        DurationSeconds = 30,
        Connected = 10_000,
        ConnectSeconds = 2,
        Published = 60_000,
        PublishFailed = 0,
        PublishedPerSecond = 2_000,
        PublishRoundTripMs = Latency(1, 5),
        ExpectedDeliveries = 600_000,
        Deliveries = 600_000,
        DeliveriesPerSecond = 20_000,
        LatencyMs = Latency(1, 5),
        Missing = 0,
        Duplicates = 0,
        OutOfOrder = 0,
        Malformed = 0,
        Resets = 0,
        Lagged = 0,
        UnexpectedCloses = 0,
        FailedConnects = 0,
        Dropped = 0,
        DroppedComplete = 0,
        ServerCpuPercent = 50,
        BenchCpuPercent = 30,
    };

    public static Percentiles Latency(double p50, double p99) => new(1_000, p50, p99, p99, p99, p99);

    public static SuiteRun Run(ScenarioResult result, int round = 1) => new(round, result with { Round = round });
}
