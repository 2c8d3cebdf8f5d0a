using System.Globalization;
using System.Net.Http.Json;
using Notify.Api.Topics;
using Notify.Client;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Client;

/// <summary>
/// <see cref="NotifyClient.SubscribeAsync(IEnumerable{string}, NotifyStart?, CancellationToken)"/> against a real node:
/// every start point, several topics merged, resets surfaced, broken streams resumed exactly.
/// </summary>
[Collection(UsesClientApp.Name)]
public sealed class SubscribeTests(ClientApp app) : IAsyncLifetime
{
    private readonly ClientHost _host = new(app.BaseAddress);

    private NotifyClient Client => _host.Client;

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private async Task<List<string>> PublishAsync(string topic, int count, string prefix = "event")
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            ids.Add((await Client.PublishAsync(topic, $"{prefix} {i}")).Id);
        }

        return ids;
    }

    [Fact]
    public async Task Live_YieldsEachEventPublishedAfterwards_WithItsTopicIdTypeAndData()
    {
        var topic = Publisher.NewTopic("client-live");
        await PublishAsync(topic, 1, "before the subscription");
        await using var subscriber = Subscriber.Start(Client, [topic]);
        await _host.Log.WaitForOpenedStreamsAsync(1);

        (string Data, string? Type)[] sent = [("plain", null), ("""{"id":42}""", "order.created"), ("two\nlines", "note"), ("héllo ✓", null)];
        var published = new List<NotifyPublished>();
        foreach (var (data, type) in sent)
        {
            published.Add(await Client.PublishAsync(topic, data, type));
        }

        await subscriber.WaitForEventsAsync(topic, sent.Length);
        Assert.Equal(sent.Zip(published, (s, p) => new NotifyEvent(topic, p.Id, s.Type ?? "message", s.Data)), subscriber.Items);
        Assert.All(published, p => Assert.Equal((topic, false), (p.Topic, p.Replayed)));
        Assert.Equal([2L, 3, 4, 5], published.Select(p => Publisher.SequenceOf(p.Id)));

        // Live is turned into the head's position, so a reconnect before the first event would lose nothing.
        var stream = Assert.Single(_host.Log.OpenedStreams);
        Assert.Equal($"{Publisher.EpochOf(published[0].Id)}:1", stream.LastEventId);
    }

    [Fact]
    public async Task After_ResumesEachTopicExactlyAfterItsPersistedId_AndATopicWithoutOneAtTheFallback()
    {
        string[] topics = [Publisher.NewTopic("client-resume-a"), Publisher.NewTopic("client-resume-b"), Publisher.NewTopic("client-resume-c")];
        var ids = new Dictionary<string, List<string>>();
        foreach (var topic in topics)
        {
            ids[topic] = await PublishAsync(topic, 4);
        }

        var persisted = new Dictionary<string, string> { [topics[0]] = ids[topics[0]][1], [topics[1]] = ids[topics[1]][3] };
        await using var subscriber = Subscriber.Start(Client, topics, NotifyStart.After(persisted, otherwise: NotifyStart.Earliest));
        await subscriber.WaitForEventsAsync(topics[0], 2);
        await subscriber.WaitForEventsAsync(topics[2], 4);
        var live = new Dictionary<string, string>();
        foreach (var topic in topics)
        {
            live[topic] = (await Client.PublishAsync(topic, "live")).Id;
        }

        await subscriber.WaitForEventsAsync(topics[1], 1);
        await subscriber.WaitForEventsAsync(topics[2], 5);
        Assert.Equal(ids[topics[0]][2..].Append(live[topics[0]]), subscriber.IdsOf(topics[0]));
        Assert.Equal([live[topics[1]]], subscriber.IdsOf(topics[1]));
        Assert.Equal(ids[topics[2]].Append(live[topics[2]]), subscriber.IdsOf(topics[2]));
        Assert.Empty(subscriber.Items.OfType<NotifyNotice>());

        // Each topic's stream sent its own position.
        var sent = _host.Log.OpenedStreams.ToDictionary(s => s.PathAndQuery.Split('/')[^1], s => s.LastEventId);
        Assert.Equal(new Dictionary<string, string?> { [topics[0]] = persisted[topics[0]], [topics[1]] = persisted[topics[1]], [topics[2]] = "earliest" }, sent);
    }

    [Fact]
    public async Task SeveralTopics_AreMergedIntoOneSequence_EachInOrder_NoneTwice()
    {
        string[] topics = [Publisher.NewTopic("client-merge-a"), Publisher.NewTopic("client-merge-b"), Publisher.NewTopic("client-merge-c")];
        await using var subscriber = Subscriber.Start(Client, topics);
        await _host.Log.WaitForOpenedStreamsAsync(topics.Length);

        var published = topics.ToDictionary(t => t, _ => new List<string>());
        for (var round = 0; round < 10; round++)
        {
            foreach (var topic in topics)
            {
                published[topic].Add((await Client.PublishAsync(topic, $"{topic} {round}")).Id);
            }
        }

        // A last event per topic: once it has arrived, anything delivered twice would have arrived before it.
        foreach (var topic in topics)
        {
            published[topic].Add((await Client.PublishAsync(topic, "last")).Id);
        }

        await subscriber.WaitUntilAsync(_ => topics.All(t => subscriber.IdsOf(t).Count >= 11), "every topic's last event arrived");
        foreach (var topic in topics)
        {
            Assert.Equal(published[topic], subscriber.IdsOf(topic));
        }

        Assert.Equal(33, subscriber.Items.Count);
        Assert.All(subscriber.Events, e => Assert.Equal(e.Data == "last" ? "last" : $"{e.Topic} {Publisher.SequenceOf(e.Id) - 1}", e.Data));
    }

    [Fact]
    public async Task AnIdOfAnotherEpoch_IsSurfacedAsNotifyResetEpoch_ThenTheBufferFollows()
    {
        var topic = Publisher.NewTopic("client-reset");
        var ids = await PublishAsync(topic, 2);
        var epoch = Publisher.EpochOf(ids[0]);

        await using var subscriber = Subscriber.Start(Client, [topic], NotifyStart.After(new Dictionary<string, string> { [topic] = "zzzzzzzzzz:2" }));
        var items = await subscriber.WaitUntilAsync(items => items.Count >= 3, "the reset and both events arrived");

        Assert.Equal(new NotifyReset(topic, NotifyResetReason.Epoch, "zzzzzzzzzz:2", $"{epoch}:0"), items[0]);
        Assert.Equal($"{epoch}:0", items[0].Position);
        Assert.Equal(ids, items.Skip(1).Select(i => Assert.IsType<NotifyEvent>(i).Id));
    }

    [Fact]
    public async Task Latest_YieldsTheNewestEvent_ThenLiveOnes_WithLineBreaksAsAStreamDeliversThem()
    {
        var topic = Publisher.NewTopic("client-latest");
        await PublishAsync(topic, 2);
        var newest = await Client.PublishAsync(topic, "first\r\nsecond\rthird", type: "state");

        await using var subscriber = Subscriber.Start(Client, [topic], NotifyStart.Latest);
        await _host.Log.WaitForOpenedStreamsAsync(1);
        var live = await Client.PublishAsync(topic, "fourth\r\nfifth", type: "state");

        var items = await subscriber.WaitUntilAsync(items => items.Count >= 2, "the newest and the live event arrived");
        Assert.Equal([new NotifyEvent(topic, newest.Id, "state", "first\nsecond\nthird"), new NotifyEvent(topic, live.Id, "state", "fourth\nfifth")], items);
    }

    [Fact]
    public async Task Since_YieldsTheEventsPublishedFromThatInstant()
    {
        var topic = Publisher.NewTopic("client-since");
        await PublishAsync(topic, 3);
        using var http = app.CreateHttpClient();
        var buffered = (await http.GetFromJsonAsync<BufferedEventsPage>($"topics/{topic}/events"))!.Events;

        await using var subscriber = Subscriber.Start(Client, [topic], NotifyStart.Since(buffered[1].PublishedAt));
        var expected = buffered.Where(e => e.PublishedAt >= buffered[1].PublishedAt).Select(e => e.Id).ToList();
        Assert.Equal(expected, await subscriber.WaitForEventsAsync(topic, expected.Count));
        var sent = Uri.UnescapeDataString(_host.Log.OpenedStreams[0].PathAndQuery);
        Assert.EndsWith("?since=" + buffered[1].PublishedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture), sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABrokenStream_IsResumedAfterTheRetryInterval_WithItsLastId_EveryEventOnce()
    {
        var topic = Publisher.NewTopic("client-cut");
        await using var subscriber = Subscriber.Start(Client, [topic]);
        await _host.Log.WaitForOpenedStreamsAsync(1);
        var ids = await PublishAsync(topic, 3, "before");
        await subscriber.WaitForEventsAsync(topic, 3);

        var cutAt = DateTime.UtcNow;
        _host.Log.CutStreams();
        ids.AddRange(await PublishAsync(topic, 3, "while reconnecting"));
        await _host.Log.WaitForOpenedStreamsAsync(2);
        ids.AddRange(await PublishAsync(topic, 2, "after"));

        await subscriber.WaitForEventsAsync(topic, ids.Count);
        Assert.Equal(ids, subscriber.IdsOf(topic));
        Assert.Equal(ids.Count, subscriber.Items.Count);
        var reconnect = _host.Log.OpenedStreams[1];
        Assert.Equal(ids[2], reconnect.LastEventId);
        Assert.True(reconnect.At - cutAt >= ClientApp.RetryInterval, $"reconnected {(reconnect.At - cutAt).TotalMilliseconds} ms after the cut, before the stream's retry: 200");
    }

    [Fact]
    public async Task ALiveStart_BrokenBeforeItsFirstEvent_MissesNothingPublishedWhileItWasAway()
    {
        var topic = Publisher.NewTopic("client-live-gap");
        var before = await PublishAsync(topic, 1, "before the subscription");
        await using var subscriber = Subscriber.Start(Client, [topic]);
        await _host.Log.WaitForOpenedStreamsAsync(1);

        _host.Log.HoldStreams();
        _host.Log.CutStreams();
        await _host.Log.WaitForHeldStreamAsync();
        var whileAway = await PublishAsync(topic, 2, "while away");
        _host.Log.ReleaseStreams();
        await _host.Log.WaitForOpenedStreamsAsync(2);
        var live = await PublishAsync(topic, 1, "live");

        await subscriber.WaitForEventsAsync(topic, 3);
        Assert.Equal(whileAway.Concat(live), subscriber.IdsOf(topic));
        Assert.Equal(3, subscriber.Items.Count);
        Assert.Equal(before[0], _host.Log.OpenedStreams[1].LastEventId);
    }

    [Fact]
    public async Task ASilentStream_IsDroppedAndResumed_WhileHeartbeatsKeepAQuietOneOpen()
    {
        var topic = Publisher.NewTopic("client-idle");
        // The node sends a heartbeat after 0.8 s of silence (NotifyApp.HeartbeatInterval).
        await using var patient = new ClientHost(app.BaseAddress, options => options.StreamIdleTimeout = TimeSpan.FromSeconds(2));
        await using var impatient = new ClientHost(app.BaseAddress, options => options.StreamIdleTimeout = TimeSpan.FromMilliseconds(300));
        await using var quiet = Subscriber.Start(patient.Client, [topic]);
        await using var dropped = Subscriber.Start(impatient.Client, [topic]);

        await impatient.Log.WaitForOpenedStreamsAsync(3);
        var opening = "retry: 200\n\n".Length;
        await Eventually.TrueAsync(() => patient.Log.StreamBytes >= opening + (3 * ":\n\n".Length), "three heartbeats reached the patient client");
        Assert.Single(patient.Log.OpenedStreams);

        var id = (await Client.PublishAsync(topic, "after the silence")).Id;
        Assert.Equal([id], await quiet.WaitForEventsAsync(topic, 1));
        Assert.Equal([id], await dropped.WaitForEventsAsync(topic, 1));
        Assert.All(impatient.Log.OpenedStreams.Skip(1), stream => Assert.Equal(impatient.Log.OpenedStreams[0].LastEventId, stream.LastEventId));
    }

    [Fact]
    public async Task CancellingTheSubscription_EndsTheEnumerationAndClosesItsStreams()
    {
        string[] topics = [Publisher.NewTopic("client-cancel-a"), Publisher.NewTopic("client-cancel-b")];
        var subscriber = Subscriber.Start(Client, topics);
        await _host.Log.WaitForOpenedStreamsAsync(2);
        var open = await ConnectionsAsync(topics);
        Assert.Equal([1, 1], open);

        await subscriber.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscriber.Completion);
        await Eventually.TrueAsync(async () => (await ConnectionsAsync(topics)).Sum() == 0, "the node closed both streams");
    }

    [Fact]
    public void BadTopics_AreRefusedWhenSubscribing_BeforeAnyRequest()
    {
        Assert.Throws<ArgumentException>(() => Client.SubscribeAsync(["a/b"]));
        Assert.Throws<ArgumentException>(() => Client.SubscribeAsync(["ok", "ok"]));
        Assert.Throws<ArgumentException>(() => Client.SubscribeAsync(Array.Empty<string>()));
        Assert.Throws<ArgumentException>(() => Client.SubscribeAsync(".."));
        Assert.Empty(_host.Log.Exchanges);
    }

    private async Task<int[]> ConnectionsAsync(IEnumerable<string> topics)
    {
        using var http = app.CreateHttpClient();
        var report = await http.GetFromJsonAsync<SiloReport>("silo");
        return [.. topics.Select(t => report!.Topics.GetValueOrDefault(t))];
    }
}
