extern alias AppHostAssembly;

using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.Tests.Fixtures;

namespace Notify.Tests.AppHost;

/// <summary>The whole system as <c>dotnet run --project AppHost</c> starts it: the real orchestrator, store, silos and gateway.</summary>
[Collection(RunsTheAppHost.Name)]
public sealed class AppHostTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task AppHost_StartsStoreSilosAndGateway_AndEventsPublishedThroughTheGatewayReachSubscribers_AndResume()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var storeDirectory = Directory.CreateTempSubdirectory("notify-apphost-store-");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<AppHostAssembly::Projects.AppHost>(
            [$"--Notify:GatewayPort={FreePort.Next()}", $"--Notify:StoreDirectory={storeDirectory.FullName}"],
            timeout.Token);
        // The orchestrator's health checks fail, as they should, while resources start and stop: not worth printing.
        builder.Services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        foreach (var resource in new[] { "store", "silo-1", "silo-2", "silo-3", "gateway" })
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        using var http = new HttpClient { BaseAddress = app.GetEndpoint("gateway", "http"), Timeout = TestTimeouts.Request };
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

        using var health = await http.GetAsync("health", timeout.Token);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync(timeout.Token));

        await app.StopAsync(timeout.Token);
        storeDirectory.Delete(recursive: true);
    }
}

/// <summary>Alone, after the other tests: the AppHost starts a whole cluster of processes.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsTheAppHost
{
    public const string Name = "The AppHost";
}
