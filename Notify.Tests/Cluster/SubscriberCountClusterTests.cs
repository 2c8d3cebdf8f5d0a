using System.Diagnostics;
using System.Net.Http.Json;
using Notify.Api.Topics;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.Cluster;

/// <summary>
/// Subscriber counts across three silo processes: any silo answers for the whole cluster and per silo, matching what
/// each silo holds, and a killed silo's connections stop counting within seconds.
/// </summary>
[Collection(UsesNotifyCluster.Name)]
public sealed class SubscriberCountClusterTests(NotifyCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task EverySiloAnswersForTheCluster_AndAKilledSilosConnectionsStopCounting()
    {
        var topic = Publisher.NewTopic("presence");
        using var gateway = cluster.CreateGatewayClient();
        var subscribers = new List<SseTestClient>();
        var victim = -1;
        try
        {
            for (var i = 0; i < 12; i++)
            {
                subscribers.Add(await SseTestClient.ConnectAsync(gateway, topic));
            }

            var held = await cluster.ConnectionsAsync(topic);
            output.WriteLine($"connections per silo: {string.Join(", ", held)}");
            await Eventually.TrueAsync(
                async () => (await CountsOnEverySiloAsync(topic)).All(counts => counts.Subscribers == 12 && counts.Silos.Sum(s => s.Connections) == 12 && counts.Silos.Count == held.Count(c => c > 0)),
                "every silo counts the 12 subscribers, per silo as each holds them");

            victim = Array.FindIndex(held, c => c > 0);
            await cluster.Silos[victim].KillAsync();
            var killed = Stopwatch.StartNew();
            await Eventually.TrueAsync(
                async () => (await CountsOnEverySiloAsync(topic)).All(counts => counts.Subscribers == 12 - held[victim]),
                $"the {held[victim]} connections of the killed silo stop counting", TimeSpan.FromSeconds(30));
            output.WriteLine($"the killed silo's {held[victim]} connections stopped counting after {killed.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                await subscriber.DisposeAsync();
            }

            if (victim >= 0)
            {
                await cluster.RestartSiloAsync(victim);
                await cluster.WaitUntilTheGatewayRoutesToAsync([.. Enumerable.Range(0, NotifyCluster.SiloCount)]);
            }
        }
    }

    /// <summary>What each running silo answers for the topic.</summary>
    private async Task<List<TopicSubscribers>> CountsOnEverySiloAsync(string topic)
    {
        var answers = new List<TopicSubscribers>();
        for (var i = 0; i < NotifyCluster.SiloCount; i++)
        {
            if (!cluster.Silos[i].HasExited)
            {
                using var http = cluster.CreateSiloClient(i);
                answers.Add((await http.GetFromJsonAsync<TopicSubscribers>($"topics/{topic}/subscribers"))!);
            }
        }

        return answers;
    }
}
