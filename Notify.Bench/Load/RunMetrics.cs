using System.Diagnostics;
using HdrHistogram;

namespace Notify.Bench.Load;

/// <summary>What every subscriber and publisher of one run records into; safe for concurrent use.</summary>
internal sealed class RunMetrics
{
    private const long MaxMicroseconds = 10L * 60 * 1_000_000;
    private long _deliveries;
    private long _lastDelivery;

    /// <summary>Publish to receive, microseconds, for events sent while the subscriber was connected.</summary>
    public LongConcurrentHistogram Latency { get; } = new(1, MaxMicroseconds, 3);

    /// <summary>POST round trips, microseconds.</summary>
    public LongConcurrentHistogram PublishRoundTrip { get; } = new(1, MaxMicroseconds, 3);

    /// <summary>Each subscriber's first receipt of each event.</summary>
    public long Deliveries => Interlocked.Read(ref _deliveries);

    /// <summary>When the last delivery was received (a <see cref="Stopwatch"/> timestamp).</summary>
    public long LastDelivery => Interlocked.Read(ref _lastDelivery);

    /// <summary>Set while publishing as fast as possible; null at a fixed rate.</summary>
    public DeliveryWindow? Window { get; init; }

    public void Delivered(long sentAt, long receivedAt, bool live)
    {
        Interlocked.Increment(ref _deliveries);
        Interlocked.Exchange(ref _lastDelivery, receivedAt);
        Window?.Delivered();
        if (live)
        {
            Latency.RecordValue(Math.Clamp(ToMicroseconds(receivedAt - sentAt), 1, MaxMicroseconds));
        }
    }

    public void Published(long roundTripTicks) =>
        PublishRoundTrip.RecordValue(Math.Clamp(ToMicroseconds(roundTripTicks), 1, MaxMicroseconds));

    public static long ToMicroseconds(long stopwatchTicks) => stopwatchTicks * 1_000_000 / Stopwatch.Frequency;
}
