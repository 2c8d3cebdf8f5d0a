using System.Net;
using System.Net.Http.Json;
using Notify.Api.Topics;
using Notify.Client;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Client;

/// <summary><see cref="NotifyClient.PublishAsync"/> against a real node: keys, replays, and refusals that are not retried.</summary>
[Collection(UsesClientApp.Name)]
public sealed class PublishTests(ClientApp app) : IAsyncLifetime
{
    private readonly ClientHost _host = new(app.BaseAddress);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    [Fact]
    public async Task ARepeatedIdempotencyKey_IsReplayed_AndTheEventIsStoredOnce()
    {
        var topic = Publisher.NewTopic("client-key");
        var first = await _host.Client.PublishAsync(topic, "charge", type: "payment", idempotencyKey: "order-1");
        var again = await _host.Client.PublishAsync(topic, "charge", type: "payment", idempotencyKey: "order-1");

        Assert.Equal(new NotifyPublished(topic, first.Id, Replayed: false), first);
        Assert.Equal(new NotifyPublished(topic, first.Id, Replayed: true), again);
        using var http = app.CreateHttpClient();
        var stored = (await http.GetFromJsonAsync<BufferedEventsPage>($"topics/{topic}/events"))!.Events;
        Assert.Equal([(first.Id, "payment", "charge")], stored.Select(e => (e.Id, e.Type, e.Data)));
        Assert.All(_host.Log.Publishes, p => Assert.Equal("order-1", p.IdempotencyKey));
    }

    [Fact]
    public async Task APublishWithoutAKey_IsSentWithAFreshOne()
    {
        var topic = Publisher.NewTopic("client-no-key");
        var first = await _host.Client.PublishAsync(topic, "one");
        var second = await _host.Client.PublishAsync(topic, "one");

        Assert.NotEqual(first.Id, second.Id);
        var keys = _host.Log.Publishes.Select(p => p.IdempotencyKey).ToList();
        Assert.Equal(2, keys.Distinct().Count());
        Assert.All(keys, key => Assert.Matches("^[0-9a-f]{32}$", key));
    }

    [Fact]
    public async Task RefusedPublishes_ThrowWithTheirStatusAndTheServersReason_AndAreNotRetried()
    {
        var topic = Publisher.NewTopic("client-refused");
        var reserved = await Assert.ThrowsAsync<HttpRequestException>(() => _host.Client.PublishAsync(topic, "x", type: "notify.fake"));
        var tooLarge = await Assert.ThrowsAsync<HttpRequestException>(() => _host.Client.PublishAsync(topic, new string('x', 65_537)));

        Assert.Equal(HttpStatusCode.BadRequest, reserved.StatusCode);
        Assert.Contains("notify.", reserved.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Equal([400, 413], _host.Log.Publishes.Select(p => p.Status));
    }

    [Fact]
    public async Task BadArguments_AreRefusedBeforeAnyRequest()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _host.Client.PublishAsync("a b", "x"));
        await Assert.ThrowsAsync<ArgumentException>(() => _host.Client.PublishAsync("ok", ""));
        await Assert.ThrowsAsync<ArgumentException>(() => _host.Client.PublishAsync("ok", "x", type: ""));
        Assert.Empty(_host.Log.Exchanges);
    }
}
