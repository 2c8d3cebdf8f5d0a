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
    /// <summary>How soon a killed silo's connections must stop counting: membership declares it dead after two missed 2 s probes.</summary>
    private static readonly TimeSpan DeadSiloBound = TimeSpan.FromSeconds(12);

    [Fact]
    public async Task EverySiloAnswersForTheCluster_PerSiloAsEachHoldsThem_AfterConnectsDisconnectsAndACrash()
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
            await WaitForCountsAsync(topic, held, "every silo counts the 12 subscribers, per silo as each holds them");

            for (var i = 0; i < 4; i++)
            {
                await subscribers[0].DisposeAsync();
                subscribers.RemoveAt(0);
            }

            // The silos learn of the leaving through the gateway, which ends each one's upstream stream.
            await Eventually.TrueAsync(async () => (held = await cluster.ConnectionsAsync(topic)).Sum() == 8, "the silos hold the 8 left");
            await WaitForCountsAsync(topic, held, "every silo counts the 8 left after 4 disconnected");

            victim = Array.FindIndex(held, c => c > 0);
            await cluster.Silos[victim].KillAsync();
            var killed = Stopwatch.StartNew();
            held[victim] = 0;
            await WaitForCountsAsync(topic, held, $"the killed silo's connections stop counting within {DeadSiloBound.TotalSeconds} s", DeadSiloBound);
            output.WriteLine($"the killed silo's connections stopped counting after {killed.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                await subscriber.DisposeAsync();
            }

            if (victim >= 0)
            {
                await cluster.RestoreSiloAsync(victim);
            }
        }
    }

    /// <summary>Waits until every running silo answers <paramref name="held"/>: the total, and per silo (by index) what each holds.</summary>
    private async Task WaitForCountsAsync(string topic, int[] held, string because, TimeSpan? timeout = null)
    {
        List<TopicSubscribers> answers = [];
        try
        {
            await Eventually.TrueAsync(
                async () => (answers = await CountsOnEverySiloAsync(topic)).All(counts =>
                    counts.Subscribers == held.Sum()
                    && counts.Silos.All(s => cluster.SiloIndexOf(s.Silo) is var index && index >= 0 && held[index] == s.Connections)
                    && counts.Silos.Count == held.Count(c => c > 0)),
                because,
                timeout);
        }
        finally
        {
            output.WriteLine($"expected {string.Join(", ", held)}; answered: {string.Join(" | ", answers.Select(a => $"{a.Subscribers} = {string.Join(", ", a.Silos.Select(s => $"{s.Silo}/{s.Name}: {s.Connections}"))}"))}");
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
