using System.Net.Http.Json;
using Notify.Api.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Client;

/// <summary>
/// A real <c>503</c>: the node's store is down, so the node cannot confirm the event stored. The client retries with the
/// same <c>Idempotency-Key</c> after <c>Retry-After</c> until the store is back, and the event is stored once.
/// </summary>
public sealed class PublishRetryTests(DurableNotifyApp app) : IClassFixture<DurableNotifyApp>
{
    [Fact]
    public async Task APublishAnswered503_IsRetriedWithTheSameKey_UntilStored_Once()
    {
        await using var host = new ClientHost(app.BaseAddress);
        var topic = Publisher.NewTopic("client-503");
        var before = await host.Client.PublishAsync(topic, "before");

        app.ExpectWarnings(ExpectedWarnings.StoreOutage);
        await app.Store.KillAsync();
        Task<Notify.Client.NotifyPublished> publishing;
        try
        {
            publishing = host.Client.PublishAsync(topic, "during the outage", type: "order.created");
            await Eventually.TrueAsync(() => host.Log.Publishes.Any(p => p.Status == 503), "the publish was answered 503");
            Assert.False(publishing.IsCompleted);
        }
        finally
        {
            await app.Store.StartAsync();
        }

        var published = await publishing.WaitAsync(TimeSpan.FromSeconds(60));
        var attempts = host.Log.Publishes.Skip(1).ToList();
        Assert.Equal(201, attempts[^1].Status);
        Assert.All(attempts[..^1], attempt => Assert.Equal(503, attempt.Status));
        var key = Assert.Single(attempts.Select(a => a.IdempotencyKey).Distinct());
        Assert.NotNull(key);
        // Retry-After is 1 s: no retry came sooner.
        Assert.All(attempts.Zip(attempts.Skip(1)), pair => Assert.True(pair.Second.At - pair.First.At >= TimeSpan.FromSeconds(1), $"retried after {pair.Second.At - pair.First.At}"));

        using var http = app.CreateHttpClient();
        var stored = (await http.GetFromJsonAsync<BufferedEventsPage>($"topics/{topic}/events"))!.Events;
        Assert.Equal([(before.Id, null, "before"), (published.Id, "order.created", "during the outage")], stored.Select(e => (e.Id, e.Type, e.Data)));
    }
}
