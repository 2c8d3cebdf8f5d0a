using System.Net;
using System.Net.Http.Json;
using Notify.Api.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Topics;

/// <summary><c>GET /topics/{topic}/subscribers</c> on one silo: right within a report interval after connects and disconnects.</summary>
public sealed class SubscriberCountTests(SubscriberCountTests.App app) : IClassFixture<SubscriberCountTests.App>, IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    public sealed class App() : NotifyApp(new Dictionary<string, string?> { ["Notify:Subscribers:ReportInterval"] = "00:00:00.200" });

    [Fact]
    public async Task TheCount_FollowsConnectsAndDisconnects()
    {
        var topic = Publisher.NewTopic("counted");
        Assert.Equal((0, 0), await CountAsync(topic));

        var subscribers = new List<SseTestClient>();
        for (var i = 0; i < 3; i++)
        {
            subscribers.Add(await SseTestClient.ConnectAsync(_http, topic));
        }

        await Eventually.TrueAsync(async () => await CountAsync(topic) == (3, 1), "three subscribers on the one silo");
        await subscribers[0].DisposeAsync();
        await Eventually.TrueAsync(async () => await CountAsync(topic) == (2, 1), "two after one leaves");
        await subscribers[1].DisposeAsync();
        await subscribers[2].DisposeAsync();
        await Eventually.TrueAsync(async () => await CountAsync(topic) == (0, 0), "none once all left, and no silo listed");
    }

    [Fact]
    public async Task AStreamOfSeveralTopics_CountsOnEachOfItsTopics()
    {
        var (first, second) = (Publisher.NewTopic("counted-set"), Publisher.NewTopic("counted-set"));
        await using (var stream = await SseTestClient.ConnectAsync(_http, "", query: $"?topic={first}&topic={second}"))
        {
            await Eventually.TrueAsync(async () => await CountAsync(first) == (1, 1) && await CountAsync(second) == (1, 1), "one subscriber on each topic");
        }

        await Eventually.TrueAsync(async () => await CountAsync(first) == (0, 0) && await CountAsync(second) == (0, 0), "none on either once it closed");
    }

    [Fact]
    public async Task TheSilosTopics_FollowFanOutsStartingAndStopping()
    {
        // GET /silo lists the registry's snapshot of running fan-outs, the one its clocks (head checks, heartbeats) walk:
        // a fan-out that starts or stops after the snapshot was taken must show in the next one.
        var (first, second) = (Publisher.NewTopic("listed"), Publisher.NewTopic("listed"));
        var firstSubscriber = await SseTestClient.ConnectAsync(_http, first);
        await Eventually.TrueAsync(async () => (await TopicsAsync()).GetValueOrDefault(first) == 1, "the first topic listed once subscribed");

        await using (var secondSubscriber = await SseTestClient.ConnectAsync(_http, second))
        {
            await Eventually.TrueAsync(
                async () => await TopicsAsync() is var topics && topics.GetValueOrDefault(first) == 1 && topics.GetValueOrDefault(second) == 1,
                "both topics listed");
            await firstSubscriber.DisposeAsync();
            await Eventually.TrueAsync(
                async () => await TopicsAsync() is var topics && !topics.ContainsKey(first) && topics.GetValueOrDefault(second) == 1,
                "only the second once the first topic's subscriber left");
        }

        await Eventually.TrueAsync(async () => !(await TopicsAsync()).ContainsKey(second), "neither once both left");
    }

    [Fact]
    public async Task ABadTopicId_Is400()
    {
        using var response = await _http.GetAsync("topics/a%20b/subscribers");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private async Task<Dictionary<string, int>> TopicsAsync() => (await _http.GetFromJsonAsync<SiloReport>("silo"))!.Topics;

    private async Task<(int Total, int Silos)> CountAsync(string topic)
    {
        var counts = await _http.GetFromJsonAsync<TopicSubscribers>($"topics/{topic}/subscribers");
        Assert.Equal(topic, counts!.Topic);
        Assert.Equal(counts.Subscribers, counts.Silos.Sum(s => s.Connections));
        return (counts.Subscribers, counts.Silos.Count);
    }
}
