using System.Net;
using Notify.Client;
using Notify.Tests.Fixtures;
using Notify.Tests.Security;

namespace Notify.Tests.Client;

/// <summary>
/// The token provider against a node that checks tokens: asked on every connect, so a stream whose token expired
/// resumes with the next one; asked once more after a <c>401</c>; refusals that a new token cannot change surface.
/// </summary>
public sealed class TokenTests(SecuredNotifyApp app) : IClassFixture<SecuredNotifyApp>
{
    private static readonly string PublisherToken = TestTokens.For("shop", publish: ["orders.*"]);

    private static string NewTopic() => "orders." + Guid.NewGuid().ToString("N");

    /// <summary>A client whose token provider answers <paramref name="tokens"/>(call number, from 1), and counts its calls.</summary>
    private ClientHost ClientWith(Func<int, string?> tokens, out Func<int> calls)
    {
        var count = 0;
        calls = () => Volatile.Read(ref count);
        return new ClientHost(app.BaseAddress, options => options.TokenProvider = _ => ValueTask.FromResult(tokens(Interlocked.Increment(ref count))));
    }

    [Fact]
    public async Task AnExpiredStream_IsSurfacedAsNotifyExpired_AndResumedExactlyWithTheProvidersNextToken()
    {
        var topic = NewTopic();
        // JWT times are whole seconds.
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddSeconds(3).ToUnixTimeSeconds()).UtcDateTime;
        var shortLived = TestTokens.For("service", subscribe: ["orders.*"], expires: expiresAt);
        var renewed = TestTokens.For("service", subscribe: ["orders.*"]);
        await using var host = ClientWith(call => call == 1 ? shortLived : renewed, out var calls);
        await using var publisher = new ClientHost(app.BaseAddress, options => options.TokenProvider = _ => ValueTask.FromResult<string?>(PublisherToken));

        await using var subscriber = Subscriber.Start(host.Client, [topic], NotifyStart.Earliest);
        await host.Log.WaitForOpenedStreamsAsync(1);
        var before = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            before.Add((await publisher.Client.PublishAsync(topic, $"before {i}")).Id);
        }

        await subscriber.WaitUntilAsync(items => items.OfType<NotifyExpired>().Any(), "the expiry was surfaced", TimeSpan.FromSeconds(15));
        var after = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            after.Add((await publisher.Client.PublishAsync(topic, $"after {i}")).Id);
        }

        var items = await subscriber.WaitUntilAsync(items => items.Count >= 5, "the events after the expiry arrived");
        Assert.Equal(
            [.. before.Select((id, i) => new NotifyEvent(topic, id, "message", $"before {i}")), new NotifyExpired(topic, before[^1]), .. after.Select((id, i) => new NotifyEvent(topic, id, "message", $"after {i}"))],
            items);

        var streams = host.Log.OpenedStreams;
        Assert.Equal(2, streams.Count);
        Assert.Equal((shortLived, "earliest"), (streams[0].Authorization, streams[0].LastEventId));
        Assert.Equal((renewed, before[^1]), (streams[1].Authorization, streams[1].LastEventId));
        Assert.Equal(2, calls());
    }

    [Fact]
    public async Task A401_AsksTheProviderOnceMore_AndTheNextTokenIsUsed()
    {
        var topic = NewTopic();
        await using var host = ClientWith(call => call == 1 ? null : TestTokens.For("service", subscribe: ["orders.*"]), out var calls);
        await using var publisher = new ClientHost(app.BaseAddress, options => options.TokenProvider = _ => ValueTask.FromResult<string?>(PublisherToken));
        var id = (await publisher.Client.PublishAsync(topic, "hello")).Id;

        await using var subscriber = Subscriber.Start(host.Client, [topic], NotifyStart.Earliest);

        Assert.Equal([id], await subscriber.WaitForEventsAsync(topic, 1));
        Assert.Equal([401, 200], host.Log.Exchanges.Select(e => e.Status));
        Assert.Equal(2, calls());
    }

    [Fact]
    public async Task A401Twice_EndsTheSubscriptionWithTheError()
    {
        await using var host = ClientWith(_ => TestTokens.Expired(), out var calls);
        await using var subscriber = Subscriber.Start(host.Client, [NewTopic()], NotifyStart.Earliest);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => subscriber.Completion.WaitAsync(TestTimeouts.Condition));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal([401, 401], host.Log.Exchanges.Select(e => e.Status));
        Assert.Equal(2, calls());
    }

    [Fact]
    public async Task A403_EndsAMergedSubscription_AndFailsAPublish_WithoutRetrying()
    {
        var token = TestTokens.For("service", publish: ["public.*"], subscribe: ["public.*"]);
        await using var host = ClientWith(_ => token, out _);
        await using var subscriber = Subscriber.Start(host.Client, ["public." + Guid.NewGuid().ToString("N"), NewTopic()]);

        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => subscriber.Completion.WaitAsync(TestTimeouts.Condition));
        var publish = await Assert.ThrowsAsync<HttpRequestException>(() => host.Client.PublishAsync(NewTopic(), "x"));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, publish.StatusCode);
        Assert.Single(host.Log.Exchanges, e => e.Status == 403 && e.Method == HttpMethod.Get);
        Assert.Single(host.Log.Publishes);
    }
}
