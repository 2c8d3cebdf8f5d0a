using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Notify.Bench.Report;

/// <summary>Writes one run's results as JSON (every figure) and as a Markdown table.</summary>
internal static class ResultFiles
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static (string Json, string Markdown) Write(ScenarioResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var stem = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"{result.Scenario}-{result.Target}-{result.StartedAt:yyyyMMdd-HHmmss}"));
        File.WriteAllText(stem + ".json", JsonSerializer.Serialize(result, Json));

        var markdown = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"# {result.Scenario} against {result.Target}")
            .AppendLine()
            .AppendLine("| Measure | Value |")
            .AppendLine("|---|---:|");
        foreach (var (name, value) in ResultRows.Of(result))
        {
            markdown.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");
        }

        File.WriteAllText(stem + ".md", markdown.ToString());
        return (stem + ".json", stem + ".md");
    }
}
