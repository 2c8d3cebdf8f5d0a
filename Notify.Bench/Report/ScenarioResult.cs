using HdrHistogram;

namespace Notify.Bench.Report;

/// <summary>Everything one run measured, as written to its JSON file.</summary>
internal sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    /// <summary>The suite's round this run belongs to; null for a run on its own.</summary>
    public int? Round { get; init; }
    public required string Target { get; init; }
    public required string Url { get; init; }
    public required DateTime StartedAt { get; init; }
    public required int Subscribers { get; init; }
    public required int Topics { get; init; }

    /// <summary>Topics each subscriber's stream follows (1: a stream per topic).</summary>
    public int TopicsPerStream { get; init; } = 1;
    public double? OfferedRate { get; init; }
    public required int InFlight { get; init; }
    public required int EventSize { get; init; }
    public required double DurationSeconds { get; init; }

    public required int Connected { get; init; }
    public required double ConnectSeconds { get; init; }

    public required long Published { get; init; }
    public required long PublishFailed { get; init; }
    public required double PublishedPerSecond { get; init; }
    public required Percentiles PublishRoundTripMs { get; init; }

    public required long ExpectedDeliveries { get; init; }
    public required long Deliveries { get; init; }
    public required double DeliveriesPerSecond { get; init; }
    public required Percentiles LatencyMs { get; init; }

    /// <summary>Per second of publishing: live deliveries, the slowest, how many over 10 ms.</summary>
    public IReadOnlyList<Load.SecondSummary> Timeline { get; init; } = [];

    public required long Missing { get; init; }
    public required long Duplicates { get; init; }
    public required long OutOfOrder { get; init; }
    public required long Malformed { get; init; }
    public required long Resets { get; init; }
    public required long Lagged { get; init; }
    public required long UnexpectedCloses { get; init; }
    public required long FailedConnects { get; init; }
    public required int Dropped { get; init; }
    public required int DroppedComplete { get; init; }

    /// <summary>How long after every subscriber had connected the measured window started, in seconds.</summary>
    public double? MeasuredFromSeconds { get; init; }

    /// <summary>
    /// Wall-clock seconds of the window the server's CPU is measured over: from just before publishing starts (an idle
    /// run: holding its connections) until every acknowledged event has arrived (an idle run: until holding ends, before
    /// its check events). Null when no server process was measured.
    /// </summary>
    public double? MeasuredSeconds { get; init; }

    /// <summary>Events acknowledged within the measured window (the priming events before it and an idle run's check events after it are not).</summary>
    public long MeasuredPublished { get; init; }

    /// <summary>Deliveries received within the measured window.</summary>
    public long MeasuredDeliveries { get; init; }

    /// <summary>CPU time the server's processes used over the measured window; <see cref="ServerCpuPercent"/> is it per second.</summary>
    public double? ServerCpuSeconds { get; init; }

    public double? ServerCpuPercent { get; init; }

    /// <summary>
    /// For a server of several processes (a cluster's silos, gateway and store; nginx and Redis): each one's share of
    /// <see cref="ServerCpuPercent"/> (with its descendants), in percent of one core, by the name the hub gave it.
    /// </summary>
    public IReadOnlyDictionary<string, double>? ServerCpuPercentByProcess { get; init; }

    /// <summary>An idle run's server CPU (% of one core) in each second from when every subscriber had connected until its window ended.</summary>
    public IReadOnlyList<double> ServerCpuTimeline { get; init; } = [];
    public required double BenchCpuPercent { get; init; }

    /// <summary>The share of the machine's CPU time that was busy over the measured window (every process), in percent.</summary>
    public double? HostBusyPercent { get; init; }

    /// <summary>The share of the machine's CPU time the hypervisor took over the measured window, in percent: CPU the run did not get.</summary>
    public double? HostStealPercent { get; init; }

    public long? ServerMemoryBeforeBytes { get; init; }
    public long? ServerMemoryConnectedBytes { get; init; }
    public long? ServerMemoryPerConnectionBytes { get; init; }

    /// <summary>For a hub behind a load balancer: the load balancer's own share of <see cref="ServerMemoryPerConnectionBytes"/>.</summary>
    public long? LoadBalancerMemoryPerConnectionBytes { get; init; }

    /// <summary>The server's mean CPU (% of one core) over the first <paramref name="seconds"/> of <see cref="ServerCpuTimeline"/>; null when it is shorter.</summary>
    public double? ServerCpuInFirst(int seconds) =>
        ServerCpuTimeline.Count >= seconds ? Math.Round(ServerCpuTimeline.Take(seconds).Average(), 1) : null;

    /// <summary>True when every acknowledged event reached every subscriber of its topic once and in order.</summary>
    public bool Correct => Missing == 0 && Duplicates == 0 && OutOfOrder == 0 && Malformed == 0 && Connected == Subscribers;
}

/// <summary>A latency distribution, in milliseconds.</summary>
internal sealed record Percentiles(long Count, double P50, double P90, double P99, double P999, double Max)
{
    public static Percentiles From(HistogramBase histogram) => histogram.TotalCount == 0
        ? new Percentiles(0, 0, 0, 0, 0, 0)
        : new Percentiles(
            histogram.TotalCount,
            Ms(histogram.GetValueAtPercentile(50)),
            Ms(histogram.GetValueAtPercentile(90)),
            Ms(histogram.GetValueAtPercentile(99)),
            Ms(histogram.GetValueAtPercentile(99.9)),
            Ms(histogram.GetMaxValue()));

    private static double Ms(long microseconds) => Math.Round(microseconds / 1000.0, 3);
}
