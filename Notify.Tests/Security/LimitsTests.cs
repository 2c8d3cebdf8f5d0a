using System.Net;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Security;

/// <summary>
/// The limits, each small here: open streams per client (<c>429</c>) and per silo (<c>503</c>), topics per silo
/// (<c>503</c>), publishes per second per client (<c>429</c>); every refusal with <c>Retry-After</c> and problem details.
/// </summary>
public sealed class LimitsTests(LimitsTests.App app) : IClassFixture<LimitsTests.App>, IDisposable
{
    private readonly HttpClient _http = app.CreateHttpClient();

    public void Dispose() => _http.Dispose();

    public sealed class App() : SecuredNotifyApp(new Dictionary<string, string?>
    {
        ["Notify:Limits:MaxConnections"] = "4",
        ["Notify:Limits:MaxConnectionsPerClient"] = "2",
        ["Notify:Limits:MaxTopics"] = "3",
        ["Notify:Limits:PublishesPerSecondPerClient"] = "10",
        ["Notify:Limits:PublishBurstPerClient"] = "5",
        ["Notify:Limits:RetryAfterSeconds"] = "7",
    });

    [Fact]
    public async Task Streams_AreLimitedPerClientWith429_AndPerSiloWith503_AndFreedWhenClosed()
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        string Token(string subject) => TestTokens.For(subject, subscribe: ["orders.*"]);
        var alice = new List<SseTestClient>();
        for (var i = 0; i < 2; i++)
        {
            alice.Add(await AuthorizedRequests.ConnectAsync(_http, topic, TokenSource.Header, Token("alice")));
        }

        using (var third = await _http.SubscribeAsync(topic, TokenSource.Header, Token("alice")))
        {
            await AssertLimitedAsync(third, HttpStatusCode.TooManyRequests, expectedRetryAfter: 7);
        }

        // Bob is another client: his streams count against the silo, which holds 4.
        await using var bob1 = await AuthorizedRequests.ConnectAsync(_http, topic, TokenSource.Header, Token("bob"));
        await using var bob2 = await AuthorizedRequests.ConnectAsync(_http, topic, TokenSource.Header, Token("bob"));
        using (var full = await _http.SubscribeAsync(topic, TokenSource.Header, Token("carol")))
        {
            await AssertLimitedAsync(full, HttpStatusCode.ServiceUnavailable, expectedRetryAfter: 7);
        }

        // Every admitted stream works, and a closed one frees its places.
        var id = await _http.PublishAcknowledgedAsync(topic, TokenSource.Header, TestTokens.For("shop", publish: ["orders.*"]), "x");
        foreach (var stream in alice.Append(bob1).Append(bob2))
        {
            Assert.Equal(id, (await stream.NextAsync()).EventId);
        }

        await alice[0].DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            using var again = await _http.SubscribeAsync(topic, TokenSource.Header, Token("alice"));
            return again.StatusCode == HttpStatusCode.OK;
        }, "alice may open a stream again once one of hers closed");
        await alice[1].DisposeAsync();
    }

    [Fact]
    public async Task AnonymousClients_AreCountedByTheirAddress()
    {
        var topic = "public." + Guid.NewGuid().ToString("N");
        await using var first = await SseTestClient.ConnectAsync(_http, topic);
        await using var second = await SseTestClient.ConnectAsync(_http, topic);
        using (var third = await _http.SubscribeAsync(topic, TokenSource.Header, token: null))
        {
            await AssertLimitedAsync(third, HttpStatusCode.TooManyRequests, expectedRetryAfter: 7); // all three from 127.0.0.1
        }

        // A token holder is another client, though at the same address.
        await using var withToken = await AuthorizedRequests.ConnectAsync(_http, topic, TokenSource.Header, TestTokens.For("dave", subscribe: ["public.*"]));
    }

    [Fact]
    public async Task Topics_AreLimitedPerSilo_With503()
    {
        var token = TestTokens.For("topics", subscribe: ["many.*"]);
        var topics = Enumerable.Range(0, 4).Select(i => $"many.{i}.{Guid.NewGuid():N}").ToList();
        await Eventually.TrueAsync(() => app.GetService<Notify.Api.Subscriptions.SubscriptionRegistry>().Fanouts.Count == 0, "no other test holds a topic");
        await using var first = await AuthorizedRequests.ConnectAsync(_http, topics[0], TokenSource.Header, token);
        await using var second = await AuthorizedRequests.ConnectAsync(_http, topics[1], TokenSource.Header, TestTokens.For("topics-2", subscribe: ["many.*"]));
        await using var third = await AuthorizedRequests.ConnectAsync(_http, topics[2], TokenSource.Header, TestTokens.For("topics-3", subscribe: ["many.*"]));

        using var refused = await _http.SubscribeAsync(topics[3], TokenSource.Header, TestTokens.For("topics-4", subscribe: ["many.*"]));
        await AssertLimitedAsync(refused, HttpStatusCode.ServiceUnavailable, expectedRetryAfter: 7);
    }

    [Fact]
    public async Task Publishes_AreLimitedPerClient_With429AndTheBucketsRetryAfter_AndOtherClientsAreNot()
    {
        var topic = "orders." + Guid.NewGuid().ToString("N");
        var hasty = TestTokens.For("hasty", publish: ["orders.*"]);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 20 && limited is null; i++)
        {
            var response = await _http.PublishAsync(topic, TokenSource.Header, hasty, $"event {i}");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        // The burst of 5 is taken at once (plus what refilled meanwhile at 10/s), then the client is refused.
        Assert.NotNull(limited);
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.Created), 5, 10);
        using (limited)
        {
            await AssertLimitedAsync(limited, HttpStatusCode.TooManyRequests, expectedRetryAfter: null);
        }

        using var other = await _http.PublishAsync(topic, TokenSource.Header, TestTokens.For("patient", publish: ["orders.*"]));
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        await Eventually.TrueAsync(async () =>
        {
            using var again = await _http.PublishAsync(topic, TokenSource.Header, hasty);
            return again.StatusCode == HttpStatusCode.Created;
        }, "the bucket refills");
    }

    private static async Task AssertLimitedAsync(HttpResponseMessage response, HttpStatusCode status, int? expectedRetryAfter)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        if (expectedRetryAfter is { } seconds)
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), retryAfter);
        }
        else
        {
            Assert.InRange(retryAfter.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
        }

        Assert.Contains($"\"status\":{(int)status}", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
