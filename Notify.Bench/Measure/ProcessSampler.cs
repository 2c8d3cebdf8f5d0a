using System.Globalization;

namespace Notify.Bench.Measure;

/// <summary>One process of a server, named as the results show it (silo-1, gateway, garnet, nginx).</summary>
internal readonly record struct ServerProcess(int Id, string Name);

/// <summary>
/// CPU time and resident memory of a server's processes, read from <c>/proc</c>: the given processes and all their
/// descendants (nginx's workers, for instance), in total and per given process (its descendants counted with it).
/// </summary>
internal sealed class ProcessSampler(IReadOnlyList<ServerProcess> processes)
{
    // /proc/<pid>/stat counts CPU time in clock ticks; USER_HZ is 100 on Linux.
    private const double TicksPerSecond = 100;

    /// <summary>A sampler of processes known only by their ids, each named by it.</summary>
    public ProcessSampler(IReadOnlyList<int> processIds)
        : this([.. processIds.Select(id => new ServerProcess(id, id.ToString(CultureInfo.InvariantCulture)))])
    {
    }

    public IReadOnlyList<ServerProcess> Processes => processes;

    public bool IsEmpty => processes.Count == 0;

    public ProcessSample Sample()
    {
        var family = Family();
        var ticks = new long[processes.Count];
        long rss = 0;
        foreach (var (pid, process) in family)
        {
            if (TryReadStat(pid, out _, out var cpu))
            {
                ticks[process] += cpu;
            }

            rss += ReadResidentBytes(pid);
        }

        return new ProcessSample(
            DateTime.UtcNow,
            TimeSpan.FromSeconds(ticks.Sum() / TicksPerSecond),
            rss,
            family.Count,
            [.. ticks.Select(t => TimeSpan.FromSeconds(t / TicksPerSecond))]);
    }

    /// <summary>Every live process of the server, with the index of the given process it is (or descends from).</summary>
    private Dictionary<int, int> Family()
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

        var family = new Dictionary<int, int>();
        for (var i = 0; i < processes.Count; i++)
        {
            if (parents.ContainsKey(processes[i].Id))
            {
                family.TryAdd(processes[i].Id, i);
            }
        }

        for (var added = true; added;)
        {
            added = false;
            foreach (var (pid, parent) in parents)
            {
                if (!family.ContainsKey(pid) && family.TryGetValue(parent, out var process))
                {
                    family.Add(pid, process);
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

/// <summary>
/// One reading of a server's processes: their CPU time in total and per <see cref="ProcessSampler.Processes"/> entry
/// (<paramref name="CpuByProcess"/>, in the same order), their memory, and how many processes were read.
/// </summary>
internal readonly record struct ProcessSample(DateTime At, TimeSpan Cpu, long ResidentBytes, int Processes, IReadOnlyList<TimeSpan> CpuByProcess)
{
    /// <summary>CPU used since <paramref name="earlier"/>, in percent of one core.</summary>
    public double CpuPercentSince(ProcessSample earlier) =>
        (Cpu - earlier.Cpu).TotalSeconds / Math.Max((At - earlier.At).TotalSeconds, 1e-9) * 100;

    /// <summary>CPU each process (with its descendants) used since <paramref name="earlier"/>, in percent of one core.</summary>
    public IEnumerable<double> CpuPercentByProcessSince(ProcessSample earlier)
    {
        var seconds = Math.Max((At - earlier.At).TotalSeconds, 1e-9);
        return CpuByProcess.Zip(earlier.CpuByProcess, (now, then) => (now - then).TotalSeconds / seconds * 100);
    }
}
