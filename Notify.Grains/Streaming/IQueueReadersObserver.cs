using Orleans.Concurrency;
using Orleans.Streams;

namespace Notify.Grains.Streaming;

/// <summary>
/// A silo's readers of one stream provider's queues, as a grain observer: a queue's doorbell passes a ring from a
/// producer on another silo on to the silo whose reader listens.
/// </summary>
public interface IQueueReadersObserver : IGrainObserver
{
    /// <summary>Wakes this silo's reader of <paramref name="queue"/>, if it still reads it. Fire-and-forget.</summary>
    [OneWay]
    Task RingAsync(QueueId queue);
}
