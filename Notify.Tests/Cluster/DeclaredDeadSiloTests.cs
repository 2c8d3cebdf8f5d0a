using System.Net;
using System.Net.Http.Json;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.Cluster;

/// <summary>
/// A silo that was paused long enough to be declared dead runs again for a moment before it reads the membership table
/// and stops. Its view of the cluster is stale meanwhile: it still thinks it owns its topics. If it started a topic
/// grain then, that activation would take the topic's lease from the one the cluster started meanwhile and acknowledge
/// publishes behind its back, and the cluster's copy would keep serving a head without them: subscribers elsewhere would
/// never get those events.
/// </summary>
[Collection(UsesNotifyCluster.Name)]
public sealed class DeclaredDeadSiloTests(NotifyCluster cluster, ITestOutputHelper output)
{
    private const int Victim = 2;
    private const int TopicsOfTheVictim = 12;

    /// <summary>Far beyond the silo's 5 s membership refresh and Orleans' 2 s before it stops itself.</summary>
    private static readonly TimeSpan StopsWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ASiloResumedAfterBeingDeclaredDead_AcknowledgesNothingThatTheLiveSilosDoNotDeliver()
    {
        await cluster.WaitUntilTheGatewayRoutesToAllAsync();
        var topics = NewTopicsOfTheVictim("declared-dead");
        var acknowledged = topics.ToDictionary(topic => topic, _ => new List<string>());
        var subscribers = new List<SseTestClient>();
        try
        {
            await cluster.Silos[Victim].SuspendAsync();

            // Once the cluster has declared it dead, a live silo starts each of its topics' grains and takes a publish.
            using var live = cluster.CreateSiloClient(0);
            foreach (var topic in topics)
            {
                acknowledged[topic].Add(await live.PublishUntilAcknowledgedAsync(topic, "before", $"{topic}-before", TimeSpan.FromSeconds(60)));
            }

            using var listening = cluster.CreateSiloClient(1);
            foreach (var topic in topics)
            {
                subscribers.Add(await SseTestClient.ConnectAsync(listening, topic, lastEventId: ResumeKeywords.Earliest));
            }

            // Publishes sent while it is still paused wait in its sockets: it reads them the moment it runs again, with
            // the view of the cluster it had before the pause.
            using var resumed = cluster.CreateSiloClient(Victim);
            resumed.Timeout = TimeSpan.FromSeconds(10);
            var publishing = Task.WhenAll(topics.Select(topic => PublishOnceAsync(resumed, topic)));
            await cluster.Silos[Victim].ResumeAsync();
            var answers = await publishing;
            foreach (var (topic, id) in topics.Zip(answers))
            {
                if (id is not null)
                {
                    acknowledged[topic].Add(id);
                }
            }

            output.WriteLine($"the resumed silo acknowledged {answers.Count(id => id is not null)} of {topics.Count} publishes");
            await Eventually.TrueAsync(() => cluster.Silos[Victim].HasExited, "the resumed silo finds itself declared dead and stops", StopsWithin);

            // Every acknowledged event reaches a subscriber on a live silo, in order, within the failover bound.
            for (var i = 0; i < topics.Count; i++)
            {
                var expected = acknowledged[topics[i]];
                output.WriteLine($"{topics[i]}: expecting {string.Join(", ", expected)}");
                var received = await subscribers[i].TakeAsync(expected.Count, TimeSpan.FromSeconds(10));
                Assert.Equal(expected, received.Select(e => e.EventId));
            }
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                await subscriber.DisposeAsync();
            }

            await cluster.RestoreSiloAsync(Victim); // kills it first, paused or running
        }
    }

    /// <summary>
    /// The same window, without depending on when a resumed silo's threads run: the test writes the silo's row dead, as
    /// the cluster does, and publishes to topics it owns at once, while every silo (the silo itself included) still
    /// holds the view it read before. It starts their grains, as it would with its topics' grains gone elsewhere; each
    /// must refuse, so that the silo acknowledges none of them. It then reads its row and stops.
    /// </summary>
    [Fact]
    public async Task ASiloWhoseRowSaysDead_AcknowledgesNoPublishToATopicItStarts_BeforeItHasReadSo()
    {
        await cluster.WaitUntilTheGatewayRoutesToAllAsync();
        var topics = NewTopicsOfTheVictim("row-says-dead");
        try
        {
            await using var membership = await StoredMembershipTable.OpenAsync(cluster.Store.ConnectionString, NotifyCluster.ServiceId, cluster.ClusterId);
            var victim = await membership.FindAsync(NotifyCluster.SiloNames[Victim], SiloStatus.Active);
            using var http = cluster.CreateSiloClient(Victim);
            http.Timeout = TimeSpan.FromSeconds(10);

            await membership.SetStatusAsync(victim.SiloAddress, SiloStatus.Dead);
            var answers = await Task.WhenAll(topics.Select(topic => PublishOnceAsync(http, topic)));

            Assert.All(answers, Assert.Null);
            await Eventually.TrueAsync(() => cluster.Silos[Victim].HasExited, "the silo reads its row and stops", StopsWithin);
        }
        finally
        {
            await cluster.RestoreSiloAsync(Victim); // kills it first, paused or running
        }
    }

    /// <summary>One attempt: the event's id when it is acknowledged; null for "retry" (503, 502) or no answer.</summary>
    private async Task<string?> PublishOnceAsync(HttpClient http, string topic)
    {
        try
        {
            using var response = await http.PublishRawAsync(topic, "after", idempotencyKey: $"{topic}-after");
            output.WriteLine($"{topic}: {(int)response.StatusCode}");
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return (await response.Content.ReadFromJsonAsync<Publisher.Published>())!.Id;
            }

            Assert.True(
                response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway,
                $"unexpected {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return null;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            output.WriteLine($"{topic}: {exception.GetType().Name}");
            return null;
        }
    }

    /// <summary>New topics whose grains start on the victim while it is a member.</summary>
    private static List<string> NewTopicsOfTheVictim(string prefix) =>
        [.. Enumerable.Range(0, TopicsOfTheVictim).Select(_ => Publisher.NewTopicOwnedBy(prefix, NotifyCluster.SiloNames, NotifyCluster.SiloNames[Victim]))];
}
