using System.Globalization;

namespace Notify.Bench.Measure;

/// <summary>
/// CPU time and resident memory of a server's processes, read from <c>/proc</c>: the given process ids
/// and all their descendants (nginx's workers, for instance).
/// </summary>
internal sealed class ProcessSampler(IReadOnlyList<int> processIds)
{
    // /proc/<pid>/stat counts CPU time in clock ticks; USER_HZ is 100 on Linux.
    private const double TicksPerSecond = 100;

    public IReadOnlyList<int> ProcessIds => processIds;

    public bool IsEmpty => processIds.Count == 0;

    public ProcessSample Sample()
    {
        var family = Family();
        long ticks = 0;
        long rss = 0;
        foreach (var pid in family)
        {
            if (TryReadStat(pid, out _, out var cpu))
            {
                ticks += cpu;
            }

            rss += ReadResidentBytes(pid);
        }

        return new ProcessSample(DateTime.UtcNow, TimeSpan.FromSeconds(ticks / TicksPerSecond), rss, family.Count);
    }

    private List<int> Family()
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryReadStat(pid, out var parent, out _))
            {
                parents[pid] = parent;
            }
        }

        var family = processIds.Where(parents.ContainsKey).ToList();
        for (var added = true; added;)
        {
            added = false;
            foreach (var (pid, parent) in parents)
            {
                if (family.Contains(parent) && !family.Contains(pid))
                {
                    family.Add(pid);
                    added = true;
                }
            }
        }

        return family;
    }

    private static bool TryReadStat(int pid, out int parent, out long cpuTicks)
    {
        parent = 0;
        cpuTicks = 0;
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        // The command name is in parentheses and may hold spaces: fields are counted after the last ')'.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        parent = int.Parse(fields[1], CultureInfo.InvariantCulture);
        cpuTicks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>
    /// The proportional set size: resident memory with pages shared between processes (nginx's shared
    /// memory zone, libraries) divided among them, so a sum over processes counts each page once.
    /// </summary>
    private static long ReadResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                if (line.StartsWith("Pss:", StringComparison.Ordinal))
                {
                    var kib = line["Pss:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return 0;
    }
}

/// <summary>One reading of a server's processes.</summary>
internal readonly record struct ProcessSample(DateTime At, TimeSpan Cpu, long ResidentBytes, int Processes)
{
    /// <summary>CPU used since <paramref name="earlier"/>, in percent of one core.</summary>
    public double CpuPercentSince(ProcessSample earlier) =>
        (Cpu - earlier.Cpu).TotalSeconds / Math.Max((At - earlier.At).TotalSeconds, 1e-9) * 100;
}
