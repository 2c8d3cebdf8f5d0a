using System.Diagnostics;
using Notify.Bench.Measure;
using Notify.Bench.Report;

namespace Notify.Bench.Load;

/// <summary>
/// Runs one scenario against one hub: connects the subscribers, publishes, optionally drops and resumes
/// some subscribers, waits for every acknowledged event to arrive, and counts what went wrong.
/// </summary>
internal sealed class ScenarioRunner(
    Scenario scenario, Uri baseUrl, string target, ProcessSampler server, IRunProgress progress, ProcessSampler? loadBalancer = null)
{
    public async Task<ScenarioResult> RunAsync(CancellationToken cancellationToken)
    {
        if (scenario.Warmup > TimeSpan.Zero)
        {
            var warmup = Scenarios.WarmupFor(scenario);
            progress.Report($"warming up for {warmup.Duration.TotalSeconds:0} s");
            await new ScenarioRunner(warmup, baseUrl, target, new ProcessSampler([]), progress).RunAsync(cancellationToken);
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
            perTopic[i % scenario.Topics]++;
        }

        var counts = perTopic;
        return Enumerable.Range(0, scenario.Topics)
            .Select(t => new TopicLane(TopicUrl(runId, t), counts[t]))
            .ToArray();
    }

    private async Task<ScenarioResult> RunAsync(TopicLane[] lanes, int[] perTopic, CancellationToken cancellationToken)
    {
        var startedAt = DateTime.UtcNow;
        using var metrics = new RunMetrics
        {
            Window = scenario.Rate is null && !scenario.Idle
                ? new DeliveryWindow((long)scenario.WindowPerSubscriber * perTopic.Max())
                : null,
        };
        var subscribers = Enumerable.Range(0, scenario.Subscribers)
            .Select(i => new Subscriber(lanes[i % scenario.Topics].Url, i % scenario.Topics, metrics, lanes[i % scenario.Topics].Order))
            .ToArray();
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
        try
        {
            var memoryConnected = server.IsEmpty ? (ProcessSample?)null : await SettledSampleAsync(cancellationToken);
            var loadBalancerConnected = loadBalancer?.Sample();

            long primed = 0;
            long primedEvents = 0;
            if (!scenario.Idle)
            {
                // One event per topic, delivered everywhere, before measuring: each topic's first publish (a
                // grain activating, a channel being created) is start-up cost, not the steady state measured here.
                metrics.Recording = false;
                await publisher.PublishOnceToEachAsync(cancellationToken);
                await DrainAsync(metrics, lanes.Sum(l => l.AcknowledgedCount * (long)l.Subscribers), publisher, connected, cancellationToken);
                primed = metrics.Deliveries;
                primedEvents = publisher.Acknowledged;
                metrics.Recording = true;
            }

            var serverStart = server.IsEmpty ? (ProcessSample?)null : server.Sample();
            var benchCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
            var publishStart = Stopwatch.GetTimestamp();
            metrics.StartTimeline();
            var dropped = Array.Empty<Subscriber>();
            using (var stopPublishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var publishing = scenario.Idle
                    ? Task.Delay(scenario.Duration, cancellationToken)
                    : publisher.RunAsync(scenario.Rate, stopPublishing.Token);
                stopPublishing.CancelAfter(scenario.Duration);
                if (scenario.DropFraction > 0)
                {
                    dropped = await DropAsync(subscribers, stopPublishing.Token);
                }

                await ReportWhileAsync(publishing, "publishing", publisher, metrics, connected);
                if (scenario.Idle)
                {
                    // Every held connection must still carry an event.
                    await publisher.PublishOnceToEachAsync(cancellationToken);
                }
            }

            var expected = lanes.Sum(l => l.Acknowledged.Count * (long)l.Subscribers);
            await DrainAsync(metrics, expected, publisher, connected, cancellationToken);
            var publishSeconds = Stopwatch.GetElapsedTime(publishStart).TotalSeconds;
            var deliverySeconds = Math.Max((metrics.LastDelivery - publishStart) / (double)Stopwatch.Frequency, 1e-3);
            var serverEnd = server.IsEmpty ? (ProcessSample?)null : server.Sample();
            var benchCpu = (Process.GetCurrentProcess().TotalProcessorTime - benchCpuStart).TotalSeconds / publishSeconds * 100;

            await stopSubscribers.CancelAsync();
            await Task.WhenAll(running);

            long missing = 0;
            foreach (var subscriber in subscribers)
            {
                missing += subscriber.Received.CountMissingFrom(lanes[subscriber.Topic].Acknowledged);
            }

            var droppedComplete = dropped.Count(s =>
                s.Received.CountMissingFrom(lanes[s.Topic].Acknowledged) == 0 && s.Duplicates == 0 && s.OutOfOrder == 0);

            return new ScenarioResult
            {
                Scenario = scenario.Name,
                Target = target,
                Url = baseUrl.ToString(),
                StartedAt = startedAt,
                Subscribers = scenario.Subscribers,
                Topics = scenario.Topics,
                OfferedRate = scenario.Rate,
                InFlight = scenario.InFlight,
                EventSize = scenario.EventSize,
                DurationSeconds = scenario.Duration.TotalSeconds,
                Connected = connected,
                ConnectSeconds = Math.Round(connectTimer.Elapsed.TotalSeconds, 2),
                Published = publisher.Acknowledged,
                PublishFailed = publisher.Failed,
                PublishedPerSecond = Math.Round((publisher.Acknowledged - primedEvents) / scenario.Duration.TotalSeconds, 1),
                PublishRoundTripMs = Percentiles.From(metrics.PublishRoundTrip),
                ExpectedDeliveries = expected,
                Deliveries = metrics.Deliveries,
                DeliveriesPerSecond = scenario.Idle ? 0 : Math.Round((metrics.Deliveries - primed) / deliverySeconds),
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
                Dropped = dropped.Length,
                DroppedComplete = droppedComplete,
                ServerCpuPercent = serverEnd is { } end && serverStart is { } start ? Math.Round(end.CpuPercentSince(start), 1) : null,
                BenchCpuPercent = Math.Round(benchCpu, 1),
                ServerMemoryBeforeBytes = memoryBefore?.ResidentBytes,
                ServerMemoryConnectedBytes = memoryConnected?.ResidentBytes,
                ServerMemoryPerConnectionBytes = memoryBefore is { } before && memoryConnected is { } after && connected > 0
                    ? (after.ResidentBytes - before.ResidentBytes) / connected
                    : null,
                LoadBalancerMemoryPerConnectionBytes = loadBalancerBefore is { } lbBefore && loadBalancerConnected is { } lbAfter && connected > 0
                    ? (lbAfter.ResidentBytes - lbBefore.ResidentBytes) / connected
                    : null,
            };
        }
        finally
        {
            // Whatever happened, no subscriber outlives its run (they would reconnect into the next one).
            await stopSubscribers.CancelAsync();
            await Task.WhenAll(running);
        }
    }

    private Uri TopicUrl(string runId, int topic) =>
        new($"{baseUrl.ToString().TrimEnd('/')}/bench-{scenario.Name}-{runId}-{topic}");

    private async Task<int> ConnectAsync(Subscriber[] subscribers, List<Task> running, CancellationToken stopping, CancellationToken cancellationToken)
    {
        var deadline = TimeSpan.FromSeconds(30 + (scenario.Subscribers / 200));
        var opening = new SemaphoreSlim(scenario.ConnectParallelism); // not disposed: late releases may still come
        var ready = new List<Task>(subscribers.Length);
        foreach (var subscriber in subscribers)
        {
            await opening.WaitAsync(cancellationToken);
            running.Add(Task.Run(() => subscriber.RunAsync(stopping), CancellationToken.None));
            ready.Add(subscriber.Ready.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None)
                .ContinueWith(_ => opening.Release(), TaskScheduler.Default));
            progress.Report($"connecting {ready.Count:N0}/{subscribers.Length:N0}");
        }

        try
        {
            await Task.WhenAll(subscribers.Select(s => s.Ready)).WaitAsync(deadline, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Measuring with fewer subscribers than asked would compare different things: stop here.
            throw new TimeoutException(
                $"Only {subscribers.Count(s => s.Ready.IsCompleted):N0} of {subscribers.Length:N0} subscribers connected within {deadline.TotalSeconds:0} s.");
        }

        return subscribers.Length;
    }

    /// <summary>A reading taken once the server's memory has stopped growing (connections just opened may still be settling).</summary>
    private async Task<ProcessSample> SettledSampleAsync(CancellationToken cancellationToken)
    {
        var previous = server.Sample();
        for (var i = 0; i < 20; i++)
        {
            await Task.Delay(500, cancellationToken);
            var current = server.Sample();
            if (Math.Abs(current.ResidentBytes - previous.ResidentBytes) < previous.ResidentBytes / 200)
            {
                return current;
            }

            previous = current;
        }

        return previous;
    }

    private async Task<Subscriber[]> DropAsync(Subscriber[] subscribers, CancellationToken publishing)
    {
        try
        {
            await Task.Delay(scenario.Duration / 3, publishing);
        }
        catch (OperationCanceledException)
        {
            return [];
        }

        var step = (int)Math.Round(1 / scenario.DropFraction);
        var dropped = subscribers.Where((_, i) => i % step == 0).ToArray();
        foreach (var subscriber in dropped)
        {
            subscriber.Drop(scenario.DropFor);
        }

        progress.Report($"dropped {dropped.Length:N0} subscribers for {scenario.DropFor.TotalSeconds:0.#} s");
        return dropped;
    }

    private async Task ReportWhileAsync(Task work, string phase, Publisher publisher, RunMetrics metrics, int connected)
    {
        while (!work.IsCompleted)
        {
            progress.Report($"{phase}: {connected:N0} connected, {publisher.Acknowledged:N0} published, {metrics.Deliveries:N0} delivered");
            await Task.WhenAny(work, Task.Delay(500));
        }

        await work;
    }

    private async Task DrainAsync(RunMetrics metrics, long expected, Publisher publisher, int connected, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(scenario.DrainTimeout.TotalSeconds * Stopwatch.Frequency);
        // A failed publish may still have been stored and delivered: then the count of deliveries can reach
        // the expected one while acknowledged events are still on their way, so wait out the drain time.
        while ((metrics.Deliveries < expected || publisher.Failed > 0) && Stopwatch.GetTimestamp() < deadline)
        {
            progress.Report($"draining: {connected:N0} connected, {publisher.Acknowledged:N0} published, {metrics.Deliveries:N0}/{expected:N0} delivered");
            await Task.Delay(50, cancellationToken);
        }
    }
}
