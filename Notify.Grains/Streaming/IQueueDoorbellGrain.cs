using Orleans.Concurrency;
using Orleans.Streams;

namespace Notify.Grains.Streaming;

/// <summary>
/// The doorbell of one stream queue, for producers on other silos than the queue's reader: they ring it after
/// enqueueing, and it passes the ring on to the silo whose reader listens. Producers on the reader's own silo wake it
/// in-process (<see cref="LocalQueueReaders"/>) and do not call here.
/// </summary>
public interface IQueueDoorbellGrain : IGrainWithStringKey
{
    /// <summary>Passes a ring on to the listening readers. Fire-and-forget: a producer never waits for it.</summary>
    [OneWay]
    Task RingAsync();

    /// <summary>
    /// Passes rings on to <paramref name="readers"/>, for its reader of <paramref name="queue"/>, until
    /// <paramref name="lease"/> has passed; a reader listens again before its lease ends.
    /// </summary>
    Task ListenAsync(IQueueReadersObserver readers, QueueId queue, TimeSpan lease);
}
