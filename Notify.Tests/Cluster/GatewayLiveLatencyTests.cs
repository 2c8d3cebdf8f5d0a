using Xunit.Abstractions;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Cluster;

/// <summary>A live event through the gateway reaches its subscriber within <see cref="LiveLatency.Bound"/>.</summary>
[Collection(UsesNotifyCluster.Name)]
public sealed class GatewayLiveLatencyTests(NotifyCluster cluster, ITestOutputHelper output)
{
    [Fact]
    public async Task ThroughTheGateway_EveryLiveEvent_ReachesItsSubscriberWithin500ms()
    {
        using var http = cluster.CreateGatewayClient();
        await LiveLatency.AssertEveryEventWithinBoundAsync(http, Publisher.NewTopic("live-gateway"), output, "through the gateway");
    }
}
