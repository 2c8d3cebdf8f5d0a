using Notify.Bench.Load;
using Notify.Bench.Suite;
using Spectre.Console.Cli;

namespace Notify.Bench;

/// <summary>The command line: one command per named scenario, and <c>suite</c>.</summary>
internal static class BenchProgram
{
    public static async Task<int> Main(string[] args)
    {
        // Socket completions run on the epoll threads instead of hopping to the thread pool: each received
        // event costs the generator less, so it stays the lighter side of the machine. Read when the first
        // socket is created, hence set before anything else.
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

        if (Console.IsOutputRedirected)
        {
            // Logs and CI output: lines are not wrapped at the 80 columns assumed without a terminal.
            Spectre.Console.AnsiConsole.Profile.Width = 200;
        }

        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("Notify.Bench");
            foreach (var scenario in Scenarios.All)
            {
                config.AddCommand<ScenarioCommand>(scenario.Name).WithData(scenario).WithDescription(scenario.Description);
            }

            config.AddCommand<SuiteCommand>("suite")
                .WithDescription("Starts Notify (one silo), the three-silo cluster and nchan in turn, runs every scenario against each for several rounds, writes docs/benchmarks.md");
        });

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // the commands stop what they started, by process id
            cancel.Cancel();
        };

        return await app.RunAsync(args, cancel.Token);
    }
}
