using System.Net;
using System.Text;
using Notify.Tests.Fixtures;
using Notify.Tests.Security;

namespace Notify.Tests.Topics;

[Collection(UsesNotifyApp.Name)]
public sealed class PublishSubscribeTests(NotifyApp app) : IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Subscribe_WithoutLastEventId_ReceivesLiveEventsInOrderWithTheirPublishedIds()
    {
        var topic = Publisher.NewTopic("live");
        await _http.PublishAsync(topic, "before the subscription");
        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic);

        var ids = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            ids.Add(await _http.PublishAsync(topic, $"event {i}"));
        }

        var events = await subscriber.TakeAsync(5);
        Assert.Equal(ids, events.Select(e => e.EventId));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"event {i}"), events.Select(e => e.Data));
        Assert.All(events, e => Assert.Equal("message", e.EventType));
        Assert.Equal(TimeSpan.FromSeconds(3), subscriber.ReconnectionInterval);
    }

    [Fact]
    public async Task Subscribe_ResponseIsAnUnbufferedEventStream_StartingWithRetry()
    {
        var topic = Publisher.NewTopic("wire");
        using var request = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.ToString());
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.Equal("no", Assert.Single(response.Headers.GetValues("X-Accel-Buffering")));
        Assert.Null(response.Content.Headers.ContentEncoding.FirstOrDefault());

        await using var body = await response.Content.ReadAsStreamAsync();
        var reader = new RawStreamReader(body);
        Assert.Equal("retry: 3000\n\n", await reader.ReadUntilAsync("\n\n"));

        var id = await _http.PublishAsync(topic, "multi\r\nline\rdata\nhere", type: "greeting");
        var frame = await reader.ReadUntilAsync("\n\n", skipHeartbeats: true);
        Assert.Equal($"id: {id}\nevent: greeting\ndata: multi\ndata: line\ndata: data\ndata: here\n\n", frame);
    }

    [Fact]
    public async Task Subscribe_MultiLineAndCrLfData_ArriveWithLfLineEndings()
    {
        var topic = Publisher.NewTopic("lines");
        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic);

        await _http.PublishAsync(topic, "a\r\nb\rc\nd");
        await _http.PublishAsync(topic, "{\"json\": true}\n");

        var events = await subscriber.TakeAsync(2);
        Assert.Equal("a\nb\nc\nd", events[0].Data);
        Assert.Equal("{\"json\": true}\n", events[1].Data);
    }

    [Fact]
    public async Task TwoSubscribers_OnOneTopic_BothReceiveEveryEvent()
    {
        var topic = Publisher.NewTopic("two");
        await using var first = await SseTestClient.ConnectAsync(_http, topic);
        await using var second = await SseTestClient.ConnectAsync(_http, topic);

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await _http.PublishAsync(topic, $"e{i}"));
        }

        Assert.Equal(ids, (await first.TakeAsync(20)).Select(e => e.EventId));
        Assert.Equal(ids, (await second.TakeAsync(20)).Select(e => e.EventId));
    }

    [Fact]
    public async Task ManyTopicsAtOnce_EachSubscriberReceivesExactlyItsTopicsEvents()
    {
        const int topicCount = 25;
        const int eventsPerTopic = 10;
        var topics = Enumerable.Range(0, topicCount).Select(i => Publisher.NewTopic($"many{i}")).ToList();
        var subscribers = await Task.WhenAll(topics.Select(t => SseTestClient.ConnectAsync(_http, t)));
        try
        {
            var published = await Task.WhenAll(topics.Select(async topic =>
            {
                var ids = new List<string>();
                for (var i = 0; i < eventsPerTopic; i++)
                {
                    ids.Add(await _http.PublishAsync(topic, $"{topic}/{i}"));
                }

                return ids;
            }));

            for (var t = 0; t < topicCount; t++)
            {
                var events = await subscribers[t].TakeAsync(eventsPerTopic);
                Assert.Equal(published[t], events.Select(e => e.EventId));
                Assert.All(events, e => Assert.StartsWith(topics[t] + "/", e.Data, StringComparison.Ordinal));
            }

            // Nothing from other topics followed: the next event on each is its own sentinel.
            var sentinels = await Task.WhenAll(topics.Select(t => _http.PublishAsync(t, "sentinel")));
            for (var t = 0; t < topicCount; t++)
            {
                Assert.Equal(sentinels[t], (await subscribers[t].NextAsync()).EventId);
            }
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                await subscriber.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task IdleStream_GetsAHeartbeatComment()
    {
        var topic = Publisher.NewTopic("idle");
        using var response = await _http.GetAsync($"topics/{topic}", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var reader = new RawStreamReader(body);
        Assert.Equal("retry: 3000\n\n", await reader.ReadUntilAsync("\n\n"));

        var started = DateTime.UtcNow;
        Assert.Equal(":\n\n", await reader.ReadUntilAsync("\n\n"));
        Assert.True(DateTime.UtcNow - started >= NotifyApp.HeartbeatInterval * 0.9, "a heartbeat only follows an idle interval");
    }

    [Fact]
    public async Task Publish_WithIdempotencyKey_RetriedPublishCreatesOneEvent()
    {
        var topic = Publisher.NewTopic("idem");
        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic);

        using var first = await _http.PublishRawAsync(topic, "pay invoice 42", idempotencyKey: "invoice-42");
        using var retry = await _http.PublishRawAsync(topic, "pay invoice 42", idempotencyKey: "invoice-42");
        var sentinel = await _http.PublishAsync(topic, "next");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotent-Replayed")));
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(firstBody, await retry.Content.ReadAsStringAsync());

        var events = await subscriber.TakeAsync(2);
        Assert.Equal("pay invoice 42", events[0].Data);
        Assert.Contains(events[0].EventId!, firstBody, StringComparison.Ordinal);
        Assert.Equal(sentinel, events[1].EventId);
    }

    [Fact]
    public async Task Publish_AnswersCreatedWithTopicAndId_AsJson()
    {
        var topic = Publisher.NewTopic("created");
        using var response = await _http.PostAsync($"topics/{topic}", new StringContent("{\"x\":1}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var json = await response.Content.ReadAsStringAsync();
        Assert.Matches("^\\{\"topic\":\"" + topic + "\",\"id\":\"[a-z0-9]+:1\"\\}$", json);
    }

    [Fact]
    public async Task Publish_CurlStyleFormBody_IsStoredAsIs()
    {
        var topic = Publisher.NewTopic("form");
        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic);

        using var response = await _http.PostAsync($"topics/{topic}", new StringContent("hi=there&x", Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("hi=there&x", (await subscriber.NextAsync()).Data);
    }

    [Fact]
    public async Task Publish_ABodySentInTwoWritesAfter100Continue_IsStoredWhole_AndTheConnectionServesTheNextRequest()
    {
        // The halves meet inside a two-byte character. Kestrel may hand them to the app in one read or two;
        // PublishBodyReaderTests makes the pieces separate reads.
        var topic = Publisher.NewTopic("pieces");
        var data = string.Concat(Enumerable.Range(0, 20_000).Select(i => i % 2 == 0 ? "é" : "x"));
        var body = Encoding.UTF8.GetBytes(data);
        var split = body.Length / 2 + 1;
        Assert.Equal(0xA9, body[split]); // é's second byte
        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic);

        using var connection = await RawConnection.OpenAsync(app.BaseAddress.Port);
        await connection.SendAsync($"POST /topics/{topic} HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain; charset=utf-8\r\nExpect: 100-continue\r\nContent-Length: {body.Length}\r\n\r\n");
        Assert.True(await connection.ReadUntilAsync(r => Encoding.ASCII.GetString(r).Contains("100 Continue\r\n\r\n", StringComparison.Ordinal), TestTimeouts.Request), "no 100 Continue");
        await connection.SendAsync(body.AsMemory(0, split));
        await connection.SendAsync(body.AsMemory(split));
        await connection.SendAsync($"POST /topics/{topic} HTTP/1.1\r\nHost: test\r\nContent-Type: text/plain\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnext");
        Assert.True(await connection.ReadToEndAsync(TestTimeouts.Request), "the server did not close after the second answer");

        var answers = Encoding.ASCII.GetString(connection.Received);
        Assert.Equal(2, answers.Split("HTTP/1.1 201 ").Length - 1);
        Assert.Equal(data, (await subscriber.NextAsync()).Data);
        Assert.Equal("next", (await subscriber.NextAsync()).Data);
    }
}
