using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Notify.Api.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Topics;

/// <summary>
/// Start points besides a last event id: <c>latest</c> (the newest buffered event, then live) and <c>?since=</c> (the
/// buffered events published at or after an instant, then live), exact at their boundaries; <c>notify.reset</c>
/// (<c>expired</c>) when events since that instant have left the buffer.
/// </summary>
public sealed class StartPointTests(StartPointTests.App app) : IClassFixture<StartPointTests.App>, IDisposable
{
    private const int BufferMaxEvents = 16;
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    public sealed class App() : NotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Topics:BufferMaxEvents"] = BufferMaxEvents.ToString(CultureInfo.InvariantCulture),
    });

    [Fact]
    public async Task Latest_StartsWithTheNewestBufferedEvent_ThenLive_AndOnAnEmptyTopicWithLiveEvents()
    {
        var topic = Publisher.NewTopic("latest");
        await using (var onEmpty = await SseTestClient.ConnectAsync(_http, topic, lastEventId: "latest"))
        {
            var first = await _http.PublishAsync(topic, "first");
            Assert.Equal(first, (await onEmpty.NextAsync()).EventId);
        }

        var ids = new List<string> { await _http.PublishAsync(topic, "second"), await _http.PublishAsync(topic, "third") };
        await using var stream = await SseTestClient.ConnectAsync(_http, topic, query: "?last_event_id=latest");
        var newest = await stream.NextAsync();
        Assert.Equal((ids[^1], "third"), (newest.EventId, newest.Data));
        var live = await _http.PublishAsync(topic, "live");
        Assert.Equal(live, (await stream.NextAsync()).EventId);
    }

    [Fact]
    public async Task Since_GivesTheEventsPublishedAtOrAfterTheInstant_ExactAtTheBoundary()
    {
        var topic = Publisher.NewTopic("since");
        for (var i = 0; i < 3; i++)
        {
            await _http.PublishAsync(topic, $"event {i}");
        }

        var initial = await _http.BufferedEventsAsync(topic);
        foreach (var boundary in initial.Select(e => e.PublishedAt).SelectMany(at => new[] { at.AddTicks(-1), at, at.AddTicks(1) }))
        {
            // Every buffered event published at or after the boundary (earlier rounds' live events too), then the live
            // one published now: right after them, so nothing else came in between.
            var expected = (await _http.BufferedEventsAsync(topic)).Where(e => e.PublishedAt >= boundary).Select(e => e.Id).ToList();
            await using var stream = await SseTestClient.ConnectAsync(_http, topic, query: "?since=" + Uri.EscapeDataString(boundary.ToString("O", CultureInfo.InvariantCulture)));
            var live = await _http.PublishAsync(topic, "live");
            Assert.Equal(expected.Append(live), (await stream.TakeAsync(expected.Count + 1)).Select(e => e.EventId));
        }
    }

    [Fact]
    public async Task Since_OlderThanTheBuffer_IsResetExpired_ThenTheBufferedEvents_WhileAnInstantStillCoveredIsExact()
    {
        var topic = Publisher.NewTopic("since-old");
        var first = await _http.PublishAsync(topic, "will leave the buffer");
        var firstAt = (await _http.BufferedEventsAsync(topic)).Single().PublishedAt;
        for (var i = 0; i < BufferMaxEvents; i++)
        {
            await _http.PublishAsync(topic, $"kept {i}");
        }

        var buffered = await _http.BufferedEventsAsync(topic);
        Assert.DoesNotContain(buffered, e => e.Id == first);
        var asked = firstAt.ToString("O", CultureInfo.InvariantCulture);
        await using (var stream = await SseTestClient.ConnectAsync(_http, topic, query: "?since=" + Uri.EscapeDataString(asked)))
        {
            var reset = await stream.NextAsync();
            Assert.Equal("notify.reset", reset.EventType);
            using var data = JsonDocument.Parse(reset.Data);
            Assert.Equal("expired", data.RootElement.GetProperty("reason").GetString());
            Assert.Equal(asked, data.RootElement.GetProperty("lastEventId").GetString());
            Assert.Equal(buffered.Select(e => e.Id), (await stream.TakeAsync(buffered.Count)).Select(e => e.EventId));
        }

        // After the newest event that left: nothing was lost, so no reset.
        var since = buffered[1].PublishedAt > firstAt ? buffered[1].PublishedAt : firstAt.AddTicks(1);
        var expected = buffered.Where(e => e.PublishedAt >= since).Select(e => e.Id).ToList();
        await using var exact = await SseTestClient.ConnectAsync(_http, topic, query: "?since=" + Uri.EscapeDataString(since.ToString("O", CultureInfo.InvariantCulture)));
        var live = await _http.PublishAsync(topic, "live");
        Assert.Equal(expected.Append(live), (await exact.TakeAsync(expected.Count + 1)).Select(e => e.EventId));
    }

    [Fact]
    public async Task Latest_OnAStreamOfSeveralTopics_StartsEachTopicAtItsNewestEvent_ThenLive()
    {
        var (busy, empty) = (Publisher.NewTopic("latest-set"), Publisher.NewTopic("latest-set-empty"));
        await _http.PublishAsync(busy, "older");
        var newest = await _http.PublishAsync(busy, "newest");

        await using var stream = await SseTestClient.ConnectAsync(_http, "", lastEventId: "latest", query: $"?topic={busy}&topic={empty}");
        var first = await stream.NextAsync();
        Assert.Equal((busy, "newest"), (first.EventType, first.Data));
        await _http.PublishAsync(empty, "first of its topic");
        await _http.PublishAsync(busy, "live");
        var live = await stream.TakeAsync(2);
        // Across topics the stream keeps no order (README): each topic's own event, in whichever order they came.
        Assert.Equal(new[] { (empty, "first of its topic"), (busy, "live") }.Order(), live.Select(e => (e.EventType!, e.Data)).Order());
        Assert.NotEqual(newest, first.EventId); // the stream's own id, which resumes both topics
    }

    [Fact]
    public async Task Since_OnAStreamOfSeveralTopics_IsExactPerTopic_AndResetsOnlyTheTopicThatLostEventsSince()
    {
        var (kept, overflowed) = (Publisher.NewTopic("since-set"), Publisher.NewTopic("since-set-overflowed"));
        await _http.PublishAsync(kept, "before");
        var beforeAt = (await _http.BufferedEventsAsync(kept)).Single().PublishedAt;
        var since = beforeAt.AddMilliseconds(1); // event times are kept to the millisecond
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > since.AddMilliseconds(1), "the clock passed the instant");
        await _http.PublishAsync(kept, "after 1");
        await _http.PublishAsync(kept, "after 2");
        for (var i = 0; i < BufferMaxEvents + 4; i++)
        {
            await _http.PublishAsync(overflowed, $"o{i}"); // the first 4 leave the buffer, though published after the instant
        }

        var asked = since.ToString("O", CultureInfo.InvariantCulture);
        await using var stream = await SseTestClient.ConnectAsync(_http, "", query: $"?topic={kept}&topic={overflowed}&since={Uri.EscapeDataString(asked)}");
        var frames = await stream.TakeAsync(2 + 1 + BufferMaxEvents);
        Assert.Equal(["after 1", "after 2"], frames.Where(e => e.EventType == kept).Select(e => e.Data).ToList());
        var resetAt = Assert.Single(Enumerable.Range(0, frames.Count), i => frames[i].EventType == "notify.reset");
        var reset = frames[resetAt];
        using (var data = JsonDocument.Parse(reset.Data))
        {
            Assert.Equal((overflowed, "expired", asked), (data.RootElement.GetProperty("topic").GetString(), data.RootElement.GetProperty("reason").GetString(), data.RootElement.GetProperty("lastEventId").GetString()));
        }

        var overflowedEvents = frames.Skip(resetAt + 1).Where(e => e.EventType == overflowed).Select(e => e.Data);
        Assert.Equal(Enumerable.Range(4, BufferMaxEvents).Select(i => $"o{i}"), overflowedEvents);
    }

    [Fact]
    public async Task AReconnectsLastEventId_WinsOverTheUrlsSince()
    {
        var topic = Publisher.NewTopic("since-reconnect");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add(await _http.PublishAsync(topic, $"event {i}"));
        }

        var since = Uri.EscapeDataString(DateTimeOffset.UnixEpoch.ToString("O", CultureInfo.InvariantCulture));
        await using var stream = await SseTestClient.ConnectAsync(_http, topic, lastEventId: ids[1], query: $"?since={since}");
        Assert.Equal(ids[2], (await stream.NextAsync()).EventId);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-45T99:00:00Z")]
    [InlineData("")]
    public async Task ASinceThatIsNotAnInstant_Is400(string since)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"topics/{Publisher.NewTopic("bad-since")}?since={Uri.EscapeDataString(since)}x");
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
