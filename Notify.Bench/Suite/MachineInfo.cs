using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Notify.Bench.Suite;

/// <summary>What the benchmarks ran on, for the document's first section.</summary>
internal static class MachineInfo
{
    public static IReadOnlyList<(string Name, string Value)> Describe() =>
    [
        ("CPU", $"{Cpu()} ({Environment.ProcessorCount} cores visible)"),
        ("Memory", $"{MemoryGib():0.#} GiB"),
        ("OS", RuntimeInformation.OSDescription),
        (".NET", RuntimeInformation.FrameworkDescription),
        ("nginx / nchan", $"{Run("/usr/sbin/nginx", "-v")} / {Run("dpkg-query", "-W", "-f=${Version}", "libnginx-mod-nchan")}"),
    ];

    private static string Cpu() =>
        File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        ?? "unknown";

    private static double MemoryGib()
    {
        var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1048576.0;
    }

    private static string Run(string file, params string[] arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit();
            return output.Trim().Replace("nginx version: ", "", StringComparison.Ordinal);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not installed";
        }
    }
}
