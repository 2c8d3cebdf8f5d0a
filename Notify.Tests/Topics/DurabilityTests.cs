using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;
using Orleans.Core.Internal;

namespace Notify.Tests.Topics;

/// <summary>Topics kept in a real Garnet store: they survive their grain, and a store outage loses nothing acknowledged.</summary>
public sealed class DurabilityTests(DurableNotifyApp app) : IClassFixture<DurableNotifyApp>, IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    private async Task DeactivateAsync(string topic)
    {
        var grain = app.GetService<IClusterClient>().GetGrain<ITopicGrain>(topic);
        var head = await grain.GetHeadAsync();
        var management = app.GetService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        async Task<bool> IsActiveAsync() => (await management.GetActiveGrains(GrainType.Create("topic"))).Any(id => id.Key.ToString() == topic);
        Assert.True(await IsActiveAsync());

        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();

        // A new activation loads the same head from the store; wait until the old one is gone.
        await Eventually.TrueAsync(async () => !await IsActiveAsync(), "the topic grain is deactivated");
        Assert.Equal(head, await grain.GetHeadAsync());
    }

    [Fact]
    public async Task ANewActivation_ContinuesTheSameEpochAndPositions_AndResumesExactly()
    {
        var topic = Publisher.NewTopic("durable");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await _http.PublishAsync(topic, $"before {i}"));
        }

        await DeactivateAsync(topic);
        ids.Add(await _http.PublishAsync(topic, "after"));

        Assert.Single(ids.Select(Publisher.EpochOf).Distinct());
        Assert.Equal([1L, 2, 3, 4], ids.Select(Publisher.SequenceOf));
        await using var resumed = await SseTestClient.ConnectAsync(_http, topic, lastEventId: ids[0]);
        Assert.Equal(ids.Skip(1), (await resumed.TakeAsync(3)).Select(e => e.EventId));
    }

    [Fact]
    public async Task EventTimes_SurviveAReload_SoASinceAtAnEventsTime_StillStartsWithIt()
    {
        var topic = Publisher.NewTopic("durable-since");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await _http.PublishAsync(topic, $"event {i}"));
        }

        var before = await _http.BufferedEventsAsync(topic);
        await DeactivateAsync(topic);
        var after = await _http.BufferedEventsAsync(topic);

        Assert.Equal(before.Select(e => (e.Id, e.PublishedAt)), after.Select(e => (e.Id, e.PublishedAt)));
        foreach (var (buffered, index) in after.Select((e, i) => (e, i)))
        {
            // Exact at the boundary on the reloaded topic: the event published at that instant comes first.
            var since = Uri.EscapeDataString(buffered.PublishedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            await using var stream = await SseTestClient.ConnectAsync(_http, topic, query: "?since=" + since);
            var live = await _http.PublishAsync(topic, $"live {index}");
            var expected = (await _http.BufferedEventsAsync(topic)).Where(e => e.PublishedAt >= buffered.PublishedAt).Select(e => e.Id).ToList();
            Assert.Equal(buffered.Id, expected[0]);
            Assert.Equal(expected, (await stream.TakeAsync(expected.Count)).Select(e => e.EventId));
            Assert.Equal(live, expected[^1]);
        }
    }

    [Fact]
    public async Task ARetriedPublish_AfterTheGrainMoved_IsStoredOnce()
    {
        var topic = Publisher.NewTopic("durable-idem");
        var first = await _http.PublishAsync(topic, "charge", idempotencyKey: "order-1");

        await DeactivateAsync(topic);
        using var retry = await _http.PublishRawAsync(topic, "charge", idempotencyKey: "order-1");

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        Assert.Contains(first, await retry.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var next = await _http.PublishAsync(topic, "next");
        Assert.Equal(Publisher.SequenceOf(first) + 1, Publisher.SequenceOf(next));
    }

    [Fact]
    public async Task StoreDown_PublishesGet503WithRetryAfterQuickly_SubscribersStay_AndNothingAcknowledgedIsLost()
    {
        var topic = Publisher.NewTopic("outage");
        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic);
        var acknowledged = new List<string> { await _http.PublishAsync(topic, "before 1"), await _http.PublishAsync(topic, "before 2") };
        Assert.Equal(acknowledged, (await subscriber.TakeAsync(2)).Select(e => e.EventId));

        app.ExpectWarnings(ExpectedWarnings.StoreOutage);
        await app.Store.KillAsync();
        var watch = Stopwatch.StartNew();
        using (var refused = await _http.PublishRawAsync(topic, "during"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(refused.Headers.RetryAfter);
        }

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the 503 took {watch.Elapsed}");
        Assert.False(subscriber.Completion.IsCompleted, "the subscriber was disconnected");

        await app.Store.StartAsync();
        var after = await PublishOnceTheStoreAnswersAsync(topic, "after");
        acknowledged.Add(after);

        // The same connection gets the new event; a client resuming from the start gets all acknowledged ones.
        Assert.Equal(after, (await subscriber.NextAsync()).EventId);
        await using var resumed = await SseTestClient.ConnectAsync(_http, topic, lastEventId: "earliest");
        Assert.Equal(acknowledged, (await resumed.TakeAsync(3)).Select(e => e.EventId));
    }

    [Fact]
    public async Task AnEmptiedStore_StartsANewEpoch_AndResumingClientsAreToldWithResetEpoch()
    {
        var topic = Publisher.NewTopic("wiped");
        var old = await _http.PublishAsync(topic, "old history");
        await using var live = await SseTestClient.ConnectAsync(_http, topic);

        app.ExpectWarnings(ExpectedWarnings.StoreOutage);
        await app.Store.WipeAsync();
        await app.Store.StartAsync();
        var first = await PublishOnceTheStoreAnswersAsync(topic, "new history");

        Assert.NotEqual(Publisher.EpochOf(old), Publisher.EpochOf(first));
        Assert.Equal(1, Publisher.SequenceOf(first));
        AssertResetEpoch(await live.NextAsync(), old);
        Assert.Equal(first, (await live.NextAsync()).EventId);

        await using var resumed = await SseTestClient.ConnectAsync(_http, topic, lastEventId: old);
        AssertResetEpoch(await resumed.NextAsync(), old);
        Assert.Equal(first, (await resumed.NextAsync()).EventId);
    }

    /// <summary>Publishes until the silo's store client has reconnected: 503 until then, then 201; stored once whatever the 503s did.</summary>
    private async Task<string> PublishOnceTheStoreAnswersAsync(string topic, string data)
    {
        string? id = null;
        var key = Guid.NewGuid().ToString("N"); // a 503 may have stored it: the retries must not store it again
        await Eventually.TrueAsync(async () =>
        {
            using var response = await _http.PublishRawAsync(topic, data, idempotencyKey: key);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                return false;
            }

            id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
            return true;
        }, "publishing works once the store answers");
        return id!;
    }

    private static void AssertResetEpoch(SseItem<string> item, string lastEventId)
    {
        Assert.Equal("notify.reset", item.EventType);
        using var json = JsonDocument.Parse(item.Data);
        Assert.Equal("epoch", json.RootElement.GetProperty("reason").GetString());
        Assert.Equal(lastEventId, json.RootElement.GetProperty("lastEventId").GetString());
    }
}
