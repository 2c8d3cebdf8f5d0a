using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Options;
using Notify.Grains.Storage;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Notify.Tests.Cluster;

/// <summary>
/// While Orleans' grain directory converges after a membership change, a topic's grain can have a second activation
/// for a while: the later one takes the lease and stores, while the fan-outs' head checks may still reach the earlier
/// one, which answers from its copy. If the stream then lost the message of the last event stored, only the log knows
/// of it. Here the other activation is played by the test itself: it takes the topic's lease in the store and appends
/// an event as a topic grain does, without a stream message.
/// </summary>
[Collection(UsesNotifyCluster.Name)]
public sealed class StaleActivationTests(NotifyCluster cluster, ITestOutputHelper output)
{
    private const int Owner = 0;
    private const int Listening = 1;
    private const int Leaving = 2;

    /// <summary>
    /// The topic is quiet by then: its head is checked every 30 s at the least (<c>Notify:Sse:QuietStreamCheckInterval</c>),
    /// a confirmation comes at such a check, and the stepped-down activation's successor answers the follow-up check.
    /// </summary>
    private static readonly TimeSpan ReachesSubscribersWithin = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task AfterAMembershipChange_AnEventAnotherActivationStored_ReachesSubscribers_ThoughTheStreamNeverCarriedIt()
    {
        await cluster.WaitUntilTheGatewayRoutesToAllAsync();
        var topic = Publisher.NewTopicOwnedBy("stale-copy", NotifyCluster.SiloNames, NotifyCluster.SiloNames[Owner]);
        using var owner = cluster.CreateSiloClient(Owner);
        using var listening = cluster.CreateSiloClient(Listening);
        var first = await owner.PublishUntilAcknowledgedAsync(topic, "first", $"{topic}-first", TimeSpan.FromSeconds(30));
        await using var subscriber = await SseTestClient.ConnectAsync(listening, topic, lastEventId: ResumeKeywords.Earliest);
        Assert.Equal([first], (await subscriber.TakeAsync(1)).Select(e => e.EventId));
        try
        {
            // The membership change: a silo dies and the cluster declares it dead.
            await using var membership = await StoredMembershipTable.OpenAsync(cluster.Store.ConnectionString, NotifyCluster.ServiceId, cluster.ClusterId);
            var leaving = await membership.FindAsync(NotifyCluster.SiloNames[Leaving], SiloStatus.Active);
            await cluster.Silos[Leaving].KillAsync();
            await Eventually.TrueAsync(async () => await membership.StatusOfAsync(leaving.SiloAddress) == SiloStatus.Dead, "the cluster declares the killed silo dead");

            var second = await AppendAsAnotherActivationAsync(topic, "second");
            var stored = Stopwatch.StartNew();

            Assert.Equal([second], (await subscriber.TakeAsync(1, ReachesSubscribersWithin)).Select(e => e.EventId));
            output.WriteLine($"the event reached the subscriber {stored.Elapsed.TotalSeconds:F1} s after it was stored");
            var third = await owner.PublishUntilAcknowledgedAsync(topic, "third", $"{topic}-third", TimeSpan.FromSeconds(30));
            Assert.Equal([third], (await subscriber.TakeAsync(1)).Select(e => e.EventId));
        }
        finally
        {
            await cluster.RestoreSiloAsync(Leaving);
        }
    }

    /// <summary>Opens the topic's log in the cluster's store, as a new activation does (taking the lease), and appends one event: its id.</summary>
    private async Task<string> AppendAsAnotherActivationAsync(string topic, string data)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(cluster.Store.ConnectionString);
        var log = new RedisTopicLog(redis, Options.Create(new TopicOptions()));
        var opened = await log.OpenAsync(topic, DateTimeOffset.UtcNow);
        var appended = await log.AppendAsync(opened.Lease, [new TopicLogEntry(null, Encoding.UTF8.GetBytes(data), null)], DateTimeOffset.UtcNow);
        return Assert.Single(appended).Position.ToString();
    }
}
