namespace Notify.Bench.Report;

/// <summary>
/// The server's CPU per unit of work: CPU-seconds over the measured window divided by what was published or delivered
/// within that same window, so a hub that keeps up with less CPU shows it even when both deliver everything offered.
/// </summary>
internal static class CpuCost
{
    /// <summary>Server CPU-seconds per 1,000 events published (acknowledged) in the window; null when none was, or CPU was not measured.</summary>
    public static double? PerThousandEvents(ScenarioResult result) => Per(result.ServerCpuSeconds, result.MeasuredPublished, 1_000);

    /// <summary>Server CPU-seconds per 1,000,000 deliveries received in the window; null when none was, or CPU was not measured.</summary>
    public static double? PerMillionDeliveries(ScenarioResult result) => Per(result.ServerCpuSeconds, result.MeasuredDeliveries, 1_000_000);

    private static double? Per(double? cpuSeconds, long count, double unit) =>
        cpuSeconds is { } cpu && count > 0 ? cpu / count * unit : null;
}
