extern alias AppHostAssembly;

using System.Diagnostics;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Notify.Tests.Cluster;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.AppHost;

/// <summary>
/// A silo killed in the shape users run (<c>dotnet run --project AppHost</c>: the orchestrator, its dashboard, Debug
/// builds), under publishers and subscribers on many topics through the gateway.
/// </summary>
[Collection(RunsTheAppHost.Name)]
public sealed class AppHostFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);
    private static readonly string[] Silos = ["silo-1", "silo-2", "silo-3"];

    [Fact]
    public async Task SiloKilled_EveryPublishIsAnsweredWithin5s_TopicsPublishAgainWithin10s_AndNothingIsLost()
    {
        using var timeout = new CancellationTokenSource(StartTimeout);
        var storeDirectory = Directory.CreateTempSubdirectory("notify-apphost-store-");
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<AppHostAssembly::Projects.AppHost>(
            [$"--Notify:GatewayPort={FreePort.Next()}", $"--Notify:StoreDirectory={storeDirectory.FullName}"],
            timeout.Token);
        builder.Services.AddLogging(logging => logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        await using var app = await builder.BuildAsync(timeout.Token);
        await app.StartAsync(timeout.Token);
        foreach (var resource in Silos.Prepend("store").Append("gateway"))
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
        }

        var figures = await TrafficRun.RunAsync(app.GetEndpoint("gateway", "http"), "apphost-kill", async run =>
        {
            var victim = await VictimAsync(app, run.Topics);
            Process.GetProcessById(victim.ProcessId).Kill();
            output.WriteLine($"SIGKILL {victim.Name} (process {victim.ProcessId}), host of {victim.TopicGrainIds.Count(run.Topics.Contains)} of the run's topic grains");
        }, output, subscribersPerTopic: 1, eventsPerTopic: 150);

        Assert.Equal(0, figures.Missing);
        Assert.Equal(0, figures.Duplicated);
        Assert.Equal(0, figures.OutOfOrder);
        Assert.Equal(figures.Acknowledged, figures.Delivered);
        Assert.True(figures.SlowestAnswer <= TimeSpan.FromSeconds(5), $"a publish waited {figures.SlowestAnswer.TotalSeconds:F1} s for its answer: {figures}");
        Assert.True(figures.LongestTopicOutage <= TimeSpan.FromSeconds(10), $"a topic took no publish for {figures.LongestTopicOutage.TotalSeconds:F1} s: {figures}");

        await app.StopAsync(timeout.Token);
        storeDirectory.Delete(recursive: true);
    }

    /// <summary>The silo hosting the most of the run's topic grains, as its own <c>GET /silo</c> says.</summary>
    private static async Task<SiloReport> VictimAsync(DistributedApplication app, IReadOnlyList<string> topics)
    {
        var statuses = new List<SiloReport>();
        foreach (var silo in Silos)
        {
            using var http = new HttpClient { BaseAddress = app.GetEndpoint(silo, "http"), Timeout = TimeSpan.FromSeconds(10) };
            statuses.Add((await http.GetFromJsonAsync<SiloReport>("silo"))!);
        }

        return statuses.MaxBy(s => s.TopicGrainIds.Count(topics.Contains))!;
    }
}
