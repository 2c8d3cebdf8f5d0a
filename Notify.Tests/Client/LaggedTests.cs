using Notify.Client;
using Notify.Tests.Fixtures;
using Notify.Tests.Subscriptions;

namespace Notify.Tests.Client;

/// <summary>
/// A consumer that stops taking events: once the client's read-ahead and the socket are full, its stream lags on the
/// server; the client surfaces <see cref="NotifyLagged"/> and resumes after it, so the consumer still gets every event once.
/// </summary>
public sealed class LaggedTests
{
    private const int QueueLimit = 16; // PatientApp's
    private static readonly string Payload = new('x', 16 * 1024);

    [Fact]
    public async Task AConsumerThatFallsBehind_IsToldNotifyLagged_ThenGetsEveryEventOnceInOrder()
    {
        await using var app = new SlowConsumerTests.PatientApp();
        await app.InitializeAsync();
        using var http = app.CreateHttpClient();
        await using var host = new ClientHost(app.BaseAddress);
        var topic = Publisher.NewTopic("client-lagged");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var items = host.Client.SubscribeAsync([topic], cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);
        var first = items.MoveNextAsync(); // opens the stream; then the consumer takes nothing until the stream has lagged
        await Eventually.TrueAsync(() => app.FanoutOf(topic)?.Subscriptions.Count == 1, "the client's stream is attached");

        var ids = new List<string>();
        // Until the stream lags: its subscription is marked lagged, or it has already left (its fan-out with it). The
        // client cannot come back before the consumer reads the notice, so nothing else is subscribed meanwhile.
        while (app.FanoutOf(topic) is { } fanout && !fanout.Subscriptions.Any(s => s.Lagged))
        {
            Assert.True(ids.Count < 5_000, "the client's stream never lagged");
            ids.Add(await http.PublishAsync(topic, Payload));
        }

        for (var i = 0; i < 3; i++)
        {
            ids.Add(await http.PublishAsync(topic, "after the lag")); // the client resumes for these
        }

        Assert.True(await first);
        var received = new List<NotifyItem> { items.Current };
        while (received.OfType<NotifyEvent>().Count() < ids.Count)
        {
            Assert.True(await items.MoveNextAsync(), "the subscription ended");
            received.Add(items.Current);
        }

        Assert.Equal(ids, received.OfType<NotifyEvent>().Select(e => e.Id));
        var laggedAt = Assert.Single(Enumerable.Range(0, received.Count), i => received[i] is NotifyLagged);
        var lagged = (NotifyLagged)received[laggedAt];
        Assert.Equal((topic, ((NotifyEvent)received[laggedAt - 1]).Id, QueueLimit), (lagged.Topic, lagged.LastEventId, lagged.QueueLimit));
        Assert.Equal(2, host.Log.OpenedStreams.Count); // the first stream, and the one resumed after the notice
        Assert.Equal(lagged.LastEventId, host.Log.OpenedStreams[^1].LastEventId);
    }
}
