using System.Diagnostics;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Notify.Tests.Cluster;
using Notify.Tests.Fixtures;
using Xunit.Abstractions;

namespace Notify.Tests.AppHost;

/// <summary>
/// A silo killed, stopped or frozen in the shape users run (<c>dotnet run --project AppHost</c>: the orchestrator, its
/// dashboard, Debug builds), under publishers and subscribers on many topics through the gateway.
/// </summary>
[Collection(RunsTheAppHost.Name)]
public sealed class AppHostFailoverTests(ITestOutputHelper output)
{
    private const int SubscribersPerTopic = 1;
    private const int EventsPerTopic = 150;
    private static readonly TimeSpan FreezeDuration = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task SiloKilled_EveryPublishIsAnsweredWithin5s_TopicsPublishAgainWithin10s_AndNothingIsLost()
    {
        await using var appHost = await RunningAppHost.StartAsync();

        var figures = await TrafficRun.RunAsync(appHost.Gateway, "apphost-kill", async run =>
        {
            var victim = await VictimAsync(appHost, run.Topics);
            Process.GetProcessById(victim.ProcessId).Kill();
            output.WriteLine($"SIGKILL {victim.Name} (process {victim.ProcessId}), host of {victim.TopicGrainIds.Count(run.Topics.Contains)} of the run's topic grains");
        }, output, subscribersPerTopic: SubscribersPerTopic, eventsPerTopic: EventsPerTopic, token: appHost.Token);

        Assert.Equal(0, figures.Missing);
        Assert.Equal(0, figures.Duplicated);
        Assert.Equal(0, figures.OutOfOrder);
        Assert.Equal(figures.Acknowledged, figures.Delivered);
        Assert.True(figures.SlowestAnswer <= TimeSpan.FromSeconds(5), $"a publish waited {figures.SlowestAnswer.TotalSeconds:F1} s for its answer: {figures}");
        Assert.True(figures.LongestTopicOutage <= TimeSpan.FromSeconds(10), $"a topic took no publish for {figures.LongestTopicOutage.TotalSeconds:F1} s: {figures}");
    }

    /// <summary>A rolling restart's step: SIGTERM to a silo, which hands over and exits while the others go on.</summary>
    [Fact]
    public async Task SiloStoppedWithSigterm_ExitsQuickly_EveryPublishIsAnsweredWithin5s_AndNothingIsLost()
    {
        await using var appHost = await RunningAppHost.StartAsync();
        var exitTime = TimeSpan.Zero;

        var figures = await TrafficRun.RunAsync(appHost.Gateway, "apphost-term", async run =>
        {
            var victim = await VictimAsync(appHost, run.Topics);
            using var process = Process.GetProcessById(victim.ProcessId);
            var watch = Stopwatch.StartNew();
            await ChildProcess.SignalAsync(victim.ProcessId, "TERM");
            await Eventually.TrueAsync(() => process.HasExited, $"{victim.Name} exits after SIGTERM", TimeSpan.FromSeconds(30));
            exitTime = watch.Elapsed;
            output.WriteLine($"SIGTERM {victim.Name} (process {victim.ProcessId}), host of {victim.TopicGrainIds.Count(run.Topics.Contains)} of the run's topic grains: exited after {exitTime.TotalSeconds:F1} s");
        }, output, subscribersPerTopic: SubscribersPerTopic, eventsPerTopic: EventsPerTopic, token: appHost.Token);

        figures.AssertExactlyOnce(SubscribersPerTopic);
        figures.AssertBoundedWaits();
        Assert.True(exitTime < TimeSpan.FromSeconds(25), $"the silo took {exitTime.TotalSeconds:F1} s to exit");
    }

    /// <summary>A long GC pause or a stalled VM: SIGSTOP for 15 s, then SIGCONT.</summary>
    [Fact]
    public async Task SiloFrozenFor15Seconds_EveryPublishIsAnsweredWithin5s_OtherSilosTopicsKeepPublishing_AndNothingIsLost()
    {
        await using var appHost = await RunningAppHost.StartAsync();
        var frozen = 0;
        var frozenAt = DateTime.MinValue;
        IReadOnlyList<SiloReport> silos = [];
        SiloReport? victim = null;
        try
        {
            var figures = await TrafficRun.RunAsync(appHost.Gateway, "apphost-freeze", async run =>
            {
                silos = await SilosAsync(appHost);
                victim = silos.MaxBy(s => s.TopicGrainIds.Count(run.Topics.Contains))!;
                await ChildProcess.SignalAsync(victim.ProcessId, "STOP");
                (frozen, frozenAt) = (victim.ProcessId, DateTime.UtcNow);
                output.WriteLine($"SIGSTOP {victim.Name} (process {victim.ProcessId}) at {frozenAt:HH:mm:ss.fff}, host of {victim.TopicGrainIds.Count(run.Topics.Contains)} of the run's topic grains");
                await Task.Delay(FreezeDuration); // the fault itself
                await ChildProcess.SignalAsync(victim.ProcessId, "CONT");
                frozen = 0;
                output.WriteLine($"SIGCONT {victim.Name} after {run.AcknowledgedCount} acknowledged events");
            }, output, subscribersPerTopic: SubscribersPerTopic, eventsPerTopic: EventsPerTopic, token: appHost.Token);

            figures.AssertExactlyOnce(SubscribersPerTopic);
            figures.AssertBoundedWaits();
            var ownedElsewhere = silos.Where(s => s != victim).SelectMany(s => s.TopicGrainIds).Where(figures.OutageByTopic.ContainsKey).ToList();
            figures.AssertKeptPublishingThroughTheFreeze(
                ownedElsewhere, frozenAt, topic => silos.First(s => s.TopicGrainIds.Contains(topic)).Name, output,
                () => string.Join('\n', appHost.Logs.Entries.TakeLast(200).Select(entry => $"[{entry.Category}] {entry.Message}")));
        }
        finally
        {
            if (frozen != 0)
            {
                await ChildProcess.SignalAsync(frozen, "CONT"); // never leave a stopped process behind
            }
        }
    }

    /// <summary>The silo hosting the most of the run's topic grains, as its own <c>GET /silo</c> says.</summary>
    private static async Task<SiloReport> VictimAsync(RunningAppHost appHost, IReadOnlyList<string> topics) =>
        (await SilosAsync(appHost)).MaxBy(s => s.TopicGrainIds.Count(topics.Contains))!;

    /// <summary>Each silo's own <c>GET /silo</c>.</summary>
    private static async Task<IReadOnlyList<SiloReport>> SilosAsync(RunningAppHost appHost)
    {
        var statuses = new List<SiloReport>();
        foreach (var silo in RunningAppHost.Silos)
        {
            using var http = new HttpClient { BaseAddress = appHost.App.GetEndpoint(silo, "http"), Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", appHost.Token);
            statuses.Add((await http.GetFromJsonAsync<SiloReport>("silo"))!);
        }

        return statuses;
    }
}
