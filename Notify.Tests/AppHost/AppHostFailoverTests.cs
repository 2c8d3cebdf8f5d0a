using System.Diagnostics;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
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
    [Fact]
    public async Task SiloKilled_EveryPublishIsAnsweredWithin5s_TopicsPublishAgainWithin10s_AndNothingIsLost()
    {
        await using var appHost = await RunningAppHost.StartAsync();

        var figures = await TrafficRun.RunAsync(appHost.Gateway, "apphost-kill", async run =>
        {
            var victim = await VictimAsync(appHost, run.Topics);
            Process.GetProcessById(victim.ProcessId).Kill();
            output.WriteLine($"SIGKILL {victim.Name} (process {victim.ProcessId}), host of {victim.TopicGrainIds.Count(run.Topics.Contains)} of the run's topic grains");
        }, output, subscribersPerTopic: 1, eventsPerTopic: 150, token: appHost.Token);

        Assert.Equal(0, figures.Missing);
        Assert.Equal(0, figures.Duplicated);
        Assert.Equal(0, figures.OutOfOrder);
        Assert.Equal(figures.Acknowledged, figures.Delivered);
        Assert.True(figures.SlowestAnswer <= TimeSpan.FromSeconds(5), $"a publish waited {figures.SlowestAnswer.TotalSeconds:F1} s for its answer: {figures}");
        Assert.True(figures.LongestTopicOutage <= TimeSpan.FromSeconds(10), $"a topic took no publish for {figures.LongestTopicOutage.TotalSeconds:F1} s: {figures}");
    }

    /// <summary>The silo hosting the most of the run's topic grains, as its own <c>GET /silo</c> says.</summary>
    private static async Task<SiloReport> VictimAsync(RunningAppHost appHost, IReadOnlyList<string> topics)
    {
        var statuses = new List<SiloReport>();
        foreach (var silo in RunningAppHost.Silos)
        {
            using var http = new HttpClient { BaseAddress = appHost.App.GetEndpoint(silo, "http"), Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", appHost.Token);
            statuses.Add((await http.GetFromJsonAsync<SiloReport>("silo"))!);
        }

        return statuses.MaxBy(s => s.TopicGrainIds.Count(topics.Contains))!;
    }
}
