using System.Globalization;
using Notify.Client;
using Notify.Tests.Cluster;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.Client;

/// <summary>
/// A service's own client through the load balancer of three silo processes: the silo serving its stream is killed
/// (SIGKILL) while another client publishes, and the subscriber ends with every acknowledged event exactly once, in order.
/// </summary>
[Collection(UsesNotifyCluster.Name)]
public sealed class ClientFailoverTests(NotifyCluster cluster, ITestOutputHelper output)
{
    /// <summary>Events acknowledged before the kill, and at least this many again after the subscriber has them.</summary>
    private const int Batch = 40;

    [Fact]
    public async Task ASubscribedClient_ThroughTheGateway_GetsEveryAcknowledgedEventExactlyOnceInOrder_WhenItsSiloIsKilled()
    {
        var topic = Publisher.NewTopic("client-failover");
        await using var subscriberHost = new ClientHost(cluster.GatewayAddress);
        await using var publisherHost = new ClientHost(cluster.GatewayAddress);
        var subscriber = Subscriber.Start(subscriberHost.Client, [topic]);
        var acknowledged = new List<(string Id, DateTime At)>();
        using var stopPublishing = new CancellationTokenSource();
        Task? publishing = null;
        var victim = -1;
        try
        {
            await subscriberHost.Log.WaitForOpenedStreamsAsync(1);
            publishing = PublishUntilStoppedAsync(publisherHost.Client, topic, acknowledged, stopPublishing.Token);
            await subscriber.WaitForEventsAsync(topic, Batch);

            victim = await KillTheSiloHoldingTheStreamAsync(topic);
            var killedAt = DateTime.UtcNow;
            var acknowledgedAtKill = Count(acknowledged);
            output.WriteLine($"SIGKILL silo-{victim + 1}, which held the stream, after {acknowledgedAtKill} acknowledged events");

            await subscriber.WaitUntilAsync(
                _ => subscriber.Events.Count >= acknowledgedAtKill + Batch, $"{Batch} events after the kill arrived", TimeSpan.FromSeconds(60));
            await stopPublishing.CancelAsync();
            await publishing;

            var expected = Snapshot(acknowledged);
            await subscriber.WaitUntilAsync(_ => subscriber.Events.Count >= expected.Count, "every acknowledged event arrived", TimeSpan.FromSeconds(30));
            // A last event: once it has arrived, anything delivered twice would have arrived before it.
            expected.Add((((await publisherHost.Client.PublishAsync(topic, "last")).Id), DateTime.UtcNow));
            await subscriber.WaitUntilAsync(_ => subscriber.Events.Any(e => e.Data == "last"), "the last event arrived");

            var figures = Figures(expected, subscriber, subscriberHost.Log, publisherHost.Log, killedAt);
            output.WriteLine(figures);
            Assert.Equal(expected.Select(e => e.Id), subscriber.IdsOf(topic));
            Assert.Equal(expected.Count, subscriber.Items.Count); // no notice: nothing was reset
            Assert.All(subscriber.Events.SkipLast(1), e => Assert.Equal($"event {Publisher.SequenceOf(e.Id) - 1}", e.Data));
            Assert.True(subscriberHost.Log.OpenedStreams.Count >= 2, "the client reconnected");
            Assert.Equal(0, (await cluster.ConnectionsAsync(topic))[victim]);
        }
        catch
        {
            output.WriteLine(cluster.RecentOutput);
            throw;
        }
        finally
        {
            await stopPublishing.CancelAsync();
            await (publishing ?? Task.CompletedTask);
            // Close the stream first: an open stream makes the gateway avoid one silo while routing is checked.
            await subscriber.DisposeAsync();
            if (victim >= 0)
            {
                await cluster.RestoreSiloAsync(victim);
            }
        }
    }

    private async Task<int> KillTheSiloHoldingTheStreamAsync(string topic)
    {
        await Eventually.TrueAsync(async () => (await cluster.ConnectionsAsync(topic)).Sum() == 1, "one silo holds the stream");
        var victim = Array.IndexOf(await cluster.ConnectionsAsync(topic), 1);
        await cluster.Silos[victim].KillAsync();
        return victim;
    }

    /// <summary>Publishes numbered events one after another, each retried by the client until acknowledged, until stopped.</summary>
    private static async Task PublishUntilStoppedAsync(NotifyClient client, string topic, List<(string Id, DateTime At)> acknowledged, CancellationToken stop)
    {
        // Paced (about 50 a second), so publishing spans the failover; a publish that takes longer is followed at once.
        using var pace = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var published = await client.PublishAsync(topic, $"event {i}", cancellationToken: CancellationToken.None);
            lock (acknowledged)
            {
                acknowledged.Add((published.Id, DateTime.UtcNow));
            }

            await pace.WaitForNextTickAsync(CancellationToken.None);
        }
    }

    private static int Count(List<(string Id, DateTime At)> acknowledged)
    {
        lock (acknowledged)
        {
            return acknowledged.Count;
        }
    }

    private static List<(string Id, DateTime At)> Snapshot(List<(string Id, DateTime At)> acknowledged)
    {
        lock (acknowledged)
        {
            return [.. acknowledged];
        }
    }

    /// <summary>One line for the log: what was acknowledged and delivered, what went wrong, and how long it took.</summary>
    private static string Figures(List<(string Id, DateTime At)> expected, Subscriber subscriber, WireLog subscriberWire, WireLog publisherWire, DateTime killedAt)
    {
        var delivered = subscriber.Timeline.Where(t => t.Item is NotifyEvent).Select(t => (((NotifyEvent)t.Item).Id, t.At)).ToList();
        var deliveredAt = delivered.GroupBy(d => d.Id).ToDictionary(g => g.Key, g => g.First().At);
        var missing = expected.Count(e => !deliveredAt.ContainsKey(e.Id));
        var duplicated = delivered.Count - deliveredAt.Count;
        var outOfOrder = delivered.Zip(delivered.Skip(1)).Count(pair => Publisher.SequenceOf(pair.Second.Id) <= Publisher.SequenceOf(pair.First.Id));
        var longestDelay = expected.Where(e => deliveredAt.ContainsKey(e.Id)).Max(e => deliveredAt[e.Id] - e.At);
        var firstAfterKill = delivered.FirstOrDefault(d => d.At > killedAt && expected.Any(e => e.Id == d.Id && e.At > killedAt));
        var streams = subscriberWire.Exchanges.Where(e => e.IsStream).ToList();
        var answers = publisherWire.Publishes.GroupBy(p => p.Status?.ToString(CultureInfo.InvariantCulture) ?? "no answer")
            .OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {g.Count()}");
        return $"client failover: acknowledged {expected.Count}, delivered {delivered.Count}, missing {missing}, duplicated {duplicated}, " +
            $"out of order {outOfOrder}, notices {subscriber.Items.Count(i => i is NotifyNotice)}; stream requests {streams.Count} " +
            $"({string.Join(", ", streams.Select(s => $"{(s.At - killedAt).TotalSeconds:+0.00;-0.00} s → {s.Status?.ToString(CultureInfo.InvariantCulture) ?? "failed"}"))}); " +
            $"publish attempts {publisherWire.Publishes.Count} ({string.Join(", ", answers)}); " +
            $"first event acknowledged after the kill delivered {(firstAfterKill.At - killedAt).TotalSeconds:F2} s after the kill; " +
            $"longest acknowledgement-to-delivery {longestDelay.TotalSeconds:F2} s";
    }
}
