using Notify.Bench;
using Notify.Bench.Load;
using Notify.Bench.Suite;
using Spectre.Console.Cli;

var app = new CommandApp();
app.Configure(config =>
{
    config.SetApplicationName("Notify.Bench");
    foreach (var scenario in Scenarios.All)
    {
        config.AddCommand<ScenarioCommand>(scenario.Name).WithData(scenario).WithDescription(scenario.Description);
    }

    config.AddCommand<SuiteCommand>("suite")
        .WithDescription("Starts Notify and nchan in turn, runs every scenario against each for several rounds, writes docs/benchmarks.md");
});

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // let the commands stop what they started
    cancel.Cancel();
};

return await app.RunAsync(args, cancel.Token);
