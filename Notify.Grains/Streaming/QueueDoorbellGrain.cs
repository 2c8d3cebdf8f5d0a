using Orleans.Streams;

namespace Notify.Grains.Streaming;

/// <summary>Passes rings on to the silos whose readers listen (see <see cref="IQueueDoorbellGrain"/>).</summary>
/// <remarks>
/// It holds no data, only leases. A lost activation forgets its listeners until they listen again (within their read
/// wait), and a reader that is not rung reads all the same when its wait ends. One reader listens at a time, except
/// while a queue is handed over, when the old one's lease runs out beside the new one's.
/// </remarks>
internal sealed class QueueDoorbellGrain(TimeProvider time) : Grain, IQueueDoorbellGrain
{
    private readonly List<Listener> _listeners = [];

    public Task RingAsync()
    {
        var now = time.GetTimestamp();
        for (var i = _listeners.Count - 1; i >= 0; i--)
        {
            var listener = _listeners[i];
            if (listener.Until <= now)
            {
                _listeners.RemoveAt(i);
                continue;
            }

            _ = listener.Readers.RingAsync(listener.Queue); // one-way: sent, not awaited
        }

        return Task.CompletedTask;
    }

    public Task ListenAsync(IQueueReadersObserver readers, QueueId queue, TimeSpan lease)
    {
        var listener = new Listener(readers, queue, time.GetTimestamp() + (long)(lease.TotalSeconds * time.TimestampFrequency));
        var at = _listeners.FindIndex(existing => existing.Readers.Equals(readers));
        if (at >= 0)
        {
            _listeners[at] = listener;
        }
        else
        {
            _listeners.Add(listener);
        }

        return Task.CompletedTask;
    }

    /// <summary>A silo's readers, rung for <see cref="Queue"/> until the timestamp <see cref="Until"/>.</summary>
    private readonly record struct Listener(IQueueReadersObserver Readers, QueueId Queue, long Until);
}
