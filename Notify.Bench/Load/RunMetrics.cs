using System.Diagnostics;
using HdrHistogram;

namespace Notify.Bench.Load;

/// <summary>
/// What every subscriber and publisher of one run records into. Histograms are per thread and merged when
/// read, so recording takes no lock and shares no cache line between threads; read them once the run stopped.
/// </summary>
internal sealed class RunMetrics : IDisposable
{
    private const long MaxMicroseconds = 10L * 60 * 1_000_000;
    private readonly ThreadLocal<LongHistogram> _latency = new(NewHistogram, trackAllValues: true);
    private readonly ThreadLocal<LongHistogram> _roundTrip = new(NewHistogram, trackAllValues: true);
    private readonly List<Subscriber> _subscribers = [];

    /// <summary>Publish to receive, microseconds, for events sent while the subscriber was connected.</summary>
    public HistogramBase Latency => Merge(_latency);

    /// <summary>POST round trips, microseconds.</summary>
    public HistogramBase PublishRoundTrip => Merge(_roundTrip);

    /// <summary>Each subscriber's first receipt of each event, over all subscribers.</summary>
    public long Deliveries
    {
        get
        {
            lock (_subscribers)
            {
                return _subscribers.Sum(s => s.Deliveries);
            }
        }
    }

    /// <summary>When the last delivery was received (a <see cref="Stopwatch"/> timestamp).</summary>
    public long LastDelivery
    {
        get
        {
            lock (_subscribers)
            {
                return _subscribers.Count == 0 ? 0 : _subscribers.Max(s => s.LastDelivery);
            }
        }
    }

    /// <summary>Set while publishing as fast as possible; null at a fixed rate.</summary>
    public DeliveryWindow? Window { get; init; }

    public void Track(Subscriber subscriber)
    {
        lock (_subscribers)
        {
            _subscribers.Add(subscriber);
        }
    }

    public void Delivered(long sentAt, long receivedAt, bool live)
    {
        Window?.Delivered();
        if (live)
        {
            _latency.Value!.RecordValue(Math.Clamp(ToMicroseconds(receivedAt - sentAt), 1, MaxMicroseconds));
        }
    }

    public void Published(long roundTripTicks) =>
        _roundTrip.Value!.RecordValue(Math.Clamp(ToMicroseconds(roundTripTicks), 1, MaxMicroseconds));

    public static long ToMicroseconds(long stopwatchTicks) => stopwatchTicks * 1_000_000 / Stopwatch.Frequency;

    public void Dispose()
    {
        _latency.Dispose();
        _roundTrip.Dispose();
    }

    private static LongHistogram NewHistogram() => new(1, MaxMicroseconds, 3);

    private static LongHistogram Merge(ThreadLocal<LongHistogram> perThread)
    {
        var merged = NewHistogram();
        foreach (var histogram in perThread.Values)
        {
            merged.Add(histogram);
        }

        return merged;
    }
}
