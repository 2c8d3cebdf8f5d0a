using Notify.Tests.Diagnostics;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.Cluster;

/// <summary>
/// Topic affinity across three silo processes and the gateway: a topic's grain starts on the silo that owns the topic
/// by name, and the gateway sends the topic's publishes to that same silo, so no publish is forwarded between silos.
/// </summary>
[Collection(UsesNotifyCluster.Name)]
public sealed class TopicOwnerRoutingTests(NotifyCluster cluster, ITestOutputHelper output)
{
    private const int TopicsPerSilo = 4;
    private const int PublishesPerTopic = 3;

    [Fact]
    public async Task ATopicsGrainStartsOnItsOwner_AndTheGatewayTakesEachOfItsPublishesThere()
    {
        await cluster.WaitUntilTheGatewayRoutesToAllAsync();
        var names = NotifyCluster.SiloNames;
        var owned = OwnedTopics(names);
        var before = await PublishedPerSiloAsync();

        using var gateway = cluster.CreateGatewayClient();
        foreach (var topic in owned.SelectMany(topics => topics))
        {
            for (var i = 0; i < PublishesPerTopic; i++)
            {
                await gateway.PublishAsync(topic, $"event {i}");
            }
        }

        var hosted = await cluster.HostedTopicsAsync(owned.SelectMany(topics => topics));
        for (var silo = 0; silo < names.Count; silo++)
        {
            output.WriteLine($"{names[silo]} owns {string.Join(", ", owned[silo])}; hosts {string.Join(", ", hosted[silo])}");
            Assert.Equal(owned[silo].Order(), hosted[silo].Order());
        }

        // Each silo's publish endpoint took exactly the publishes of the topics it owns.
        var expected = owned.Select(topics => (double)(topics.Count * PublishesPerTopic)).ToArray();
        var taken = Array.Empty<double>();
        await Eventually.TrueAsync(
            async () =>
            {
                var after = await PublishedPerSiloAsync();
                taken = [.. after.Zip(before, (a, b) => a - b)];
                return taken.Sum() >= expected.Sum();
            },
            "every silo's metrics count the run's publishes",
            TestTimeouts.Condition);
        Assert.Equal(expected, taken);
    }

    /// <summary>New topics, <see cref="TopicsPerSilo"/> owned by each silo.</summary>
    private static List<string>[] OwnedTopics(IReadOnlyList<string> names) =>
        [.. names.Select(owner => Enumerable.Range(0, TopicsPerSilo).Select(_ => Publisher.NewTopicOwnedBy("owned", names, owner)).ToList())];

    private async Task<double[]> PublishedPerSiloAsync()
    {
        var published = new double[NotifyCluster.SiloCount];
        for (var i = 0; i < published.Length; i++)
        {
            using var silo = cluster.CreateSiloClient(i);
            published[i] = (await PrometheusText.ScrapeAsync(silo)).Value("notify_events_published_total");
        }

        return published;
    }
}
