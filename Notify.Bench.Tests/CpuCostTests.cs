using Notify.Bench.Report;

namespace Notify.Bench.Tests;

/// <summary>The server's CPU per 1,000 events and per 1,000,000 deliveries, from the measured window's figures.</summary>
public sealed class CpuCostTests
{
    [Fact]
    public void DividesTheWindowsCpuSeconds_ByWhatWasPublishedAndDeliveredInIt()
    {
        // 70 % of a core over a 30.5 s window is 21.35 CPU-seconds, for 61,000 events and 610,000 deliveries in that window;
        // the totals (primed events included) are not what the CPU is divided by.
        var result = SampleRuns.Result("manytopics", "notify") with
        {
            MeasuredSeconds = 30.5,
            ServerCpuSeconds = 21.35,
            ServerCpuPercent = 70,
            Published = 62_000,
            MeasuredPublished = 61_000,
            Deliveries = 620_000,
            MeasuredDeliveries = 610_000,
        };

        Assert.Equal(0.35, CpuCost.PerThousandEvents(result)!.Value, precision: 9);
        Assert.Equal(35.0, CpuCost.PerMillionDeliveries(result)!.Value, precision: 9);
        Assert.Equal(result.ServerCpuPercent!.Value / 100 * result.MeasuredSeconds!.Value, result.ServerCpuSeconds!.Value, precision: 9);
    }

    [Fact]
    public void IsNull_WithoutServerCpu_OrWithNothingPublishedInTheWindow()
    {
        var notMeasured = SampleRuns.Result("fanout", "hub") with { ServerCpuSeconds = null, MeasuredPublished = 1_000, MeasuredDeliveries = 1_000 };
        var idle = SampleRuns.Result("idle", "notify") with { ServerCpuSeconds = 1.7, MeasuredPublished = 0, MeasuredDeliveries = 0 };

        Assert.Null(CpuCost.PerThousandEvents(notMeasured));
        Assert.Null(CpuCost.PerMillionDeliveries(notMeasured));
        Assert.Null(CpuCost.PerThousandEvents(idle));
        Assert.Null(CpuCost.PerMillionDeliveries(idle));
    }
}
