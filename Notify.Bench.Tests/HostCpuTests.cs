using Notify.Bench.Measure;

namespace Notify.Bench.Tests;

/// <summary>The machine's CPU time from <c>/proc/stat</c>: what was busy, and what the hypervisor took.</summary>
public sealed class HostCpuTests
{
    [Fact]
    public void TheAggregateLine_GivesBusyAndStolenShares_OfTheTimeBetweenTwoReadings()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        var before = HostCpu.Parse("cpu  1000 0 500 8000 100 0 50 350 0 0")!.Value;
        var after = HostCpu.Parse("cpu  1600 0 700 8200 100 0 100 550 40 0")!.Value;

        // 1,250 ticks passed: 850 busy (user 600, system 200, softirq 50), 200 idle, 200 stolen; guest time is in user's.
        Assert.Equal(10_000, before.Total);
        Assert.Equal(1_550, before.Busy);
        Assert.Equal(350, before.Steal);
        Assert.Equal(11_250, after.Total);
        Assert.Equal(68.0, after.BusyPercentSince(before)); // 850 of 1,250 ticks
        Assert.Equal(16.0, after.StealPercentSince(before)); // 200 of 1,250 ticks
        Assert.Equal(0, before.StealPercentSince(before));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("cpu0 1 2 3 4 5 6 7 8 9 10")]
    [InlineData("cpu 1 2 3 4 5 6 7")]
    [InlineData("cpu 1 2 3 x 5 6 7 8 9 10")]
    public void AnythingButTheAggregateLine_IsRefused(string? line) => Assert.Null(HostCpu.Parse(line));

    [Fact]
    public void ThisMachine_HasProcStat() => Assert.NotNull(HostCpu.Read());
}
