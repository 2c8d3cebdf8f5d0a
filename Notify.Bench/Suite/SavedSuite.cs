using System.Text.Json;
using Notify.Bench.Load;
using Notify.Bench.Report;

namespace Notify.Bench.Suite;

/// <summary>A run that could not be measured, saved beside the results so the document can be written again.</summary>
internal sealed record SuiteFailure(int Round, string Scenario, string Hub, string Reason);

/// <summary>
/// A suite read back from the files its runs saved (one JSON per run, <c>failed-*.json</c> per failure): the
/// document can be rewritten without running anything again. A run's round is its place among the runs of the
/// same scenario and hub, in the order they started.
/// </summary>
internal sealed record SavedSuite(
    List<SuiteRun> Runs,
    List<(int Round, string Scenario, string Hub, string Reason)> Failures,
    HashSet<(string Scenario, string Hub, string Reason)> Skipped,
    List<Scenario> Scenarios,
    int Rounds)
{
    public static void SaveFailure(string directory, SuiteFailure failure)
    {
        Directory.CreateDirectory(directory);
        var name = $"failed-{failure.Scenario}-{failure.Hub}-round{failure.Round}-{DateTime.UtcNow:yyyyMMdd-HHmmssfff}.json";
        File.WriteAllText(Path.Combine(directory, name), JsonSerializer.Serialize(failure, ResultFiles.Json));
    }

    public static SavedSuite Load(string directory, IReadOnlyList<string> hubs)
    {
        var results = new List<ScenarioResult>();
        var failures = new List<(int, string, string, string)>();
        foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
        {
            var json = File.ReadAllText(file);
            if (Path.GetFileName(file).StartsWith("failed-", StringComparison.Ordinal))
            {
                var failure = JsonSerializer.Deserialize<SuiteFailure>(json, ResultFiles.Json)!;
                failures.Add((failure.Round, failure.Scenario, failure.Hub, failure.Reason));
            }
            else
            {
                results.Add(JsonSerializer.Deserialize<ScenarioResult>(json, ResultFiles.Json)!);
            }
        }

        // Runs saved by a suite carry their round; for others it is their place among the same scenario and hub.
        var runs = results
            .GroupBy(r => (r.Scenario, r.Target))
            .SelectMany(g => g.OrderBy(r => r.StartedAt).Select((r, i) => new SuiteRun(r.Round ?? (i + 1), r)))
            .OrderBy(r => r.Result.StartedAt)
            .ToList();
        var scenarios = Notify.Bench.Load.Scenarios.All
            .Where(s => runs.Any(r => r.Result.Scenario == s.Name) || failures.Any(f => f.Item2 == s.Name))
            .ToList();
        var skipped = new HashSet<(string Scenario, string Hub, string Reason)>();
        var rounds = runs.Select(r => r.Round).Concat(failures.Select(f => f.Item1)).DefaultIfEmpty(0).Max();
        return new SavedSuite(runs, failures, skipped, scenarios, rounds);
    }
}
