using System.Collections.Concurrent;
using Orleans.Streams;

namespace Notify.Grains.Streaming;

/// <summary>
/// This silo's readers of one stream provider's queues, by queue. A producer on this silo wakes the queue's reader here
/// in-process, with no grain call; the queues' doorbells ring this object (a grain observer) for producers elsewhere.
/// </summary>
/// <remarks>
/// One observer for all of the silo's queues, made once and kept for the silo's life: a ring for a queue this silo no
/// longer reads is dropped here, where a deleted observer would make Orleans log an error for each one still on its way.
/// </remarks>
internal sealed class LocalQueueReaders : IQueueReadersObserver
{
    private readonly ConcurrentDictionary<QueueId, QueueReaderSignal> _readers = new();
    private readonly Func<IQueueReadersObserver, IQueueReadersObserver> _createReference;
    private readonly Lock _referenceLock = new();
    private Task<IQueueReadersObserver>? _reference;

    /// <param name="createReference">Makes this object's observer reference (<c>IGrainFactory.CreateObjectReference</c>).</param>
    public LocalQueueReaders(Func<IQueueReadersObserver, IQueueReadersObserver> createReference) => _createReference = createReference;

    /// <summary>This silo's reader of <paramref name="queue"/> is <paramref name="signal"/> from now on.</summary>
    public void Add(QueueId queue, QueueReaderSignal signal) => _readers[queue] = signal;

    /// <summary>The reader <paramref name="signal"/> of <paramref name="queue"/> has stopped.</summary>
    public void Remove(QueueId queue, QueueReaderSignal signal) => _readers.TryRemove(new(queue, signal));

    /// <summary>Wakes this silo's reader of <paramref name="queue"/>; false when the queue is read elsewhere (or not yet).</summary>
    public bool TryRing(QueueId queue)
    {
        if (!_readers.TryGetValue(queue, out var signal))
        {
            return false;
        }

        signal.Ring();
        return true;
    }

    /// <summary>The observer reference a doorbell rings.</summary>
    public Task<IQueueReadersObserver> ReferenceAsync()
    {
        lock (_referenceLock)
        {
            // Orleans refuses to make an object reference on a grain's or a system target's thread, and the pulling
            // agents that ask for it run on theirs: made on the thread pool, once (again only if that failed).
            if (_reference is null || _reference.IsFaulted)
            {
                _reference = Task.Run(() => _createReference(this));
            }

            return _reference;
        }
    }

    Task IQueueReadersObserver.RingAsync(QueueId queue)
    {
        TryRing(queue);
        return Task.CompletedTask;
    }
}
