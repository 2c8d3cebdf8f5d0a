using System.Diagnostics;
using Notify.Bench.Measure;
using Notify.Testing;

namespace Notify.Bench.Tests;

/// <summary>A server's CPU from <c>/proc</c>: in total, and per named process with its descendants.</summary>
public sealed class ProcessSamplerTests
{
    [Fact]
    public async Task EachNamedProcess_IsCharged_ForItsOwnCpu_AndItsDescendants()
    {
        // The named process (timeout) is idle; its child spins, as a server's worker would. The other one sleeps (not this
        // test process: other tests run in it meanwhile).
        await using var idle = ChildProcess.Start("sleeper", new ProcessStartInfo("sleep", ["20"]));
        await using var busy = ChildProcess.Start("spinner", new ProcessStartInfo("timeout", ["20", "sh", "-c", "while :; do :; done"]));
        var sampler = new ProcessSampler([new ServerProcess(idle.ProcessId, "sleeper"), new ServerProcess(busy.ProcessId, "spinner")]);
        var before = sampler.Sample();
        await Eventually.TrueAsync(() => sampler.Sample().CpuByProcess[1] - before.CpuByProcess[1] >= TimeSpan.FromSeconds(0.5), "the spinner uses CPU");

        var after = sampler.Sample();
        await busy.StopAsync();
        await idle.StopAsync();

        var spent = after.CpuByProcess.Zip(before.CpuByProcess, (then, now) => then - now).ToList();
        Assert.True(spent[1] >= TimeSpan.FromSeconds(0.5), $"the spinner was charged {spent[1]}");
        Assert.True(spent[0] < TimeSpan.FromSeconds(0.1), $"the sleeper was charged {spent[0]}, the spinner {spent[1]}");
        Assert.InRange((after.Cpu - before.Cpu - spent[0] - spent[1]).Duration(), TimeSpan.Zero, TimeSpan.FromMilliseconds(1));
        var percent = after.CpuPercentByProcessSince(before).ToList();
        Assert.Equal(2, percent.Count);
        Assert.True(percent[1] > 0);
    }
}
