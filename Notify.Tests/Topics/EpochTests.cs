using System.Net.ServerSentEvents;
using System.Text.Json;
using Notify.Grains.Storage;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;
using Orleans.Core.Internal;

namespace Notify.Tests.Topics;

/// <summary>When a topic's history is lost (its grain is gone), clients are told, live or resuming.</summary>
[Collection(UsesNotifyApp.Name)]
public sealed class EpochTests(NotifyApp app) : IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    private static void AssertReset(SseItem<string> item, string reason, string lastEventId, string continuesAfter)
    {
        Assert.Equal("notify.reset", item.EventType);
        Assert.Equal(continuesAfter, item.EventId);
        using var json = JsonDocument.Parse(item.Data);
        Assert.Equal(reason, json.RootElement.GetProperty("reason").GetString());
        Assert.Equal(lastEventId, json.RootElement.GetProperty("lastEventId").GetString());
        Assert.Equal(continuesAfter, json.RootElement.GetProperty("continuesAfter").GetString());
    }

    /// <summary>Loses the topic's in-memory history the way a silo restart would, and waits for the new epoch.</summary>
    private async Task<string> LoseHistoryAsync(string topic, string oldEpoch)
    {
        var grain = app.GetService<IClusterClient>().GetGrain<ITopicGrain>(topic);
        ((MemoryTopicLog)app.GetService<ITopicLog>()).Forget(topic);
        await grain.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        string epoch = oldEpoch;
        await Eventually.TrueAsync(async () => (epoch = (await grain.GetHeadAsync()).Epoch) != oldEpoch, "the topic grain has a new epoch");
        return epoch;
    }

    [Fact]
    public async Task LostHistory_LiveAndResumingSubscribers_GetResetEpoch_ThenTheNewHistory()
    {
        var topic = Publisher.NewTopic("epoch");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await _http.PublishAsync(topic, $"old {i}"));
        }

        await using var live = await SseTestClient.ConnectAsync(_http, topic);
        await using var resumed = await SseTestClient.ConnectAsync(_http, topic, lastEventId: ids[0]);
        Assert.Equal(ids.Skip(1), (await resumed.TakeAsync(2)).Select(e => e.EventId));

        var newEpoch = await LoseHistoryAsync(topic, Publisher.EpochOf(ids[0]));
        var first = await _http.PublishAsync(topic, "new history");
        Assert.Equal($"{newEpoch}:1", first);

        foreach (var subscriber in new[] { live, resumed })
        {
            AssertReset(await subscriber.NextAsync(), "epoch", ids[2], $"{newEpoch}:0");
            var next = await subscriber.NextAsync();
            Assert.Equal(first, next.EventId);
            Assert.Equal("new history", next.Data);
        }

        // A client coming back later with an id of the lost history is told the same.
        await using var late = await SseTestClient.ConnectAsync(_http, topic, lastEventId: ids[1]);
        AssertReset(await late.NextAsync(), "epoch", ids[1], $"{newEpoch}:0");
        Assert.Equal(first, (await late.NextAsync()).EventId);
    }
}
