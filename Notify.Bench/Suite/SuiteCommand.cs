using Notify.Bench.Load;
using Notify.Bench.Measure;
using Notify.Bench.Report;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Notify.Bench.Suite;

/// <summary>
/// Runs every scenario against Notify and nchan in turn, each on a freshly started server, for several
/// rounds, then writes the comparison document. The hubs alternate which goes first in each round.
/// </summary>
internal sealed class SuiteCommand : AsyncCommand<SuiteSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, SuiteSettings settings, CancellationToken cancellationToken)
    {
        var scenarios = (settings.Scenarios?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(name => Load.Scenarios.Find(name) ?? throw new ArgumentException($"No scenario named {name}."))
                ?? Load.Scenarios.All)
            .Select(s => settings.Duration is { } seconds ? s with { Duration = TimeSpan.FromSeconds(seconds) } : s)
            .ToList();
        var hubs = settings.Hubs.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var output = settings.Output ?? Path.Combine(RepositoryPaths.Root, "docs", "benchmarks.md");
        if (settings.RenderFrom is { } saved)
        {
            var previous = SavedSuite.Load(saved, hubs);
            await File.WriteAllTextAsync(
                output,
                BenchmarksDocument.Render(previous.Runs, previous.Failures, previous.Skipped, previous.Scenarios, settings, MachineInfo.Describe(), previous.Rounds),
                cancellationToken);
            AnsiConsole.MarkupLine($"[green]Wrote {Markup.Escape(output)} from {previous.Runs.Count} saved runs[/]");
            return 0;
        }

        // A peer this machine cannot run would fail every one of its runs, an hour into the suite: say so before starting.
        foreach (var peer in hubs.Where(h => h is "nchan" or "nchan-redis"))
        {
            if (NchanHub.MissingPrerequisite(durable: peer == "nchan-redis") is { } missing)
            {
                AnsiConsole.MarkupLine($"[red]{Markup.Escape($"Cannot run {peer}: {missing}; or leave it out with --hubs.")}[/]");
                return 1;
            }
        }

        var results = new List<SuiteRun>();
        var failures = new List<(int Round, string Scenario, string Hub, string Reason)>();
        var skipped = new HashSet<(string Scenario, string Hub, string Reason)>();

        for (var round = 1; round <= settings.Rounds; round++)
        {
            var order = round % 2 == 1 ? hubs : hubs.Reverse().ToArray();
            foreach (var scenario in scenarios)
            {
                foreach (var hubName in order)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    try
                    {
                        var result = await RunOnFreshHubAsync(hubName, scenario, round, settings, cancellationToken);
                        results.Add(new SuiteRun(round, result));
                    }
                    catch (Exception exception) when (exception is TimeoutException or InvalidOperationException or HttpRequestException or IOException)
                    {
                        AnsiConsole.MarkupLine($"[red]{Markup.Escape($"round {round} {scenario.Name} → {hubName} failed: {exception.Message}")}[/]");
                        failures.Add((round, scenario.Name, hubName, exception.Message.Split('\n')[0]));
                        SavedSuite.SaveFailure(settings.Results, new SuiteFailure(round, scenario.Name, hubName, exception.Message.Split('\n')[0]));
                    }
                }
            }
        }

        await File.WriteAllTextAsync(output, BenchmarksDocument.Render(results, failures, skipped, scenarios, settings, MachineInfo.Describe(), settings.Rounds), cancellationToken);
        AnsiConsole.MarkupLine($"[green]Wrote {Markup.Escape(output)}[/]");
        return failures.Count == 0 && results.All(r => r.Result.Correct) ? 0 : 2;
    }

    private static async Task<ScenarioResult> RunOnFreshHubAsync(string hubName, Scenario scenario, int round, SuiteSettings settings, CancellationToken cancellationToken)
    {
        await using IHub hub = hubName switch
        {
            "notify" => new NotifyHub(),
            "nchan" => new NchanHub(durable: false),
            "nchan-redis" => new NchanHub(durable: true),
            "cluster" => new ClusterHub(),
            _ => throw new ArgumentException($"No hub named {hubName}."),
        };

        var label = $"round {round}/{settings.Rounds} {scenario.Name} → {hub.Name}";
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(label)}[/]");
        await hub.StartAsync(cancellationToken);
        var progress = new ConsoleProgress(label);
        var loadBalancer = hub.LoadBalancerProcessId is { } id ? new ProcessSampler([id]) : null;
        var result = await new ScenarioRunner(scenario, hub.TopicsUrl, hub.Name, new ProcessSampler(hub.Processes), progress, loadBalancer, hub.TopicSets)
            .RunAsync(cancellationToken) with { Round = round };
        progress.Done();
        ResultFiles.Write(result, settings.Results);
        AnsiConsole.MarkupLine(
            $"  {result.DeliveriesPerSecond:N0} deliveries/s, p50 {result.LatencyMs.P50:0.00} ms, p99 {result.LatencyMs.P99:0.00} ms, " +
            $"missing {result.Missing}, duplicates {result.Duplicates}, out of order {result.OutOfOrder}, server CPU {result.ServerCpuPercent:0}%, bench CPU {result.BenchCpuPercent:0}%");

        // Each run starts from a quiet generator: nothing of the previous run's garbage is collected during it.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return result;
    }
}

/// <summary>One scenario run against one hub in one round.</summary>
internal sealed record SuiteRun(int Round, ScenarioResult Result);
