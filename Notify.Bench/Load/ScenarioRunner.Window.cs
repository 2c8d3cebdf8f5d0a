using System.Diagnostics;
using Notify.Bench.Measure;

namespace Notify.Bench.Load;

/// <summary>
/// The measured window of a run: from just before publishing starts (an idle run: holding its connections) until every
/// acknowledged event has arrived (an idle run: until holding ends, before its one check event per topic). The server's
/// CPU, the generator's CPU, and the events and deliveries that CPU is divided by are all read at its two ends.
/// </summary>
internal sealed partial class ScenarioRunner
{
    private async Task<MeasuredWindow> MeasureAsync(RunParts run, CancellationToken cancellationToken)
    {
        var (publisher, metrics) = (run.Publisher, run.Metrics);
        await HoldBeforeMeasuringAsync(run, cancellationToken);
        var start = Read(publisher, metrics);
        metrics.StartTimeline();
        var dropped = Array.Empty<Subscriber>();
        using (var stopPublishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var publishing = scenario.Idle
                ? Task.Delay(scenario.Duration, cancellationToken)
                : publisher.RunAsync(scenario.Rate, stopPublishing.Token);
            stopPublishing.CancelAfter(scenario.Duration);
            if (scenario.DropFraction > 0)
            {
                dropped = await DropAsync(run.Subscribers, stopPublishing.Token);
            }

            await ReportWhileAsync(publishing, "publishing", publisher, metrics, run.Connected);
        }

        WindowEnd? end = null;
        IReadOnlyList<double> cpuTimeline = [];
        if (scenario.Idle)
        {
            // Every held connection must still carry an event; that check is publishing, not idle work, so it is outside.
            end = Read(publisher, metrics);
            cpuTimeline = run.CpuTimeline is { } timeline ? await timeline.StopAsync() : [];
            await publisher.PublishOnceToEachAsync(cancellationToken);
        }

        var expected = run.Lanes.Sum(l => l.Acknowledged.Count * (long)l.Subscribers);
        await DrainAsync(metrics, expected, publisher, run.Connected, cancellationToken);
        end ??= Read(publisher, metrics);
        var deliverySeconds = Math.Max((metrics.LastDelivery - start.Timestamp) / (double)Stopwatch.Frequency, 1e-3);
        var fromConnected = (start.Timestamp - run.ConnectedAt) / (double)Stopwatch.Frequency;
        return new MeasuredWindow(start, end, expected, deliverySeconds, dropped, fromConnected, cpuTimeline);
    }

    /// <summary>For an idle run measured a while after connecting: holds the connections until then.</summary>
    private async Task HoldBeforeMeasuringAsync(RunParts run, CancellationToken cancellationToken)
    {
        var wait = scenario.MeasureAfterConnected is { } after ? after - Stopwatch.GetElapsedTime(run.ConnectedAt) : TimeSpan.Zero;
        if (wait > TimeSpan.Zero)
        {
            await ReportWhileAsync(Task.Delay(wait, cancellationToken), $"holding {wait.TotalSeconds:0} s before measuring", run.Publisher, run.Metrics, run.Connected);
        }
    }

    /// <summary>Everything the window's figures are differences of, read at one moment.</summary>
    private WindowEnd Read(Publisher publisher, RunMetrics metrics) => new(
        Stopwatch.GetTimestamp(),
        server.IsEmpty ? null : server.Sample(),
        Process.GetCurrentProcess().TotalProcessorTime,
        HostCpu.Read(),
        publisher.Acknowledged,
        metrics.Deliveries);
}

/// <summary>One end of the measured window.</summary>
internal sealed record WindowEnd(long Timestamp, ProcessSample? Server, TimeSpan BenchCpu, HostCpu? Host, long Acknowledged, long Deliveries);

/// <summary>What the measured window works with: the run's connected subscribers, its topics, publisher and metrics.</summary>
internal sealed record RunParts(
    Subscriber[] Subscribers, TopicLane[] Lanes, Publisher Publisher, RunMetrics Metrics, int Connected, long ConnectedAt, CpuTimeline? CpuTimeline);

/// <summary>
/// The measured window's two ends, and what the run saw within it; <paramref name="FromConnectedSeconds"/> is when it
/// started after every subscriber had connected, and an idle run's <paramref name="ServerCpuTimeline"/> the server's CPU
/// in each second from then until the window ended.
/// </summary>
internal sealed record MeasuredWindow(
    WindowEnd Start,
    WindowEnd End,
    long ExpectedDeliveries,
    double DeliverySeconds,
    Subscriber[] Dropped,
    double FromConnectedSeconds,
    IReadOnlyList<double> ServerCpuTimeline)
{
    /// <summary>Wall-clock seconds between the server's two readings: what its CPU % is per.</summary>
    public double? ServerSeconds => Start.Server is { } start && End.Server is { } end ? (end.At - start.At).TotalSeconds : null;

    /// <summary>CPU time the server's processes used between the two readings.</summary>
    public double? ServerCpuSeconds => Start.Server is { } start && End.Server is { } end ? (end.Cpu - start.Cpu).TotalSeconds : null;

    public double BenchCpuPercent =>
        (End.BenchCpu - Start.BenchCpu).TotalSeconds / Math.Max((End.Timestamp - Start.Timestamp) / (double)Stopwatch.Frequency, 1e-9) * 100;

    /// <summary>The share of the machine's CPU time the hypervisor took within the window, in percent; null without <c>/proc/stat</c>.</summary>
    public double? HostStealPercent => End.Host is { } end && Start.Host is { } start ? end.StealPercentSince(start) : null;

    /// <summary>The share of the machine's CPU time that was busy within the window (every process, the generator's too), in percent.</summary>
    public double? HostBusyPercent => End.Host is { } end && Start.Host is { } start ? end.BusyPercentSince(start) : null;

    /// <summary>Events acknowledged within the window: not the priming events before it, nor an idle run's check events after it.</summary>
    public long Published => End.Acknowledged - Start.Acknowledged;

    /// <summary>Deliveries received within the window.</summary>
    public long Deliveries => End.Deliveries - Start.Deliveries;
}
