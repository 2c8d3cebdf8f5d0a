using System.Net.ServerSentEvents;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Cluster;

/// <summary>Event streams through the gateway, which carries them to the silos over shared HTTP/2 connections.</summary>
[Collection(UsesNotifyCluster.Name)]
public sealed class GatewayStreamsTests(NotifyCluster cluster)
{
    [Fact]
    public async Task ASubscriberThatStopsReading_DoesNotStallTheOthers_OnTheSharedConnections_AndIsCut()
    {
        var topic = Publisher.NewTopic("slow-through-gateway");
        using var http = cluster.CreateGatewayClient();
        var fast = new List<SseTestClient>();
        for (var i = 0; i < 9; i++)
        {
            fast.Add(await SseTestClient.ConnectAsync(http, topic));
        }

        // A subscriber that stops reading: its socket to the gateway fills, then its HTTP/2 stream's window, then its queue.
        using var slowRequest = new HttpRequestMessage(HttpMethod.Get, $"topics/{topic}");
        slowRequest.Headers.Accept.ParseAdd("text/event-stream");
        using var slowResponse = await http.SendAsync(slowRequest, HttpCompletionOption.ResponseHeadersRead);
        await using var slowBody = await slowResponse.Content.ReadAsStreamAsync();

        try
        {
            var payload = new string('x', 16 * 1024);
            var ids = new List<string>();
            // Each event reaches every other subscriber, wherever it landed, before the next is published: they never lag
            // (on a busy machine they could not keep up with a publisher going flat out), while the slow one is stuck.
            for (var i = 0; i < 1_400; i++)
            {
                ids.Add(await http.PublishAsync(topic, payload));
                foreach (var subscriber in fast)
                {
                    Assert.Equal(ids[^1], (await subscriber.NextAsync(TimeSpan.FromSeconds(30))).EventId);
                }
            }

            // The slow one gets a contiguous prefix, then its stream ends (after notify.lagged when it could still be written).
            var received = new List<SseItem<string>>();
            using var readTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await foreach (var item in SseParser.Create(slowBody).EnumerateAsync(readTimeout.Token))
                {
                    received.Add(item);
                }
            }
            catch (IOException)
            {
                // The connection was cut rather than ended.
            }

            var events = received.Where(e => e.EventType == "message").ToList();
            Assert.True(events.Count < ids.Count, "the slow subscriber was cut off");
            Assert.Equal(ids.Take(events.Count), events.Select(e => e.EventId));
        }
        finally
        {
            foreach (var subscriber in fast)
            {
                await subscriber.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task WhileNoSiloPassesTheGatewaysHealthChecks_StreamsAreStillProxied_AndNotEnded()
    {
        // A gateway whose health checks fail for every silo (the path does not exist): it sends streams to them anyway,
        // as it does just after start-up, and must not end them as it ends the streams of a silo that turns unhealthy.
        var port = FreePort.Next();
        var environment = cluster.GatewayEnvironment(port);
        environment["ReverseProxy__Clusters__silos__HealthCheck__Active__Path"] = "/no-such-health-endpoint";
        await using var gateway = ChildProcess.StartProgram("gateway-no-healthy-silo", "Notify.Gateway", environment);
        var address = new Uri($"http://127.0.0.1:{port}/");
        await gateway.WaitUntilHealthyAsync(new Uri(address, "health"), TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(
            () => Enumerable.Range(1, NotifyCluster.SiloCount).All(i => gateway.RecentOutput.Split('\n')
                .Any(line => line.Contains($"destination `silo-{i}[", StringComparison.Ordinal) && line.Contains("'Unhealthy'", StringComparison.Ordinal))),
            "the gateway's health checks have given up on every silo");

        using var http = new HttpClient { BaseAddress = address, Timeout = TestTimeouts.Request };
        var topic = Publisher.NewTopic("no-healthy-silo");
        await using var subscriber = await SseTestClient.ConnectAsync(http, topic);
        // The stream must outlive several of the gateway's 0.5 s checks: events go through it, each awaited, for 3 s.
        var ids = new List<string>();
        var received = new List<string>();
        var open = System.Diagnostics.Stopwatch.StartNew();
        while (open.Elapsed < TimeSpan.FromSeconds(3))
        {
            ids.Add(await http.PublishAsync(topic, $"event {ids.Count}"));
            received.Add((await subscriber.NextAsync()).EventId ?? "(no id)");
        }

        Assert.Equal(ids, received);
    }

    [Fact]
    public async Task ThroughTheGateway_APageOfTheGatewaysOrigin_IsSameOrigin_AndAnotherOriginIsRefused()
    {
        // The silo sees the gateway's host in X-Forwarded-Host, so the demo page served at :8080 may publish.
        using var http = cluster.CreateGatewayClient();
        var topic = Publisher.NewTopic("origin");
        using var same = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("same origin") };
        same.Headers.Add("Origin", cluster.GatewayAddress.GetLeftPart(UriPartial.Authority));
        using var accepted = await http.SendAsync(same);
        Assert.Equal(System.Net.HttpStatusCode.Created, accepted.StatusCode);

        using var other = new HttpRequestMessage(HttpMethod.Post, $"topics/{topic}") { Content = new StringContent("other origin") };
        other.Headers.Add("Origin", "https://elsewhere.example.test");
        using var refused = await http.SendAsync(other);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, refused.StatusCode);
    }
}
