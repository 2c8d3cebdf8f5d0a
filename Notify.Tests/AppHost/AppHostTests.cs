using Notify.Tests.Fixtures;

namespace Notify.Tests.AppHost;

/// <summary>The whole system as <c>dotnet run --project AppHost</c> starts it: the real orchestrator, store, silos and gateway.</summary>
[Collection(RunsTheAppHost.Name)]
public sealed class AppHostTests
{
    [Fact]
    public async Task AppHost_StartsStoreSilosAndGateway_AndEventsPublishedThroughTheGatewayReachSubscribers_AndResume_WithNoWarningOrErrorLogged()
    {
        await using var appHost = await RunningAppHost.StartAsync();
        using var http = new HttpClient { BaseAddress = appHost.Gateway, Timeout = TestTimeouts.Request };
        var topic = Publisher.NewTopic("apphost");
        await using var subscriber = await SseTestClient.ConnectAsync(http, topic);

        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await http.PublishAsync(topic, $"through aspire {i}"));
        }

        Assert.Equal(ids, (await subscriber.TakeAsync(5)).Select(e => e.EventId));

        await using var resumed = await SseTestClient.ConnectAsync(http, topic, lastEventId: ids[1]);
        Assert.Equal(ids.Skip(2), (await resumed.TakeAsync(3)).Select(e => e.EventId));

        using var health = await http.GetAsync("health");
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());

        // A healthy start and a publish/subscribe round are quiet: no warning or error (each is something to act on),
        // and no an Information line per grain placement (Polly's, for each resilience pipeline Orleans runs).
        var logs = await ResourceLogs.EntriesAsync(appHost.App, RunningAppHost.Silos.Append("gateway"));
        var noise = logs.Where(entry => entry.IsWarningOrAbove || entry.Category.StartsWith("Polly", StringComparison.Ordinal)).ToList();
        Assert.True(noise.Count == 0, string.Join(Environment.NewLine, noise));
        Assert.Contains(logs, entry => entry is { Level: "info", Category: "Orleans.Runtime.Silo" }); // the log was read
    }
}

/// <summary>Alone, after the other tests: the AppHost starts a whole cluster of processes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsTheAppHost
{
    public const string Name = "The AppHost";
}
