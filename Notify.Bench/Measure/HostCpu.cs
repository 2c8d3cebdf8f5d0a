using System.Globalization;

namespace Notify.Bench.Measure;

/// <summary>
/// The machine's CPU time from the first line of <c>/proc/stat</c>: how much of it the hypervisor took (steal) and how
/// much was busy. On a virtual machine a run whose host is busy gets less CPU than it asks for; its steal says so.
/// </summary>
internal readonly record struct HostCpu(long Total, long Busy, long Steal)
{
    /// <summary>Reads <c>/proc/stat</c>; null where there is none.</summary>
    public static HostCpu? Read()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            return Parse(reader.ReadLine());
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Parses the aggregate line, <c>cpu user nice system idle iowait irq softirq steal guest guest_nice</c> in clock
    /// ticks (guest time is counted in user time already); null for anything else.
    /// </summary>
    public static HostCpu? Parse(string? line)
    {
        var fields = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields is null || fields.Length < 9 || fields[0] != "cpu")
        {
            return null;
        }

        var ticks = new long[8];
        for (var i = 0; i < ticks.Length; i++)
        {
            if (!long.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out ticks[i]))
            {
                return null;
            }
        }

        var total = ticks.Sum();
        var idle = ticks[3] + ticks[4];
        return new HostCpu(total, total - idle - ticks[7], ticks[7]);
    }

    /// <summary>The share of the machine's CPU time since <paramref name="earlier"/> the hypervisor took, in percent.</summary>
    public double StealPercentSince(HostCpu earlier) => Percent(Steal - earlier.Steal, Total - earlier.Total);

    /// <summary>The share of the machine's CPU time since <paramref name="earlier"/> that was busy (not idle, not stolen), in percent.</summary>
    public double BusyPercentSince(HostCpu earlier) => Percent(Busy - earlier.Busy, Total - earlier.Total);

    private static double Percent(long part, long whole) => whole > 0 ? Math.Round(part * 100.0 / whole, 1) : 0;
}
