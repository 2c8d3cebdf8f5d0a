using System.Globalization;
using Spectre.Console;

namespace Notify.Bench.Report;

/// <summary>One run's results as a console table.</summary>
internal static class ResultTable
{
    public static Table For(ScenarioResult result)
    {
        var table = new Table().AddColumn("Measure").AddColumn(new TableColumn("Value").RightAligned());
        foreach (var (name, value) in ResultRows.Of(result))
        {
            table.AddRow(Markup.Escape(name), Markup.Escape(value));
        }

        return table;
    }
}

/// <summary>The figures of one run, named and formatted, shared by the console table and the Markdown file.</summary>
internal static class ResultRows
{
    public static IEnumerable<(string Name, string Value)> Of(ScenarioResult r)
    {
        yield return ("Hub", $"{r.Target} ({r.Url})");
        var perStream = r.TopicsPerStream > 1 ? $" ({r.TopicsPerStream} per stream)" : "";
        yield return ("Subscribers / topics", $"{N(r.Connected)} of {N(r.Subscribers)} connected in {r.ConnectSeconds:0.00} s / {N(r.Topics)}{perStream}");
        yield return ("Offered", r.OfferedRate is { } rate ? $"{N(rate)} events/s" : $"as fast as possible, {r.InFlight} in flight");
        yield return ("Published (acknowledged)", $"{N(r.Published)} ({N(r.PublishedPerSecond)}/s), {N(r.PublishFailed)} failed");
        yield return ("Deliveries", $"{N(r.Deliveries)} of {N(r.ExpectedDeliveries)} expected");
        yield return ("Deliveries per second", N(r.DeliveriesPerSecond));
        yield return ("Latency ms p50 / p90 / p99 / p99.9 / max", Ms(r.LatencyMs));
        yield return ("Publish round trip ms p50 / p90 / p99 / p99.9 / max", Ms(r.PublishRoundTripMs));
        yield return ("Missing / duplicates / out of order", $"{N(r.Missing)} / {N(r.Duplicates)} / {N(r.OutOfOrder)}");
        yield return ("Resets / lagged / unexpected closes", $"{N(r.Resets)} / {N(r.Lagged)} / {N(r.UnexpectedCloses)}");
        if (r.Dropped > 0)
        {
            yield return ("Dropped and resumed, complete", $"{N(r.DroppedComplete)} of {N(r.Dropped)}");
        }

        yield return ("Server CPU (% of one core)", r.ServerCpuPercent is { } cpu ? $"{cpu:0.0} over {r.MeasuredSeconds:0.0} s from {r.MeasuredFromSeconds:0.0} s after connecting" : "not measured");
        if (r.ServerCpuPercentByProcess is { Count: > 0 } byProcess)
        {
            yield return ("… by process (% of one core)", string.Join(", ", byProcess.Select(p => $"{p.Key} {p.Value:0.0}")));
        }

        if (r.ServerCpuInFirst(10) is { } firstSeconds)
        {
            yield return ("Server CPU in the first 10 s connected (% of one core)", $"{firstSeconds:0.0}");
        }

        if (CpuCost.PerThousandEvents(r) is { } perEvents)
        {
            yield return ("Server CPU-s per 1,000 events / per 1,000,000 deliveries", $"{perEvents:0.000} / {CpuCost.PerMillionDeliveries(r):0.00}");
        }

        yield return ("Bench CPU (% of one core)", $"{r.BenchCpuPercent:0.0}");
        if (r.HostBusyPercent is { } busy && r.HostStealPercent is { } steal)
        {
            yield return ("Machine busy / stolen by the hypervisor (% of its CPU time)", $"{busy:0.0} / {steal:0.0}");
        }

        if (r.ServerMemoryConnectedBytes is { } memory)
        {
            yield return ("Server memory (PSS) before / connected", $"{Mib(r.ServerMemoryBeforeBytes ?? 0)} / {Mib(memory)} MiB");
            yield return ("Server memory per connection", $"{r.ServerMemoryPerConnectionBytes / 1024.0:0.0} KiB");
            if (r.LoadBalancerMemoryPerConnectionBytes is { } loadBalancer)
            {
                yield return ("Load balancer memory per connection", $"{loadBalancer / 1024.0:0.0} KiB");
            }
        }
    }

    private static string N(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Ms(Percentiles p) => string.Create(CultureInfo.InvariantCulture, $"{p.P50:0.00} / {p.P90:0.00} / {p.P99:0.00} / {p.P999:0.00} / {p.Max:0.00}");
}
