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
    private async Task<MeasuredWindow> MeasureAsync(
        Subscriber[] subscribers, TopicLane[] lanes, Publisher publisher, RunMetrics metrics, int connected, CancellationToken cancellationToken)
    {
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
                dropped = await DropAsync(subscribers, stopPublishing.Token);
            }

            await ReportWhileAsync(publishing, "publishing", publisher, metrics, connected);
        }

        WindowEnd? end = null;
        if (scenario.Idle)
        {
            // Every held connection must still carry an event; that check is publishing, not idle work, so it is outside.
            end = Read(publisher, metrics);
            await publisher.PublishOnceToEachAsync(cancellationToken);
        }

        var expected = lanes.Sum(l => l.Acknowledged.Count * (long)l.Subscribers);
        await DrainAsync(metrics, expected, publisher, connected, cancellationToken);
        end ??= Read(publisher, metrics);
        var deliverySeconds = Math.Max((metrics.LastDelivery - start.Timestamp) / (double)Stopwatch.Frequency, 1e-3);
        return new MeasuredWindow(start, end, expected, deliverySeconds, dropped);
    }

    /// <summary>Everything the window's figures are differences of, read at one moment.</summary>
    private WindowEnd Read(Publisher publisher, RunMetrics metrics) => new(
        Stopwatch.GetTimestamp(),
        server.IsEmpty ? null : server.Sample(),
        Process.GetCurrentProcess().TotalProcessorTime,
        publisher.Acknowledged,
        metrics.Deliveries);
}

/// <summary>One end of the measured window.</summary>
internal sealed record WindowEnd(long Timestamp, ProcessSample? Server, TimeSpan BenchCpu, long Acknowledged, long Deliveries);

/// <summary>The measured window's two ends, and what the run saw within it.</summary>
internal sealed record MeasuredWindow(WindowEnd Start, WindowEnd End, long ExpectedDeliveries, double DeliverySeconds, Subscriber[] Dropped)
{
    /// <summary>Wall-clock seconds between the server's two readings: what its CPU % is per.</summary>
    public double? ServerSeconds => Start.Server is { } start && End.Server is { } end ? (end.At - start.At).TotalSeconds : null;

    /// <summary>CPU time the server's processes used between the two readings.</summary>
    public double? ServerCpuSeconds => Start.Server is { } start && End.Server is { } end ? (end.Cpu - start.Cpu).TotalSeconds : null;

    public double BenchCpuPercent =>
        (End.BenchCpu - Start.BenchCpu).TotalSeconds / Math.Max((End.Timestamp - Start.Timestamp) / (double)Stopwatch.Frequency, 1e-9) * 100;

    /// <summary>Events acknowledged within the window: not the priming events before it, nor an idle run's check events after it.</summary>
    public long Published => End.Acknowledged - Start.Acknowledged;

    /// <summary>Deliveries received within the window.</summary>
    public long Deliveries => End.Deliveries - Start.Deliveries;
}
