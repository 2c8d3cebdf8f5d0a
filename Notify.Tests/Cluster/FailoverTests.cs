using System.Diagnostics;
using System.Net;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.Cluster;

/// <summary>
/// Three real silo processes, a real Garnet store and the real gateway: silos and the store die or restart
/// while publishers publish and subscribers listen, and nothing acknowledged is lost, doubled or reordered.
/// </summary>
[Collection(UsesNotifyCluster.Name)]
public sealed class FailoverTests(NotifyCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan FreezeDuration = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Published to each topic after SIGCONT, however many the freeze took (on a fast machine publishing would end during
    /// it): a few seconds of them meet the resumed silo before it finds itself declared dead and stops, while its stale
    /// grain activations and stream queues still run.
    /// </summary>
    private const int EventsPerTopicAfterTheFreeze = 100;

    /// <summary>
    /// Each freeze publisher's pace: 25 events/s per topic, 250/s offered in all. Publishing goes on through the whole
    /// freeze, and a topic still takes about 450 events, within its 1,000-event buffer: a subscriber of the frozen silo
    /// that comes back must get every event (as fast as one publish in flight allows, a topic took more than its buffer
    /// holds during the freeze, and such a subscriber is rightly told <c>notify.reset</c>).
    /// </summary>
    private static readonly TimeSpan FreezePublishInterval = TimeSpan.FromMilliseconds(40);

    /// <summary>
    /// The silo to hurt: one holding both topic grains and subscribers when there is one; otherwise the one with the most
    /// grains (the gateway's balancing can leave a silo without streams), with how many subscribers it holds.
    /// </summary>
    private async Task<(int Silo, int Subscribers)> VictimAsync(TrafficRun run)
    {
        var hosted = await cluster.HostedTopicsAsync(run.Topics);
        var subscribers = new int[NotifyCluster.SiloCount];
        foreach (var topic in run.Topics)
        {
            var counts = await cluster.ConnectionsAsync(topic);
            for (var i = 0; i < subscribers.Length; i++)
            {
                subscribers[i] += counts[i];
            }
        }

        var victim = Enumerable.Range(0, NotifyCluster.SiloCount).MaxBy(i => (hosted[i].Count > 0 && subscribers[i] > 0, hosted[i].Count, subscribers[i]));
        output.WriteLine($"victim silo-{victim + 1}: hosts the grains of {hosted[victim].Count} of the {run.Topics.Count} topics and {subscribers[victim]} of their subscribers");
        return (victim, subscribers[victim]);
    }

    /// <summary>
    /// The victim's subscribers came back through another silo. Asked only when it had some: the gateway's balancing can
    /// leave the silo that holds the topics' grains without streams, and then only the publishes are the fault's test.
    /// </summary>
    private void AssertTheVictimsSubscribersReconnected(TrafficFigures figures, int streamsOnVictim, string because)
    {
        if (streamsOnVictim > 0)
        {
            Assert.True(figures.Reconnects > 0, because);
        }
        else
        {
            output.WriteLine("the victim held no streams: its subscribers' reconnects are not part of this run");
        }
    }

    [Fact]
    public async Task SiloKilled_SubscribersResumeElsewhere_WithEveryAcknowledgedEventExactlyOnce_AndTheGatewayDropsIt()
    {
        var victim = -1;
        var watch = new Stopwatch();
        try
        {
            var streamsOnVictim = 0;
            var figures = await TrafficRun.RunAsync(cluster.GatewayAddress, "kill", async run =>
            {
                (victim, streamsOnVictim) = await VictimAsync(run);
                await cluster.Silos[victim].KillAsync();
                watch.Start();
                output.WriteLine($"SIGKILL silo-{victim + 1} after {run.AcknowledgedCount} acknowledged events");
            }, output, recentOutput: () => cluster.RecentOutput);

            figures.AssertExactlyOnce();
            figures.AssertBoundedWaits();
            AssertTheVictimsSubscribersReconnected(figures, streamsOnVictim, "the killed silo's subscribers reconnected");

            await cluster.WaitUntilTheGatewayRoutesToAsync([.. Enumerable.Range(0, NotifyCluster.SiloCount).Where(i => i != victim)]);
            output.WriteLine($"the gateway routes around silo-{victim + 1} ({watch.Elapsed.TotalSeconds:F1} s after the kill, checked once the run was over)");
        }
        finally
        {
            if (victim >= 0)
            {
                await cluster.RestoreSiloAsync(victim);
            }
        }
    }

    [Fact]
    public async Task SiloStoppedWithSigterm_EndsItsStreamsAndExitsQuickly_WithEveryAcknowledgedEventExactlyOnce()
    {
        var victim = -1;
        var exitTime = TimeSpan.Zero;
        try
        {
            var streamsOnVictim = 0;
            var figures = await TrafficRun.RunAsync(cluster.GatewayAddress, "term", async run =>
            {
                (victim, streamsOnVictim) = await VictimAsync(run);
                exitTime = await cluster.Silos[victim].TerminateAsync(TimeSpan.FromSeconds(30));
                output.WriteLine($"SIGTERM silo-{victim + 1}: exited after {exitTime.TotalSeconds:F1} s");
            }, output, recentOutput: () => cluster.RecentOutput);

            figures.AssertExactlyOnce();
            figures.AssertBoundedWaits();
            AssertTheVictimsSubscribersReconnected(figures, streamsOnVictim, "the stopped silo's subscribers reconnected");
            Assert.True(exitTime < TimeSpan.FromSeconds(25), $"the silo took {exitTime} to exit");
        }
        finally
        {
            if (victim >= 0)
            {
                await cluster.RestoreSiloAsync(victim);
            }
        }
    }

    [Fact]
    public async Task SiloFrozenFor15Seconds_PublishesAreAnsweredInBoundedTime_AndEveryAcknowledgedEventArrivesExactlyOnce()
    {
        var victim = -1;
        try
        {
            var streamsOnVictim = 0;
            IReadOnlyList<string> ownedElsewhere = [];
            IReadOnlyList<string>[] hosted = [];
            var frozenAt = DateTime.MinValue;
            var figures = await TrafficRun.RunAsync(cluster.GatewayAddress, "freeze", async run =>
            {
                (victim, streamsOnVictim) = await VictimAsync(run);
                hosted = await cluster.HostedTopicsAsync(run.Topics);
                ownedElsewhere = [.. run.Topics.Except(hosted[victim])];
                await cluster.Silos[victim].SuspendAsync();
                frozenAt = DateTime.UtcNow;
                output.WriteLine($"SIGSTOP silo-{victim + 1} at {frozenAt:HH:mm:ss.fff} after {run.AcknowledgedCount} acknowledged events");
                await Task.Delay(FreezeDuration); // the fault itself: a long GC pause or a stalled VM
                await cluster.Silos[victim].ResumeAsync();
                output.WriteLine($"SIGCONT silo-{victim + 1} after {run.AcknowledgedCount} acknowledged events");
            }, output, recentOutput: () => cluster.RecentOutput, eventsAfterDisruption: EventsPerTopicAfterTheFreeze,
                publishInterval: FreezePublishInterval);

            figures.AssertExactlyOnce();
            figures.AssertBoundedWaits();
            AssertTheVictimsSubscribersReconnected(figures, streamsOnVictim, "the gateway ended the frozen silo's streams and their subscribers resumed elsewhere");

            figures.AssertKeptPublishingThroughTheFreeze(
                ownedElsewhere, frozenAt, topic => $"silo-{Array.FindIndex(hosted, topics => topics.Contains(topic)) + 1}", output,
                () => cluster.RecentOutput); // what the silos and the gateway logged last, to find what held it
        }
        finally
        {
            if (victim >= 0)
            {
                await cluster.RestoreSiloAsync(victim);
            }
        }
    }

    [Fact]
    public async Task StoreRestarted_PublishesFailWhileItIsDown_AndNothingAcknowledgedIsLost()
    {
        TrafficFigures figures;
        try
        {
            try
            {
            figures = await TrafficRun.RunAsync(cluster.GatewayAddress, "store", async run =>
            {
                await cluster.Store.KillAsync();
                var attempts = run.Attempts;
                var acknowledged = run.AcknowledgedCount;
                await Eventually.TrueAsync(() => run.Attempts >= attempts + 20, "publishers keep retrying while the store is down");
                Assert.InRange(run.AcknowledgedCount, acknowledged, acknowledged + run.Topics.Count); // at most the ones in flight
                await cluster.Store.StartAsync();
                output.WriteLine($"store down for {run.Attempts - attempts} publish attempts, then restarted");
            }, output, recentOutput: () => cluster.RecentOutput);
            }
            catch
            {
                output.WriteLine(cluster.RecentOutput);
                throw;
            }
        }
        finally
        {
            if (cluster.Store.ProcessId is null)
            {
                await cluster.Store.StartAsync();
            }
        }

        figures.AssertExactlyOnce();
        Assert.True(figures.Published > figures.Acknowledged, "some publishes were refused while the store was down");
    }

    [Fact]
    public async Task ResumeOnADifferentSilo_IsExact_AndEventsPublishedAnywhereReachEverySilo()
    {
        var topic = Publisher.NewTopic("elsewhere");
        using var silo1 = cluster.CreateSiloClient(0);
        using var silo2 = cluster.CreateSiloClient(1);
        using var silo3 = cluster.CreateSiloClient(2);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await silo1.PublishAsync(topic, $"e{i}"));
        }

        await using (var first = await SseTestClient.ConnectAsync(silo1, topic, lastEventId: ResumeKeywords.Earliest))
        {
            Assert.Equal(ids.Take(3), (await first.TakeAsync(3)).Select(e => e.EventId));
        }

        // The same client comes back through another silo, and a third silo has a live subscriber: at least
        // one of them is not where the topic's grain lives.
        await using var resumed = await SseTestClient.ConnectAsync(silo2, topic, lastEventId: ids[2]);
        await using var live = await SseTestClient.ConnectAsync(silo3, topic);
        Assert.Equal(ids.Skip(3), (await resumed.TakeAsync(2)).Select(e => e.EventId));

        var later = await silo1.PublishAsync(topic, "later");
        Assert.Equal(later, (await resumed.NextAsync()).EventId);
        Assert.Equal(later, (await live.NextAsync()).EventId);
    }

    [Fact]
    public async Task IdempotentRetry_OnAnotherSilo_CreatesOneEvent()
    {
        var topic = Publisher.NewTopic("retry-elsewhere");
        using var silo1 = cluster.CreateSiloClient(0);
        using var silo2 = cluster.CreateSiloClient(1);
        using var silo3 = cluster.CreateSiloClient(2);

        var first = await silo1.PublishAsync(topic, "charge", idempotencyKey: "payment-1");
        using var second = await silo2.PublishRawAsync(topic, "charge", idempotencyKey: "payment-1");
        using var third = await silo3.PublishRawAsync(topic, "charge", idempotencyKey: "payment-1");

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Contains(first, await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains(first, await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(Publisher.SequenceOf(first) + 1, Publisher.SequenceOf(await silo3.PublishAsync(topic, "next")));
    }
}

/// <summary>Alone, after the other tests: three silos, a store, a gateway and a browser are a lot for two cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UsesNotifyCluster : ICollectionFixture<NotifyCluster>
{
    public const string Name = "A three-silo cluster with a Garnet store and the gateway";
}
