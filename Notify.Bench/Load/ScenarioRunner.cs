using System.Diagnostics;
using Notify.Bench.Measure;
using Notify.Bench.Report;

namespace Notify.Bench.Load;

/// <summary>
/// Runs one scenario against one hub: connects the subscribers, publishes, optionally drops and resumes
/// some subscribers, waits for every acknowledged event to arrive, and counts what went wrong.
/// </summary>
internal sealed partial class ScenarioRunner(
    Scenario scenario,
    Uri baseUrl,
    string target,
    ProcessSampler server,
    IRunProgress progress,
    ProcessSampler? loadBalancer = null,
    TopicSetStyle topicSets = TopicSetStyle.Query)
{
    public async Task<ScenarioResult> RunAsync(CancellationToken cancellationToken)
    {
        if (scenario.Warmup > TimeSpan.Zero)
        {
            var warmup = Scenarios.WarmupFor(scenario);
            var waves = Math.Max(1, scenario.WarmupWaves);
            for (var wave = 1; wave <= waves; wave++)
            {
                progress.Report($"warming up for {scenario.Warmup.TotalSeconds:0} s ({wave} of {waves})");
                await new ScenarioRunner(warmup, baseUrl, target, new ProcessSampler(Array.Empty<ServerProcess>()), progress, topicSets: topicSets).RunAsync(cancellationToken);
            }

            GC.Collect(); // the warm-up's garbage is not collected during the measured run
        }

        var lanes = CreateLanes(out var perTopic);
        try
        {
            return await RunAsync(lanes, perTopic, cancellationToken);
        }
        finally
        {
            foreach (var lane in lanes)
            {
                lane.Dispose();
            }
        }
    }

    private TopicLane[] CreateLanes(out int[] perTopic)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        perTopic = new int[scenario.Topics];
        for (var i = 0; i < scenario.Subscribers; i++)
        {
            foreach (var topic in scenario.TopicsOf(i))
            {
                perTopic[topic]++;
            }
        }

        var counts = perTopic;
        return Enumerable.Range(0, scenario.Topics)
            .Select(t => new TopicLane(t, baseUrl, TopicName(runId, t), counts[t]))
            .ToArray();
    }

    /// <summary>
    /// A topic's id: the scenario and the run in it, so a hub's logs say whose it is. Streams of several topics use
    /// short ids: nchan takes at most 1,024 characters of channel ids on one subscriber, commas included.
    /// </summary>
    private string TopicName(string runId, int topic) =>
        scenario.TopicsPerStream > 1 ? $"bench-{runId}-{topic}" : $"bench-{scenario.Name}-{runId}-{topic}";

    /// <summary>Subscriber i follows <see cref="Scenario.TopicsOf"/>(i): on the topic's own stream, or on one stream of them all.</summary>
    private Subscriber[] CreateSubscribers(TopicLane[] lanes, RunMetrics metrics) =>
        Enumerable.Range(0, scenario.Subscribers)
            .Select(i =>
            {
                var topics = scenario.TopicsOf(i);
                var url = topics.Length == 1 ? lanes[topics[0]].Url : TopicSetUrls.For(baseUrl, topicSets, [.. topics.Select(t => lanes[t].Topic)]);
                return new Subscriber(url, [.. topics.Select(t => new TopicLedger(t, lanes[t].Order))], metrics);
            })
            .ToArray();

    private async Task<ScenarioResult> RunAsync(TopicLane[] lanes, int[] perTopic, CancellationToken cancellationToken)
    {
        var startedAt = DateTime.UtcNow;
        using var metrics = new RunMetrics
        {
            Window = scenario.Rate is null && !scenario.Idle
                ? new DeliveryWindow((long)scenario.WindowPerSubscriber * perTopic.Max())
                : null,
        };
        var subscribers = CreateSubscribers(lanes, metrics);
        using var publisher = new Publisher(lanes, metrics, scenario.InFlight, scenario.EventSize);

        var memoryBefore = server.IsEmpty ? (ProcessSample?)null : server.Sample();
        var loadBalancerBefore = loadBalancer?.Sample();
        using var stopSubscribers = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new List<Task>(subscribers.Length);
        var connectTimer = Stopwatch.StartNew();
        int connected;
        try
        {
            connected = await ConnectAsync(subscribers, running, stopSubscribers.Token, cancellationToken);
        }
        catch
        {
            await stopSubscribers.CancelAsync();
            await Task.WhenAll(running);
            throw;
        }

        connectTimer.Stop();
        var connectedAt = Stopwatch.GetTimestamp();
        await using var cpuTimeline = scenario.Idle ? new CpuTimeline(server) : null;
        try
        {
            var memory = new MemoryReadings(
                memoryBefore, server.IsEmpty ? null : await SettledSampleAsync(cancellationToken), loadBalancerBefore, loadBalancer?.Sample());
            if (!scenario.Idle)
            {
                await PrimeAsync(lanes, publisher, metrics, connected, cancellationToken);
            }

            var window = await MeasureAsync(new RunParts(subscribers, lanes, publisher, metrics, connected, connectedAt, cpuTimeline), cancellationToken);
            await stopSubscribers.CancelAsync();
            await Task.WhenAll(running);
            var run = new FinishedRun(startedAt, connected, connectTimer.Elapsed, subscribers, lanes, publisher, metrics, window, memory);
            return ResultOf(run);
        }
        finally
        {
            // Whatever happened, no subscriber outlives its run (they would reconnect into the next one).
            await stopSubscribers.CancelAsync();
            await Task.WhenAll(running);
        }
    }

    /// <summary>
    /// One event per topic, delivered everywhere, before measuring: each topic's first publish (a grain activating,
    /// a channel being created) is start-up cost, not the steady state measured here. Counted, but not its latency.
    /// </summary>
    private async Task PrimeAsync(TopicLane[] lanes, Publisher publisher, RunMetrics metrics, int connected, CancellationToken cancellationToken)
    {
        metrics.Recording = false;
        await publisher.PublishOnceToEachAsync(cancellationToken);
        await DrainAsync(metrics, lanes.Sum(l => l.AcknowledgedCount * (long)l.Subscribers), publisher, connected, cancellationToken);
        metrics.Recording = true;
    }
}
