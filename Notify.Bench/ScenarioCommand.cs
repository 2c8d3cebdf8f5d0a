using Notify.Bench.Load;
using Notify.Bench.Measure;
using Notify.Bench.Report;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Notify.Bench;

/// <summary>Runs one named scenario against a running hub and writes its results.</summary>
internal sealed class ScenarioCommand : AsyncCommand<ScenarioSettings>
{
    public override async Task<int> ExecuteAsync(CommandContext context, ScenarioSettings settings, CancellationToken cancellationToken)
    {
        var scenario = settings.Apply((Scenario)context.Data!);
        var progress = new ConsoleProgress($"{scenario.Name} → {settings.Target}");
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(scenario.Name)}[/]: {Markup.Escape(scenario.Description)} against {Markup.Escape(settings.Url)}");
        var runner = new ScenarioRunner(
            scenario, new Uri(settings.Url), settings.Target, new ProcessSampler(settings.Pids), progress, topicSets: settings.TopicSetStyle());
        var result = await runner.RunAsync(cancellationToken);
        progress.Done();

        AnsiConsole.Write(ResultTable.For(result));
        var files = ResultFiles.Write(result, settings.Output);
        AnsiConsole.MarkupLine($"[grey]Results: {Markup.Escape(files.Json)}, {Markup.Escape(files.Markdown)}[/]");
        return result.Correct ? 0 : 2;
    }
}
