using System.Globalization;

namespace Notify.Tests.Diagnostics;

/// <summary>A scrape of <c>/metrics</c> (Prometheus text format), read by series name and labels.</summary>
internal sealed class PrometheusText(string text)
{
    public string Text { get; } = text;

    public static async Task<PrometheusText> ScrapeAsync(HttpClient http)
    {
        using var response = await http.GetAsync("metrics");
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        return new PrometheusText(await response.Content.ReadAsStringAsync());
    }

    /// <summary>The sum of the samples of <paramref name="series"/> that carry every one of <paramref name="labels"/> (0 when none does).</summary>
    public double Value(string series, params (string Name, string Value)[] labels)
    {
        double sum = 0;
        foreach (var line in Text.Split('\n'))
        {
            if (line.StartsWith('#') || !(line.StartsWith(series + "{", StringComparison.Ordinal) || line.StartsWith(series + " ", StringComparison.Ordinal)))
            {
                continue;
            }

            if (labels.All(label => line.Contains($"{label.Name}=\"{label.Value}\"", StringComparison.Ordinal)))
            {
                var value = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
                sum += double.Parse(value, CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }

    /// <summary>Whether the scrape describes <paramref name="metric"/> (its <c># TYPE</c> line).</summary>
    public bool Describes(string metric) => Text.Contains($"# TYPE {metric} ", StringComparison.Ordinal);
}
