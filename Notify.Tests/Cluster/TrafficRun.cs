using System.Collections.Concurrent;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.Cluster;

/// <summary>
/// Publishers and subscribers on many topics through the load balancer while something is done to the
/// cluster; then checks that every subscriber has every acknowledged event of its topic exactly once, in order.
/// </summary>
internal sealed class TrafficRun
{
    private readonly ConcurrentDictionary<string, List<string>> _acknowledged = new();
    private int _attempts;
    private int _acknowledgedCount;

    private TrafficRun(IReadOnlyList<string> topics) => Topics = topics;

    public IReadOnlyList<string> Topics { get; }

    /// <summary>Publish attempts so far (a retry counts again).</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    public int AcknowledgedCount => Volatile.Read(ref _acknowledgedCount);

    public static async Task<TrafficFigures> RunAsync(
        NotifyCluster cluster, string name, Func<TrafficRun, Task> disruptAsync, ITestOutputHelper output,
        int topicCount = 10, int subscribersPerTopic = 2, int eventsPerTopic = 200)
    {
        var run = new TrafficRun([.. Enumerable.Range(0, topicCount).Select(i => Publisher.NewTopic($"{name}{i}"))]);
        using var subscribeClient = cluster.CreateGatewayClient();
        using var publishClient = cluster.CreateGatewayClient();
        var subscribers = run.Topics.SelectMany(topic => Enumerable.Range(0, subscribersPerTopic)
            .Select(_ => new ResumingSubscriber(subscribeClient, topic))).ToList();
        try
        {
            await Eventually.TrueAsync(() => subscribers.All(s => s.Connections > 0), "every subscriber is connected");

            var publishing = run.Topics.Select(topic => Task.Run(async () =>
            {
                var ids = run._acknowledged.GetOrAdd(topic, _ => []);
                for (var i = 0; i < eventsPerTopic; i++)
                {
                    var id = await publishClient.PublishUntilAcknowledgedAsync(
                        topic, $"{topic}/{i}", $"{topic}/{i}", () => Interlocked.Increment(ref run._attempts), TimeSpan.FromSeconds(120));
                    ids.Add(id);
                    Interlocked.Increment(ref run._acknowledgedCount);
                }
            })).ToList();

            var total = topicCount * eventsPerTopic;
            await Eventually.TrueAsync(() => run.AcknowledgedCount >= total / 3 || publishing.Any(p => p.IsFaulted), "a third of the events are published", TimeSpan.FromSeconds(60));
            await disruptAsync(run);
            await Task.WhenAll(publishing);

            foreach (var subscriber in subscribers)
            {
                var last = run._acknowledged[subscriber.Topic][^1];
                await subscriber.WaitUntilAsync(items => items.Any(i => i.EventId == last), $"a subscriber of {subscriber.Topic} has {last}", TimeSpan.FromSeconds(90));
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

    private TrafficFigures Measure(List<ResumingSubscriber> subscribers)
    {
        int delivered = 0, missing = 0, duplicated = 0, outOfOrder = 0, resets = 0;
        foreach (var subscriber in subscribers)
        {
            var acknowledged = _acknowledged[subscriber.Topic];
            var received = subscriber.Received;
            resets += received.Count(i => i.EventType == "notify.reset");
            var ids = received.Where(i => i.EventType == "message").Select(i => i.EventId!).ToList();
            delivered += ids.Count;
            duplicated += ids.Count - ids.Distinct().Count();
            missing += acknowledged.Except(ids).Count();
            var order = ids.Distinct().Select(Publisher.SequenceOf).ToList();
            outOfOrder += order.Zip(order.Skip(1)).Count(pair => pair.Second <= pair.First);
        }

        var positionsPerPublish = _acknowledged.Values.Sum(ids => ids.Count - ids.Select(Publisher.SequenceOf).Distinct().Count());
        return new TrafficFigures(
            Attempts, AcknowledgedCount, delivered, subscribers.Count, missing, duplicated + positionsPerPublish, outOfOrder, resets,
            subscribers.Sum(s => s.Connections - 1), subscribers.Sum(s => s.Refusals));
    }
}

/// <summary>The outcome of a <see cref="TrafficRun"/>.</summary>
internal sealed record TrafficFigures(
    int Published, int Acknowledged, int Delivered, int Subscribers, int Missing, int Duplicated, int OutOfOrder, int Resets, int Reconnects, int Refusals)
{
    public override string ToString() =>
        $"events published {Published} (attempts, retries included), acknowledged {Acknowledged}, delivered {Delivered} " +
        $"to {Subscribers} subscribers, missing {Missing}, duplicated {Duplicated}, out of order {OutOfOrder}, " +
        $"notify.reset {Resets}, reconnects {Reconnects}, subscribe answers other than a 200 stream {Refusals}";
}
