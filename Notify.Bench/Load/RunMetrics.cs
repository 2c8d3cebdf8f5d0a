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
    // One per-thread lookup per delivery: the latency histogram and the timeline live together.
    private readonly ThreadLocal<(LongHistogram Latency, SecondBuckets Seconds)> _delivered =
        new(() => (NewHistogram(), new SecondBuckets()), trackAllValues: true);
    private readonly ThreadLocal<LongHistogram> _roundTrip = new(NewHistogram, trackAllValues: true);
    private readonly List<Subscriber> _subscribers = [];
    private long _start = Stopwatch.GetTimestamp();

    /// <summary>Publish to receive, microseconds, for events sent while the subscriber was connected.</summary>
    public HistogramBase Latency => Merge(_delivered.Values.Select(d => d.Latency));

    /// <summary>POST round trips, microseconds.</summary>
    public HistogramBase PublishRoundTrip => Merge(_roundTrip.Values);

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

    /// <summary>False while priming: deliveries are counted, latencies are not.</summary>
    public bool Recording { get; set; } = true;

    /// <summary>Starts the per-second timeline at the beginning of the measured publishing.</summary>
    public void StartTimeline() => _start = Stopwatch.GetTimestamp();

    public void Delivered(long sentAt, long receivedAt, bool live)
    {
        Window?.Delivered();
        if (live && Recording)
        {
            var microseconds = Math.Clamp(ToMicroseconds(receivedAt - sentAt), 1, MaxMicroseconds);
            var (latency, seconds) = _delivered.Value;
            latency.RecordValue(microseconds);
            seconds.Record((receivedAt - Volatile.Read(ref _start)) / Stopwatch.Frequency, microseconds);
        }
    }

    /// <summary>Per second of the measured run: live deliveries, the slowest, and how many took over 10 ms.</summary>
    public IReadOnlyList<SecondSummary> Timeline()
    {
        var all = _delivered.Values.Select(d => d.Seconds).ToList();
        var length = all.Count == 0 ? 0 : all.Max(b => b.Length);
        return Enumerable.Range(0, length)
            .Select(i => new SecondSummary(
                i,
                all.Sum(b => b.Count(i)),
                Math.Round(all.Max(b => b.Max(i)) / 1000.0, 2),
                all.Sum(b => b.Slow(i))))
            .ToList();
    }

    public void Published(long roundTripTicks) =>
        _roundTrip.Value!.RecordValue(Math.Clamp(ToMicroseconds(roundTripTicks), 1, MaxMicroseconds));

    public static long ToMicroseconds(long stopwatchTicks) => stopwatchTicks * 1_000_000 / Stopwatch.Frequency;

    public void Dispose()
    {
        _delivered.Dispose();
        _roundTrip.Dispose();
    }

    private static LongHistogram NewHistogram() => new(1, MaxMicroseconds, 3);

    private static LongHistogram Merge(IEnumerable<LongHistogram> perThread)
    {
        var merged = NewHistogram();
        foreach (var histogram in perThread)
        {
            merged.Add(histogram);
        }

        return merged;
    }
}

/// <summary>One second of a run's timeline.</summary>
internal sealed record SecondSummary(int Second, long Deliveries, double MaxMs, long Over10Ms);

/// <summary>One thread's per-second counts; only its thread writes it.</summary>
internal sealed class SecondBuckets
{
    private const int Seconds = 3_600;
    private readonly long[] _count = new long[Seconds];
    private readonly long[] _max = new long[Seconds];
    private readonly long[] _slow = new long[Seconds];

    public int Length { get; private set; }

    public void Record(long second, long microseconds)
    {
        if (second is < 0 or >= Seconds)
        {
            return;
        }

        var i = (int)second;
        _count[i]++;
        _max[i] = Math.Max(_max[i], microseconds);
        if (microseconds > 10_000)
        {
            _slow[i]++;
        }

        Length = Math.Max(Length, i + 1);
    }

    public long Count(int second) => second < Length ? _count[second] : 0;

    public long Max(int second) => second < Length ? _max[second] : 0;

    public long Slow(int second) => second < Length ? _slow[second] : 0;
}
