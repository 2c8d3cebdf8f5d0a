using Notify.Bench.Load;
using Spectre.Console;

namespace Notify.Bench.Report;

/// <summary>
/// Shows a run's progress: rewritten in place on an interactive terminal, otherwise one line every
/// couple of seconds so logs stay short.
/// </summary>
internal sealed class ConsoleProgress(string label) : IRunProgress
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromSeconds(2);
    private readonly bool _interactive = AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected;
    private DateTime _lastLine = DateTime.MinValue;

    public void Report(string status)
    {
        var now = DateTime.UtcNow;
        if (_interactive)
        {
            AnsiConsole.Markup($"\r[grey]{Markup.Escape(label)}[/] {Markup.Escape(status)}\u001b[K");
        }
        else if (now - _lastLine >= LogInterval)
        {
            _lastLine = now;
            AnsiConsole.MarkupLine($"[grey]{Markup.Escape(label)}[/] {Markup.Escape(status)}");
        }
    }

    /// <summary>Ends the in-place line before other output.</summary>
    public void Done()
    {
        if (_interactive)
        {
            AnsiConsole.WriteLine();
        }
    }
}
