using Orleans.Streams;

namespace Notify.Grains.Streaming;

/// <summary>
/// Reads a memory stream queue for its pulling agent; when the queue is empty, waits for a ring and reads again, so the
/// agent gets new data as soon as it is enqueued.
/// </summary>
/// <remarks>
/// After a read that emptied the queue, the next read first waits for a ring (<see cref="QueueReaderSignal"/>, in this
/// process): producers on this silo ring it directly, producers elsewhere through the queue's doorbell, which this reader
/// tells once per read wait that it listens. No ring is missed: the count a wait compares against was read before the
/// read that emptied the queue, and a producer rings only after its enqueue completed. So either that read saw the data,
/// or the ring came after the count was read and the wait returns at once. A ring can be lost on its way from another
/// silo (the doorbell's silo left, or had forgotten this reader): the wait ends after the read wait all the same, and
/// when a listen is due the queue is read without waiting, for the rings a lapsed lease may have missed.
/// </remarks>
internal sealed class DoorbellQueueReceiver : IQueueAdapterReceiver, IDisposable
{
    private readonly QueueId _queueId;
    private readonly IQueueAdapterReceiver _queue;
    private readonly LocalQueueReaders _readers;
    private readonly IQueueDoorbellGrain _doorbell;
    private readonly TimeSpan _readWait;
    private readonly TimeProvider _time;
    private readonly QueueReaderSignal _signal;

    private Task? _listening;
    private long _seenRings = -1;
    private long _listenDue = long.MinValue; // the timestamp from which the doorbell is next told this reader listens
    private bool _drained = true; // the last read emptied the queue (or none was made yet): wait for a ring before reading

    public DoorbellQueueReceiver(QueueId queueId, IQueueAdapterReceiver queue, LocalQueueReaders readers, IQueueDoorbellGrain doorbell, TimeSpan readWait, TimeProvider time)
    {
        _queueId = queueId;
        _queue = queue;
        _readers = readers;
        _doorbell = doorbell;
        _readWait = readWait;
        _time = time;
        _signal = new QueueReaderSignal(time);
    }

    /// <summary>
    /// How long the doorbell passes rings on after a listen: listens come once per read wait while the queue is waited
    /// on, and a reader that never ran dry for longer reads without waiting after its next listen.
    /// </summary>
    private TimeSpan Lease => _readWait * 3;

    public Task Initialize(TimeSpan timeout) => Initialize(timeout, CancellationToken.None);

    public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken)
    {
        _readers.Add(_queueId, _signal);
        return _queue.Initialize(timeout, cancellationToken);
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        // The queue itself is read without the agent's token: a read takes a moment, and Orleans' memory-queue reader
        // logs a read its token cancelled (every stop of a silo) as a failed read, an error, before it throws.
        if (cancellationToken.IsCancellationRequested)
        {
            return [];
        }

        if (_drained)
        {
            // The last read took all there was: a read now would most likely find nothing (on a quiet topic, a queue
            // read per event for nothing). The wait ends at once if anything was rung since that read.
            if (_time.GetTimestamp() >= _listenDue)
            {
                Listen(); // and read at once: rings from elsewhere may have been lost while the last lease lapsed
            }
            else
            {
                await _signal.WaitAsync(_seenRings, _readWait, cancellationToken);
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return []; // the agent is letting the queue go (a silo joined and took it, or this one stops)
            }
        }

        _seenRings = _signal.Rings; // before the read: a ring after it moves the count
        var messages = await _queue.GetQueueMessagesAsync(maxCount, CancellationToken.None);
        _drained = maxCount < 0 || messages.Count < maxCount;
        return messages;
    }

    /// <summary>
    /// Tells the doorbell this reader listens, without waiting for its answer: a doorbell on a frozen silo must not hold
    /// this queue's reads (every topic on it) until the call times out. One listen at a time.
    /// </summary>
    private void Listen()
    {
        _listenDue = _time.GetTimestamp() + (long)(_readWait.TotalSeconds * _time.TimestampFrequency);
        if (_listening is { IsCompleted: false })
        {
            return;
        }

        _listening = ListenAsync();
    }

    private async Task ListenAsync()
    {
        try
        {
            await _doorbell.ListenAsync(await _readers.ReferenceAsync(), _queueId, Lease);
        }
        catch (Exception exception) when (exception is OrleansException or TimeoutException or ObjectDisposedException)
        {
            // The doorbell's silo left, is stopping or is frozen, or this one is stopping: rings from elsewhere may be
            // lost until the next listen, and the waits until then end after the read wait, as a lost ring's would.
        }
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => _queue.MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) =>
        _queue.MessagesDeliveredAsync(messages, cancellationToken);

    public Task Shutdown(TimeSpan timeout) => Shutdown(timeout, CancellationToken.None);

    public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Dispose();
        return _queue.Shutdown(timeout, cancellationToken);
    }

    /// <summary>Stops being rung, and ends a wait in progress (Orleans calls <see cref="Shutdown(TimeSpan, CancellationToken)"/>, which does this).</summary>
    public void Dispose()
    {
        _readers.Remove(_queueId, _signal);
        _signal.Dispose();
    }
}
