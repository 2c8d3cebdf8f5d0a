using System.Diagnostics.Metrics;

namespace Notify.Grains.Diagnostics;

/// <summary>How topic grains use the store: each append's duration and how many publishes it carried.</summary>
public sealed class TopicStoreMetrics
{
    private readonly Histogram<double> _appendDuration;
    private readonly Histogram<int> _appendBatchSize;

    public TopicStoreMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(NotifyTelemetry.Name);
        _appendDuration = meter.CreateHistogram<double>(
            "notify.store.append.duration", "s", "Time a topic grain waited for one append (a batch of publishes) to be stored.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5] });
        _appendBatchSize = meter.CreateHistogram<int>(
            "notify.store.append.batch_size", "{event}", "Publishes stored by one append: publishes that arrive while one is stored share the next.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 500] });
    }

    public void Appended(TimeSpan duration, int batchSize, bool stored)
    {
        var outcome = new KeyValuePair<string, object?>("notify.store.outcome", stored ? "stored" : "failed");
        _appendDuration.Record(duration.TotalSeconds, outcome);
        _appendBatchSize.Record(batchSize, outcome);
    }
}
