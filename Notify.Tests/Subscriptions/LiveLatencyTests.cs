using Xunit.Abstractions;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Subscriptions;

/// <summary>A live event on one silo reaches its subscriber within <see cref="LiveLatency.Bound"/>.</summary>
public sealed class LiveLatencyTests(NotifyApp app, ITestOutputHelper output) : IClassFixture<NotifyApp>
{
    [Fact]
    public async Task OnOneSilo_EveryLiveEvent_ReachesItsSubscriberWithin500ms()
    {
        using var http = app.CreateHttpClient();
        var delays = await LiveLatency.MeasureAsync(http, http, Publisher.NewTopic("live"), events: 10);

        output.WriteLine($"publish → receive on one silo: {LiveLatency.Describe(delays)}");
        Assert.All(delays, delay => Assert.True(delay < LiveLatency.Bound, $"an event took {delay.TotalMilliseconds:0} ms: {LiveLatency.Describe(delays)}"));
    }
}
