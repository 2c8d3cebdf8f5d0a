using System.Net;
using System.Text.Json;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// Expiry never downgrades silently: a stream ends when its token expires, after a <c>notify.expired</c> event that
/// names the last event written; a reconnect with a renewed token resumes exactly; one with the expired token is refused.
/// </summary>
public sealed class TokenExpiryTests(SecuredNotifyApp app) : IClassFixture<SecuredNotifyApp>, IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    public static TheoryData<TokenSource> Sources => [TokenSource.Header, TokenSource.Cookie, TokenSource.Query];

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task ExpiredToken_EndsTheStreamAfterNotifyExpired_RenewedTokenResumesExactly_ExpiredTokenIsRefused(TokenSource source)
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var publisher = TestTokens.For("shop", publish: ["orders.*"]);
        // JWT times are whole seconds: the stream must end at this second, not before it and not long after.
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddSeconds(3).ToUnixTimeSeconds());
        var shortLived = TestTokens.For("page", subscribe: ["orders.*"], expires: expiresAt.UtcDateTime);

        var stream = await AuthorizedRequests.ConnectAsync(_http, topic, source, shortLived);
        var before = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            before.Add(await _http.PublishAcknowledgedAsync(topic, TokenSource.Header, publisher, $"before {i}"));
        }

        Assert.Equal(before, (await stream.TakeAsync(3)).Select(e => e.EventId));
        var expired = await stream.NextAsync(TimeSpan.FromSeconds(10));
        var noticedAt = DateTimeOffset.UtcNow;
        Assert.Equal("notify.expired", expired.EventType);
        Assert.Null(expired.EventId); // no id: the client keeps the last event it really received
        using (var data = JsonDocument.Parse(expired.Data))
        {
            Assert.Equal("token_expired", data.RootElement.GetProperty("reason").GetString());
            Assert.Equal(before[^1], data.RootElement.GetProperty("lastEventId").GetString());
        }

        Assert.InRange(noticedAt, expiresAt.AddMilliseconds(-50), expiresAt.AddSeconds(3));
        await stream.Completion.WaitAsync(TimeSpan.FromSeconds(5)); // then the server ends the stream
        await stream.DisposeAsync();

        var after = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            after.Add(await _http.PublishAcknowledgedAsync(topic, TokenSource.Header, publisher, $"after {i}"));
        }

        // The expired token is refused, never served as an anonymous stream. The stream may have ended a few
        // milliseconds before the token's exp (a CancellationTokenSource timer, on a millisecond tick), when the token still held.
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow > expiresAt, "the token has expired");
        using var refused = await _http.SubscribeAsync(topic, source, shortLived, lastEventId: before[^1]);
        await AuthorizedRequests.AssertRefusedAsync(refused, HttpStatusCode.Unauthorized, "invalid_token");

        // A renewed token resumes from the last id: what was published meanwhile, once, in order, then live.
        var renewed = TestTokens.For("page", subscribe: ["orders.*"]);
        await using var resumed = await AuthorizedRequests.ConnectAsync(_http, topic, source, renewed, lastEventId: before[^1]);
        Assert.Equal(after, (await resumed.TakeAsync(2)).Select(e => e.EventId));
        var live = await _http.PublishAcknowledgedAsync(topic, TokenSource.Header, publisher, "live");
        var next = await resumed.NextAsync();
        Assert.Equal((live, "message"), (next.EventId, next.EventType));
    }

    [Fact]
    public async Task AStreamOfSeveralTopics_EndsOnceAtExpiry_AndARenewedTokenResumesEveryTopicExactly()
    {
        var topics = new[] { "orders." + Guid.NewGuid().ToString("N"), "orders." + Guid.NewGuid().ToString("N") };
        var query = "?" + string.Join('&', topics.Select(t => "topic=" + t));
        var publisher = TestTokens.For("shop", publish: ["orders.*"]);
        var expiresAt = DateTime.UtcNow.AddSeconds(3);
        var shortLived = TestTokens.For("page", subscribe: ["orders.*"], expires: expiresAt);
        var stream = await SseTestClient.ConnectAsync(_http, "", query: query + "&access_token=" + shortLived);
        foreach (var topic in topics)
        {
            await _http.PublishAcknowledgedAsync(topic, TokenSource.Header, publisher, $"{topic} before");
        }

        var before = await stream.TakeAsync(2);
        var expired = await stream.NextAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("notify.expired", expired.EventType);
        var lastId = before[^1].EventId!;
        using (var data = JsonDocument.Parse(expired.Data))
        {
            Assert.Equal(before[^1].EventId, data.RootElement.GetProperty("lastEventId").GetString());
        }

        await stream.Completion.WaitAsync(TimeSpan.FromSeconds(5)); // one notice, then the end, though both topics' tokens expired
        await stream.DisposeAsync();
        foreach (var topic in topics)
        {
            await _http.PublishAcknowledgedAsync(topic, TokenSource.Header, publisher, $"{topic} after");
        }

        // The expired token is refused for the set as for one topic, never served anonymously.
        using (var refused = new HttpRequestMessage(HttpMethod.Get, "topics" + query + "&access_token=" + shortLived))
        {
            refused.Headers.Accept.ParseAdd("text/event-stream");
            refused.Headers.Add("Last-Event-ID", lastId);
            await Eventually.TrueAsync(() => DateTime.UtcNow > expiresAt, "the token has expired");
            await AuthorizedRequests.AssertRefusedAsync(await _http.SendAsync(refused, HttpCompletionOption.ResponseHeadersRead), HttpStatusCode.Unauthorized, "invalid_token");
        }

        var renewed = TestTokens.For("page", subscribe: ["orders.*"]);
        await using var resumed = await SseTestClient.ConnectAsync(_http, "", lastEventId: lastId, query: query + "&access_token=" + renewed);
        var after = await resumed.TakeAsync(2);
        Assert.Equal(topics.Select(t => $"{t} after").Order(), after.Select(e => e.Data).Order());
        Assert.Equal(topics.Order(), after.Select(e => e.EventType).Order());
    }
}
