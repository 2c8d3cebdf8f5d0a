using System.Net;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// Who may publish and subscribe, on a node with a signing key: tokens from the header, the cookie or the query, rights
/// per topic selector from the <c>notify</c> claim, anonymous rights for <c>public.*</c>, and RFC 6750's 401 and 403.
/// </summary>
public sealed class TopicAuthorizationTests(SecuredNotifyApp app) : IClassFixture<SecuredNotifyApp>, IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    public static TheoryData<TokenSource> Sources => [TokenSource.Header, TokenSource.Cookie, TokenSource.Query];

    [Fact]
    public async Task NoToken_Is401_WithABareChallenge_ForPublishSubscribeAndRead()
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        await AuthorizedRequests.AssertRefusedAsync(await _http.PublishAsync(topic, TokenSource.Header, token: null), HttpStatusCode.Unauthorized, error: null);
        await AuthorizedRequests.AssertRefusedAsync(await _http.SubscribeAsync(topic, TokenSource.Header, token: null), HttpStatusCode.Unauthorized, error: null);
        await AuthorizedRequests.AssertRefusedAsync(await _http.GetAsync($"topics/{topic}/events"), HttpStatusCode.Unauthorized, error: null);
        await AuthorizedRequests.AssertRefusedAsync(await _http.GetAsync($"topics/{topic}/subscribers"), HttpStatusCode.Unauthorized, error: null);
    }

    [Fact]
    public async Task SubscriberCounts_TakeTheSubscribeRight()
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        using var forbidden = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}/subscribers");
        forbidden.Add(TokenSource.Header, TestTokens.For("shop", publish: ["orders.*"]));
        await AuthorizedRequests.AssertRefusedAsync(await _http.SendAsync(forbidden), HttpStatusCode.Forbidden, "insufficient_scope");

        using var allowed = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}/subscribers");
        allowed.Add(TokenSource.Query, TestTokens.For("watcher", subscribe: ["orders.*"]));
        using var answer = await _http.SendAsync(allowed);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task TokenWithTheRights_PublishesAndSubscribes_AndTheSubscriberGetsTheEvent(TokenSource source)
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var token = TestTokens.For("shop", publish: ["orders.*"], subscribe: ["orders.*"]);
        await using var subscriber = await AuthorizedRequests.ConnectAsync(_http, topic, source, token);

        var id = await _http.PublishAcknowledgedAsync(topic, source, token, "order placed");

        var received = await subscriber.NextAsync();
        Assert.Equal((id, "order placed"), (received.EventId, received.Data));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task TokenWithoutTheRight_Is403_InsufficientScope(TokenSource source)
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var readOnly = TestTokens.For("reader", subscribe: ["orders.*"]);
        var otherTopics = TestTokens.For("other", publish: ["prices.*", topic + "x"], subscribe: ["prices.*", "orders"]);

        await AuthorizedRequests.AssertRefusedAsync(await _http.PublishAsync(topic, source, readOnly), HttpStatusCode.Forbidden, "insufficient_scope");
        await AuthorizedRequests.AssertRefusedAsync(await _http.PublishAsync(topic, source, otherTopics), HttpStatusCode.Forbidden, "insufficient_scope");
        await AuthorizedRequests.AssertRefusedAsync(await _http.SubscribeAsync(topic, source, otherTopics), HttpStatusCode.Forbidden, "insufficient_scope");
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task InvalidOrExpiredToken_Is401_InvalidToken_EvenOnAPublicTopic(TokenSource source)
    {
        var topic = "public." + Guid.NewGuid().ToString("N");
        var wrongKey = TestTokens.For("forger", ["*"], ["*"], key: "some-other-key-that-is-long-enough-0123456789");
        foreach (var token in new[] { TestTokens.Expired(), wrongKey, "not-a-jwt" })
        {
            // A token that does not validate is refused; it never falls back to the anonymous rights.
            await AuthorizedRequests.AssertRefusedAsync(await _http.PublishAsync(topic, source, token), HttpStatusCode.Unauthorized, "invalid_token");
            await AuthorizedRequests.AssertRefusedAsync(await _http.SubscribeAsync(topic, source, token), HttpStatusCode.Unauthorized, "invalid_token");
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task ATokenWithoutExp_Is401_InvalidToken_ForEveryRequest_EvenOnAPublicTopic(TokenSource source)
    {
        var token = TestTokens.WithoutExpiry();
        Assert.DoesNotContain("exp", System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(PadBase64(token.Split('.')[1]))).RootElement.EnumerateObject().Select(p => p.Name));
        foreach (var topic in new[] { "orders." + Guid.NewGuid().ToString("N"), "public." + Guid.NewGuid().ToString("N") })
        {
            // A token that never expires could never be revoked: it is refused, and never downgraded to anonymous.
            await AuthorizedRequests.AssertRefusedAsync(await _http.PublishAsync(topic, source, token), HttpStatusCode.Unauthorized, "invalid_token");
            await AuthorizedRequests.AssertRefusedAsync(await _http.SubscribeAsync(topic, source, token), HttpStatusCode.Unauthorized, "invalid_token");
            using var read = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}/events");
            read.Add(source, token);
            await AuthorizedRequests.AssertRefusedAsync(await _http.SendAsync(read), HttpStatusCode.Unauthorized, "invalid_token");
        }
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task AStreamOfSeveralTopics_TakesTheSubscribeRightOnEveryTopic(TokenSource source)
    {
        var granted = "orders." + Guid.NewGuid().ToString("N");
        var other = "prices." + Guid.NewGuid().ToString("N");
        var path = $"topics?topic={granted}&topic={other}";
        var ordersOnly = TestTokens.For("page", subscribe: ["orders.*"]);

        await AuthorizedRequests.AssertRefusedAsync(await SubscribeToSeveralAsync(path, source, token: null), HttpStatusCode.Unauthorized, error: null);
        await AuthorizedRequests.AssertRefusedAsync(await SubscribeToSeveralAsync(path, source, ordersOnly), HttpStatusCode.Forbidden, "insufficient_scope");
        await AuthorizedRequests.AssertRefusedAsync(await SubscribeToSeveralAsync(path, source, TestTokens.Expired()), HttpStatusCode.Unauthorized, "invalid_token");
        await AuthorizedRequests.AssertRefusedAsync(await SubscribeToSeveralAsync(path, source, TestTokens.WithoutExpiry()), HttpStatusCode.Unauthorized, "invalid_token");

        // A public topic beside a private one: the anonymous rights cover only the public one.
        var publicTopic = "public." + Guid.NewGuid().ToString("N");
        await AuthorizedRequests.AssertRefusedAsync(
            await SubscribeToSeveralAsync($"topics?topic={publicTopic}&topic={granted}", source, token: null), HttpStatusCode.Unauthorized, error: null);

        using var allowed = await SubscribeToSeveralAsync($"topics?topic={publicTopic}&topic={granted}", source, ordersOnly);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("text/event-stream", allowed.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnonymousSelectors_LetAnyonePublishAndSubscribe_ToPublicTopicsOnly()
    {
        var topic = "public." + Guid.NewGuid().ToString("N");
        await using var subscriber = await SseTestClient.ConnectAsync(_http, topic);
        var id = await _http.PublishAsync(topic, "for everyone");
        Assert.Equal(id, (await subscriber.NextAsync()).EventId);

        await AuthorizedRequests.AssertRefusedAsync(await _http.PublishAsync("public", TokenSource.Header, token: null), HttpStatusCode.Unauthorized, error: null);
        await AuthorizedRequests.AssertRefusedAsync(await _http.SubscribeAsync("publicx.1", TokenSource.Header, token: null), HttpStatusCode.Unauthorized, error: null);
    }

    [Fact]
    public async Task TokenRights_AddToTheAnonymousOnes()
    {
        var topic = "public." + Guid.NewGuid().ToString("N");
        var token = TestTokens.For("nobody-special", publish: ["prices.*"]);
        using var response = await _http.PublishAsync(topic, TokenSource.Header, token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task ATokenWithoutRightsClaim_GrantsNothingBeyondAnonymous()
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var token = TestTokens.For("no-rights");
        await AuthorizedRequests.AssertRefusedAsync(await _http.PublishAsync(topic, TokenSource.Header, token), HttpStatusCode.Forbidden, "insufficient_scope");
    }

    private Task<HttpResponseMessage> SubscribeToSeveralAsync(string path, TokenSource source, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (token is not null)
        {
            request.Add(source, token);
        }

        return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static string PadBase64(string base64Url) =>
        base64Url.Replace('-', '+').Replace('_', '/') + new string('=', (4 - base64Url.Length % 4) % 4);

    [Fact]
    public async Task TheHeaderWins_OverTheQueryAndTheCookie()
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var good = TestTokens.For("shop", publish: ["orders.*"]);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}?access_token={TestTokens.Expired()}")
        {
            Content = new StringContent("x"),
        };
        request.Add(TokenSource.Header, good);
        request.Add(TokenSource.Cookie, TestTokens.Expired());
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }
}
