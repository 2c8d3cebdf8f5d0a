namespace Notify.Grains.Streaming;

/// <summary>
/// One queue of a long-poll stream provider: producers on any silo append batches; the pulling agent
/// that owns the queue takes them, waiting for data instead of polling on a timer.
/// </summary>
public interface ILongPollQueueGrain : IGrainWithStringKey
{
    /// <summary>Appends a batch and wakes a waiting reader. Fails when the queue holds its maximum.</summary>
    Task EnqueueAsync(LongPollBatch batch);

    /// <summary>
    /// Takes up to <paramref name="maxCount"/> batches, oldest first. When the queue is empty, completes
    /// as soon as a batch arrives, or empty after <paramref name="wait"/> or when cancelled.
    /// </summary>
    Task<LongPollBatch[]> DequeueAsync(int maxCount, TimeSpan wait, CancellationToken cancellationToken);
}
