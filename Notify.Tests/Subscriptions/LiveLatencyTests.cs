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
        await LiveLatency.AssertEveryEventWithinBoundAsync(http, Publisher.NewTopic("live"), output, "on one silo");
    }
}
