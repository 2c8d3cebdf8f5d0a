using System.Collections.Concurrent;
using System.Diagnostics;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.Cluster;

/// <summary>
/// Publishers and subscribers on many topics through the load balancer while something is done to the cluster;
/// then checks that every subscriber has every acknowledged event of its topic exactly once, in order, and measures
/// what a user waited for: the slowest answer to a publish, each topic's longest time without an acknowledged
/// publish, and the longest time from an acknowledgement to a subscriber having the event.
/// </summary>
internal sealed class TrafficRun
{
    private readonly ConcurrentDictionary<string, List<(string Id, long AcknowledgedAt)>> _acknowledged = new();
    private int _attempts;
    private int _acknowledgedCount;
    private long _slowestAnswerTicks;
    private volatile bool _disruptionOver;

    private TrafficRun(IReadOnlyList<string> topics) => Topics = topics;

    public IReadOnlyList<string> Topics { get; }

    /// <summary>Publish attempts so far (a retry counts again).</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public int AcknowledgedCount => Volatile.Read(ref _acknowledgedCount);

    /// <param name="gateway">The load balancer's address.</param>
    /// <param name="name">Names the run's topics and its line of figures.</param>
    /// <param name="disruptAsync">What is done to the cluster once a third of the events are acknowledged.</param>
    /// <param name="output">Where the figures are written.</param>
    /// <param name="topicCount">Topics, each with its own publisher.</param>
    /// <param name="subscribersPerTopic">Subscribers (resuming like EventSource) per topic.</param>
    /// <param name="eventsPerTopic">Events each publisher publishes, one at a time.</param>
    /// <param name="token">The bearer token every request carries, when the cluster checks tokens.</param>
    /// <param name="recentOutput">What the cluster's processes logged last, written out when a subscriber never gets its topic's last event.</param>
    /// <param name="eventsAfterDisruption">
    /// Events each publisher publishes once the disruption is over, beyond <paramref name="eventsPerTopic"/> if need be:
    /// on a fast machine publishing can otherwise end before the fault does, and the time after it goes untested.
    /// </param>
    /// <param name="publishInterval">
    /// When set, each publisher publishes at most one event per interval (an offered rate, as apps publish), instead of
    /// as fast as one publish in flight allows: a run whose publishing goes on through a long fault then stays within
    /// the topics' buffers, and every subscriber must get every event.
    /// </param>
    public static async Task<TrafficFigures> RunAsync(
        Uri gateway, string name, Func<TrafficRun, Task> disruptAsync, ITestOutputHelper output,
        int topicCount = 10, int subscribersPerTopic = 2, int eventsPerTopic = 200, string? token = null, Func<string>? recentOutput = null,
        int eventsAfterDisruption = 0, TimeSpan? publishInterval = null)
    {
        var run = new TrafficRun([.. Enumerable.Range(0, topicCount).Select(i => Publisher.NewTopic($"{name}{i}"))]);
        using var subscribeClient = new HttpClient { BaseAddress = gateway, Timeout = TestTimeouts.Request };
        using var publishClient = new HttpClient { BaseAddress = gateway, Timeout = TestTimeouts.Request };
        if (token is not null)
        {
            subscribeClient.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            publishClient.DefaultRequestHeaders.Authorization = subscribeClient.DefaultRequestHeaders.Authorization;
        }
        var subscribers = run.Topics.SelectMany(topic => Enumerable.Range(0, subscribersPerTopic)
            .Select(_ => new ResumingSubscriber(subscribeClient, topic))).ToList();
        try
        {
            await Eventually.TrueAsync(() => subscribers.All(s => s.Connections > 0), "every subscriber is connected");
            var publishing = run.Topics.Select(topic => Task.Run(() => run.PublishAsync(publishClient, topic, eventsPerTopic, eventsAfterDisruption, publishInterval))).ToList();

            var total = topicCount * eventsPerTopic;
            await Eventually.TrueAsync(() => run.AcknowledgedCount >= total / 3 || publishing.Any(p => p.IsFaulted), "a third of the events are published", TimeSpan.FromSeconds(60));
            try
            {
                await disruptAsync(run);
            }
            finally
            {
                run._disruptionOver = true; // a failed disruption must not leave publishers running on after the test
            }

            await Task.WhenAll(publishing);

            foreach (var subscriber in subscribers)
            {
                var last = run._acknowledged[subscriber.Topic][^1].Id;
                try
                {
                    await subscriber.WaitUntilAsync(items => items.Any(i => i.EventId == last), $"a subscriber of {subscriber.Topic} has {last}", TimeSpan.FromSeconds(90));
                }
                catch (TimeoutException)
                {
                    // Where it stopped, to tell a stream that hangs from one that keeps failing to reconnect.
                    var received = subscriber.Received;
                    output.WriteLine(
                        $"{subscriber.Topic}: {subscriber.Connections} streams opened, {subscriber.Refusals} refused, {received.Count} items received, " +
                        $"the last event {received.LastOrDefault(i => i.EventId is { Length: > 0 }).EventId ?? "none"}");
                    output.WriteLine(recentOutput?.Invoke() ?? "");
                    throw;
                }
            }

            foreach (var subscriber in subscribers)
            {
                // Why a subscriber was reset, and where from: a reset within the buffer is a defect to diagnose.
                foreach (var reset in subscriber.Received.Where(i => i.EventType == "notify.reset"))
                {
                    output.WriteLine($"{subscriber.Topic}: notify.reset {reset.Data}");
                }
            }

            var figures = run.Measure(subscribers);
            output.WriteLine($"{name}: {figures}");
            Console.WriteLine($"{name}: {figures}");
            return figures;
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                await subscriber.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// One publisher per topic, one publish in flight, retrying each event until it is acknowledged: <paramref name="events"/>
    /// events, and, when <paramref name="eventsAfterDisruption"/> is set, on until that many came after the disruption.
    /// </summary>
    private async Task PublishAsync(HttpClient http, string topic, int events, int eventsAfterDisruption, TimeSpan? publishInterval)
    {
        var acknowledged = _acknowledged.GetOrAdd(topic, _ => []);
        using var pace = publishInterval is { } interval ? new PeriodicTimer(interval) : null; // a publish held up by a fault is not made up for with a burst
        int? afterDisruption = null; // events published since this publisher saw the disruption over
        for (var i = 0; ; i++)
        {
            if (afterDisruption is null && _disruptionOver)
            {
                afterDisruption = 0;
            }

            var more = i < events || (eventsAfterDisruption > 0 && (afterDisruption is not { } after || after < eventsAfterDisruption));
            if (!more)
            {
                return;
            }

            if (pace is not null && i > 0)
            {
                await pace.WaitForNextTickAsync();
            }

            var id = await http.PublishUntilAcknowledgedAsync(topic, $"{topic}/{i}", $"{topic}/{i}", TimeSpan.FromSeconds(120), OnAnswer);
            acknowledged.Add((id, Stopwatch.GetTimestamp()));
            Interlocked.Increment(ref _acknowledgedCount);
            afterDisruption += 1; // stays null until the disruption is over
        }
    }

    private void OnAnswer(TimeSpan waited)
    {
        Interlocked.Increment(ref _attempts);
        var ticks = waited.Ticks;
        var slowest = Volatile.Read(ref _slowestAnswerTicks);
        while (ticks > slowest && Interlocked.CompareExchange(ref _slowestAnswerTicks, ticks, slowest) != slowest)
        {
            slowest = Volatile.Read(ref _slowestAnswerTicks);
        }
    }

    private TrafficFigures Measure(List<ResumingSubscriber> subscribers)
    {
        int delivered = 0, missing = 0, duplicated = 0, outOfOrder = 0, resets = 0;
        var longestDelivery = TimeSpan.Zero;
        var longestDelivered = "";
        foreach (var subscriber in subscribers)
        {
            var acknowledged = _acknowledged[subscriber.Topic];
            var received = subscriber.ReceivedWithTimes;
            resets += received.Count(r => r.Item.EventType == "notify.reset");
            var events = received.Where(r => r.Item.EventType == "message").ToList();
            var ids = events.Select(r => r.Item.EventId!).ToList();
            delivered += ids.Count;
            duplicated += ids.Count - ids.Distinct().Count();
            missing += acknowledged.Select(a => a.Id).Except(ids).Count();
            var order = ids.Distinct().Select(Publisher.SequenceOf).ToList();
            outOfOrder += order.Zip(order.Skip(1)).Count(pair => pair.Second <= pair.First);

            var firstReceipt = events.GroupBy(r => r.Item.EventId!).ToDictionary(g => g.Key, g => g.Min(r => r.ReceivedAt));
            foreach (var (id, acknowledgedAt) in acknowledged)
            {
                if (firstReceipt.TryGetValue(id, out var receivedAt) && receivedAt > acknowledgedAt)
                {
                    var waited = Stopwatch.GetElapsedTime(acknowledgedAt, receivedAt);
                    if (waited > longestDelivery)
                    {
                        (longestDelivery, longestDelivered) = (waited, $"{id} of {subscriber.Topic}");
                    }
                }
            }
        }

        var positionsPerPublish = _acknowledged.Values.Sum(ids => ids.Count - ids.Select(a => Publisher.SequenceOf(a.Id)).Distinct().Count());
        var now = (Ticks: Stopwatch.GetTimestamp(), Utc: DateTime.UtcNow);
        var outages = _acknowledged.ToDictionary(
            topic => topic.Key,
            topic => topic.Value.Zip(topic.Value.Skip(1))
                .Select(pair => new TopicOutage(Stopwatch.GetElapsedTime(pair.First.AcknowledgedAt, pair.Second.AcknowledgedAt), now.Utc - Stopwatch.GetElapsedTime(pair.First.AcknowledgedAt, now.Ticks)))
                .DefaultIfEmpty(new TopicOutage(TimeSpan.Zero, now.Utc)).MaxBy(outage => outage.Length)!);
        return new TrafficFigures(
            Attempts, AcknowledgedCount, delivered, subscribers.Count, missing, duplicated + positionsPerPublish, outOfOrder, resets,
            subscribers.Sum(s => s.Connections - 1), subscribers.Sum(s => s.Refusals),
            TimeSpan.FromTicks(Volatile.Read(ref _slowestAnswerTicks)), longestDelivery, longestDelivered, outages);
    }
}
