using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Notify.Bench.Suite;

internal sealed class SuiteSettings : CommandSettings
{
    [CommandOption("--rounds <N>")]
    [Description("How many times every scenario runs against every hub. Default 3")]
    public int Rounds { get; init; } = 3;

    [CommandOption("--scenarios <NAMES>")]
    [Description("Comma-separated scenario names. Default: all")]
    public string? Scenarios { get; init; }

    [CommandOption("--hubs <NAMES>")]
    [Description("Comma-separated: notify (one silo), cluster (3 silos, store, gateway), nchan (memory), nchan-redis (Redis storage, appendfsync always). Default: all four")]
    public string Hubs { get; init; } = "notify,cluster,nchan,nchan-redis";

    [CommandOption("--duration <SECONDS>")]
    [Description("Overrides every scenario's duration (for a quick look; the document states it)")]
    public double? Duration { get; init; }

    [CommandOption("--output <FILE>")]
    [Description("The Markdown document to write. Default docs/benchmarks.md in the repository")]
    public string? Output { get; init; }

    [CommandOption("--results <DIRECTORY>")]
    [Description("Where each run's JSON goes. Default .notify/bench")]
    public string Results { get; init; } = Path.Combine(RepositoryPaths.Root, ".notify", "bench");

    [CommandOption("--render-from <DIRECTORY>")]
    [Description("Runs nothing: writes the document from the runs a suite saved in DIRECTORY")]
    public string? RenderFrom { get; init; }

    public override ValidationResult Validate() =>
        Rounds is < 1 or > 20 ? ValidationResult.Error("--rounds must be between 1 and 20.") : ValidationResult.Success();
}
