using System.Text.RegularExpressions;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Notify.Tests.AppHost;

/// <summary>One entry of a .NET resource's console log: its level and category as the console logger wrote them, and its lines.</summary>
internal sealed record ResourceLogEntry(string Resource, string Level, string Category, string Text)
{
    public bool IsWarningOrAbove => Level is "warn" or "fail" or "crit";

    public override string ToString() => $"{Resource}: {Level}: {Category} | {Text}";
}

/// <summary>
/// The console logs the AppHost's resources wrote since they started: what the dashboard's console logs page shows.
/// </summary>
internal static partial class ResourceLogs
{
    /// <summary>
    /// The log entries of <paramref name="resources"/>. Throws when a resource logged nothing at all: a check on its
    /// entries must not pass for want of them.
    /// </summary>
    public static async Task<IReadOnlyList<ResourceLogEntry>> EntriesAsync(DistributedApplication app, IEnumerable<string> resources)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var entries = new List<ResourceLogEntry>();
        foreach (var name in resources)
        {
            var lines = new List<string>();
            await foreach (var batch in logs.GetAllAsync(model.Resources.Single(resource => resource.Name == name)))
            {
                lines.AddRange(batch.Select(line => Timestamp().Replace(Ansi().Replace(line.Content, string.Empty), string.Empty)));
            }

            var before = entries.Count;
            for (var i = 0; i < lines.Count; i++)
            {
                if (EntryStart().Match(lines[i]) is { Success: true } start)
                {
                    // The entry's message and exception are the indented lines that follow.
                    var text = string.Join(" | ", lines.Skip(i + 1).TakeWhile(line => line.StartsWith(' ')).Take(3).Select(line => line.Trim()));
                    entries.Add(new ResourceLogEntry(name, start.Groups["level"].Value, start.Groups["category"].Value, text));
                }
            }

            if (entries.Count == before)
            {
                throw new InvalidOperationException($"{name} logged nothing: its log cannot be checked.");
            }
        }

        return entries;
    }

    // The console logger's first line of an entry: "info: Orleans.Runtime.Silo[100422]".
    [GeneratedRegex(@"^(?<level>trce|dbug|info|warn|fail|crit): (?<category>[^\[\s]+)\[")]
    private static partial Regex EntryStart();

    [GeneratedRegex(@"^\S+Z ")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"\x1B\[[0-9;]*m")]
    private static partial Regex Ansi();
}
