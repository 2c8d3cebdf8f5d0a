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
        var delays = await LiveLatency.MeasureAsync(http, http, Publisher.NewTopic("live-gateway"), events: 10);

        output.WriteLine($"publish → receive through the gateway: {LiveLatency.Describe(delays)}");
        Assert.All(delays, delay => Assert.True(delay < LiveLatency.Bound, $"an event took {delay.TotalMilliseconds:0} ms: {LiveLatency.Describe(delays)}"));
    }
}
