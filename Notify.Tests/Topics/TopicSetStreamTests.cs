using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Notify.Api.Subscriptions;
using Notify.Grains.Events;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Topics;

/// <summary>
/// One stream for several topics (<c>GET /topics?topic=a&amp;topic=b</c>): each event names its topic in <c>event:</c>,
/// and one <c>Last-Event-ID</c> resumes every topic exactly, even while all of them are published to.
/// </summary>
public sealed class TopicSetStreamTests(NotifyApp app) : IClassFixture<NotifyApp>, IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task EachEvent_NamesItsTopic_AndItsTypeAfterAColon_WithTheDataAsPublished()
    {
        var topics = NewTopics("named", 3);
        await using var stream = await ConnectAsync(topics);
        var first = await _http.PublishAsync(topics[0], "line 1\nline 2");
        var second = await _http.PublishAsync(topics[2], "{\"price\":3}", type: "tick");

        // Across topics, events come in the order their topics deliver them: matched by name here.
        var events = (await stream.TakeAsync(2)).OrderBy(e => e.EventType, StringComparer.Ordinal).ToList();
        Assert.Equal((topics[0], "line 1\nline 2"), (events[0].EventType, events[0].Data));
        Assert.Equal(($"{topics[2]}:tick", "{\"price\":3}"), (events[1].EventType, events[1].Data));
        Assert.All(events, e => Assert.StartsWith("m", e.EventId, StringComparison.Ordinal)); // the stream's id, not the topic's
        Assert.DoesNotContain(events, e => e.EventId == first || e.EventId == second);
    }

    [Fact]
    public async Task OneLastEventId_ResumesEveryTopicExactly_WhileAllAreBeingPublishedTo()
    {
        var topics = NewTopics("resume", 4);
        var acknowledged = topics.ToDictionary(t => t, _ => new List<string>());
        var received = topics.ToDictionary(t => t, _ => new List<string>());
        using var stop = new CancellationTokenSource();
        var publishing = topics.Select(topic => Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++)
            {
                var id = await _http.PublishAsync(topic, $"{topic}/{i}");
                lock (acknowledged)
                {
                    acknowledged[topic].Add($"{topic}/{i}");
                }
            }
        })).ToList();

        string? lastId = null;
        for (var round = 0; !publishing.All(p => p.IsCompleted) || Count(received) < Count(acknowledged); round++)
        {
            Assert.True(round < 200, "the stream never caught up");
            await using var stream = await ConnectAsync(topics, lastId ?? "earliest");
            // A few events, then a disconnect; once the publishers are done, no more than are still owed.
            var take = publishing.All(p => p.IsCompleted) ? Math.Min(1 + (round % 7), Count(acknowledged) - Count(received)) : 1 + (round % 7);
            List<SseItem<string>> items;
            try
            {
                items = await stream.TakeAsync(take, TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
                items = []; // fewer came than asked for: what was read is read again from the same id
            }

            foreach (var item in items)
            {
                var topic = item.EventType;
                Assert.Contains(topic, topics); // no reset, no other kind of event
                received[topic].Add(item.Data);
                lastId = item.EventId;
            }

            if (publishing.FirstOrDefault(p => p.IsFaulted) is { } failed)
            {
                await failed; // surfaces a failed publisher
            }
        }

        await Task.WhenAll(publishing);
        foreach (var topic in topics)
        {
            Assert.Equal(acknowledged[topic], received[topic]); // every event once, in order
        }
    }

    [Fact]
    public async Task ATopicThatCannotBeResumed_IsResetAlone_AndTheOthersResume()
    {
        var topics = NewTopics("reset-one", 3);
        var published = new List<string>();
        foreach (var topic in topics)
        {
            published.Add(await _http.PublishAsync(topic, $"{topic} first"));
        }

        // An id of this stream in which the second topic's epoch is not its own (its store was wiped, say).
        var positions = published.Select(id => EventPosition.TryParse(id, out var p) ? p.Value : default).ToArray();
        positions[1] = positions[1] with { Epoch = "zzzzzzzzzz" };
        var lastId = new MultiTopicPositions(topics).Encode(positions);
        var later = new List<string>();
        foreach (var topic in topics)
        {
            await _http.PublishAsync(topic, $"{topic} later");
        }

        await using var stream = await ConnectAsync(topics, lastId);
        var items = await stream.TakeAsync(5);
        var reset = Assert.Single(items, e => e.EventType == "notify.reset");
        using (var data = JsonDocument.Parse(reset.Data))
        {
            Assert.Equal(topics[1], data.RootElement.GetProperty("topic").GetString());
            Assert.Equal("epoch", data.RootElement.GetProperty("reason").GetString());
            Assert.Equal(lastId, data.RootElement.GetProperty("lastEventId").GetString());
            Assert.Equal(reset.EventId, data.RootElement.GetProperty("continuesAfter").GetString());
        }

        // The reset topic starts over from its oldest event; the others give only what came after the id.
        var events = items.Where(e => e.EventType != "notify.reset").Select(e => (e.EventType, e.Data)).OrderBy(e => e.EventType).ThenBy(e => e.Data).ToList();
        Assert.Equal(
            new[] { (topics[0], $"{topics[0]} later"), (topics[1], $"{topics[1]} first"), (topics[1], $"{topics[1]} later"), (topics[2], $"{topics[2]} later") }.OrderBy(e => e.Item1).ThenBy(e => e.Item2),
            events);
    }

    [Fact]
    public async Task AnIdOfAnotherTopicSet_ResetsEveryTopicAsMalformed()
    {
        var topics = NewTopics("other-set", 2);
        var foreignId = new MultiTopicPositions([.. topics.Append("another")]).Encode([new("e", 1), new("e", 1), new("e", 1)]);
        await using var stream = await ConnectAsync(topics, foreignId);
        var resets = await stream.TakeAsync(2);
        Assert.All(resets, reset => Assert.Equal("notify.reset", reset.EventType));
        Assert.Equal(topics.Order(), resets.Select(r => JsonDocument.Parse(r.Data).RootElement.GetProperty("topic").GetString()!).Order());
        Assert.All(resets, r => Assert.Equal("malformed", JsonDocument.Parse(r.Data).RootElement.GetProperty("reason").GetString()));
    }

    [Fact]
    public void TheIdStaysWithinItsDocumentedLength_For32Topics_AtTheLargestSequences()
    {
        var topics = NewTopics("length", 32);
        var id = new MultiTopicPositions(topics).Encode([.. topics.Select(_ => new EventPosition("k3v9q0x2ab", long.MaxValue))]);
        Assert.True(id.Length <= 605, $"{id.Length} characters");
        var typical = new MultiTopicPositions(topics[..8]).Encode([.. topics[..8].Select(_ => new EventPosition("k3v9q0x2ab", 1_000))]);
        Assert.True(typical.Length <= 8 * 8 + 8, $"{typical.Length} characters for 8 topics");
    }

    [Theory]
    [InlineData("")]
    [InlineData("?topic=a&topic=a")]
    [InlineData("?topic=a&topic=b%20c")]
    [InlineData("?topic=a&topic=notify.reset")] // its events would read as the server's reset of another topic
    [InlineData("?topic=Notify.Expired")]
    [InlineData("?topic=a&topic=error")] // EventSource's own events
    [InlineData("?topic=open&topic=b")]
    [InlineData("?topic=message")]
    public async Task BadTopicLists_Are400(string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "topics" + query);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task MoreTopicsThanTheLimit_Is400()
    {
        var query = "?" + string.Join('&', NewTopics("many", 33).Select(t => "topic=" + t));
        using var request = new HttpRequestMessage(HttpMethod.Get, "topics" + query);
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ThirtyTwoTopics_TheDefaultLimit_AreOneStream()
    {
        var topics = NewTopics("full", 32);
        await using var stream = await ConnectAsync(topics);
        foreach (var topic in topics)
        {
            await _http.PublishAsync(topic, "to " + topic);
        }

        var events = await stream.TakeAsync(topics.Count);
        Assert.Equal(topics.Order(), events.Select(e => e.EventType!).Order());
        Assert.All(events, e => Assert.Equal("to " + e.EventType, e.Data));
    }

    internal static List<string> NewTopics(string name, int count) => [.. Enumerable.Range(0, count).Select(i => Publisher.NewTopic($"{name}{i}"))];

    private static int Count(Dictionary<string, List<string>> perTopic)
    {
        lock (perTopic)
        {
            return perTopic.Values.Sum(list => list.Count);
        }
    }

    private Task<SseTestClient> ConnectAsync(IEnumerable<string> topics, string? lastEventId = null) =>
        SseTestClient.ConnectAsync(_http, "", lastEventId, "?" + string.Join('&', topics.Select(t => "topic=" + t)));
}
