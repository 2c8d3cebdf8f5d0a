using Notify.Bench.Measure;
using Notify.Bench.Report;

namespace Notify.Bench.Load;

/// <summary>A finished run's figures, as its result: counted over its subscribers and topics, measured over its window.</summary>
internal sealed partial class ScenarioRunner
{
    private ScenarioResult ResultOf(FinishedRun run)
    {
        var (window, publisher, metrics, lanes, subscribers) = (run.Window, run.Publisher, run.Metrics, run.Lanes, run.Subscribers);
        var missing = subscribers.Sum(s => s.CountMissing(lanes));
        var droppedComplete = window.Dropped.Count(s => s.CountMissing(lanes) == 0 && s.Duplicates == 0 && s.OutOfOrder == 0);
        return new ScenarioResult
        {
            Scenario = scenario.Name,
            Target = target,
            Url = baseUrl.ToString(),
            StartedAt = run.StartedAt,
            Subscribers = scenario.Subscribers,
            Topics = scenario.Topics,
            TopicsPerStream = scenario.TopicsPerStream,
            OfferedRate = scenario.Rate,
            InFlight = scenario.InFlight,
            EventSize = scenario.EventSize,
            DurationSeconds = scenario.Duration.TotalSeconds,
            Connected = run.Connected,
            ConnectSeconds = Math.Round(run.ConnectTime.TotalSeconds, 2),
            Published = publisher.Acknowledged,
            PublishFailed = publisher.Failed,
            PublishedPerSecond = Math.Round((publisher.Acknowledged - window.Start.Acknowledged) / scenario.Duration.TotalSeconds, 1),
            PublishRoundTripMs = Percentiles.From(metrics.PublishRoundTrip),
            ExpectedDeliveries = window.ExpectedDeliveries,
            Deliveries = metrics.Deliveries,
            DeliveriesPerSecond = scenario.Idle ? 0 : Math.Round((metrics.Deliveries - window.Start.Deliveries) / window.DeliverySeconds),
            LatencyMs = Percentiles.From(metrics.Latency),
            Timeline = metrics.Timeline(),
            Missing = missing,
            Duplicates = subscribers.Sum(s => s.Duplicates),
            OutOfOrder = subscribers.Sum(s => s.OutOfOrder),
            Malformed = subscribers.Sum(s => s.Malformed),
            Resets = subscribers.Sum(s => s.Resets),
            Lagged = subscribers.Sum(s => s.Lagged),
            UnexpectedCloses = subscribers.Sum(s => s.UnexpectedCloses),
            FailedConnects = subscribers.Sum(s => s.FailedConnects),
            Dropped = window.Dropped.Length,
            DroppedComplete = droppedComplete,
            MeasuredFromSeconds = Math.Round(window.FromConnectedSeconds, 1),
            MeasuredSeconds = window.ServerSeconds is { } seconds ? Math.Round(seconds, 3) : null,
            MeasuredPublished = window.Published,
            MeasuredDeliveries = window.Deliveries,
            ServerCpuSeconds = window.ServerCpuSeconds is { } cpuSeconds ? Math.Round(cpuSeconds, 2) : null, // /proc counts 10 ms ticks
            ServerCpuPercent = window.ServerCpuSeconds is { } cpu && window.ServerSeconds is { } over ? Math.Round(cpu / Math.Max(over, 1e-9) * 100, 1) : null,
            ServerCpuPercentByProcess = CpuByProcess(window),
            ServerCpuTimeline = window.ServerCpuTimeline,
            BenchCpuPercent = Math.Round(window.BenchCpuPercent, 1),
            HostBusyPercent = window.HostBusyPercent,
            HostStealPercent = window.HostStealPercent,
            ServerMemoryBeforeBytes = run.Memory.Before?.ResidentBytes,
            ServerMemoryConnectedBytes = run.Memory.Connected?.ResidentBytes,
            ServerMemoryPerConnectionBytes = PerConnection(run.Memory.Before, run.Memory.Connected, run.Connected),
            LoadBalancerMemoryPerConnectionBytes = PerConnection(run.Memory.LoadBalancerBefore, run.Memory.LoadBalancerConnected, run.Connected),
        };
    }

    private Dictionary<string, double>? CpuByProcess(MeasuredWindow window) =>
        server.Processes.Count > 1 && window.Start.Server is { } start && window.End.Server is { } end
            ? server.Processes
                .Zip(end.CpuPercentByProcessSince(start), (process, cpu) => (process.Name, Cpu: cpu))
                .GroupBy(p => p.Name, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => Math.Round(g.Sum(p => p.Cpu), 1), StringComparer.Ordinal)
            : null;

    private static long? PerConnection(ProcessSample? before, ProcessSample? after, int connected) =>
        before is { } b && after is { } a && connected > 0 ? (a.ResidentBytes - b.ResidentBytes) / connected : null;
}

/// <summary>The server's (and its load balancer's) memory before the subscribers connected and once they had.</summary>
internal sealed record MemoryReadings(ProcessSample? Before, ProcessSample? Connected, ProcessSample? LoadBalancerBefore, ProcessSample? LoadBalancerConnected);

/// <summary>Everything a run's result is made of, once its subscribers have stopped.</summary>
internal sealed record FinishedRun(
    DateTime StartedAt,
    int Connected,
    TimeSpan ConnectTime,
    Subscriber[] Subscribers,
    TopicLane[] Lanes,
    Publisher Publisher,
    RunMetrics Metrics,
    MeasuredWindow Window,
    MemoryReadings Memory);
