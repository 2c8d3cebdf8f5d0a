using Orleans.Streams;

namespace Notify.Grains.Streaming;

/// <summary>
/// Reads a memory stream queue for its pulling agent; when the queue is empty, waits on the queue's
/// doorbell and reads again, so the agent gets new data as soon as it is enqueued.
/// </summary>
/// <remarks>
/// After a read that emptied the queue, the next read first waits for a ring: one grain call per wake-up instead of a
/// read that finds nothing and then the wait. No ring is missed: the count a wait compares against was read before the
/// read that emptied the queue, and a producer rings only after its enqueue completed. So either that read saw the
/// data, or the ring came after the count was read and the wait returns at once.
/// The doorbell only says when to read: when it cannot be reached (its silo just left), the reader reads all the same,
/// and while it declines to wait (its silo is stopping) the reader polls the queue instead of asking it again and again.
/// </remarks>
internal sealed class DoorbellQueueReceiver(IQueueAdapterReceiver queue, IQueueDoorbellGrain doorbell, TimeSpan readWait)
    : IQueueAdapterReceiver
{
    /// <summary>How often the queue is read while its doorbell is not asked (it declined to wait: its silo is stopping).</summary>
    private static readonly TimeSpan PollWhileDeclined = TimeSpan.FromMilliseconds(20);

    private long _seenRings = -1; // no count yet: the first wait returns at once with the current one
    private long _declinedUntil; // Environment.TickCount64 until which the doorbell is not asked
    private bool _drained = true; // the last read emptied the queue (or none was made yet): wait for a ring before reading

    public Task Initialize(TimeSpan timeout) => queue.Initialize(timeout, CancellationToken.None);

    public Task Initialize(TimeSpan timeout, CancellationToken cancellationToken) => queue.Initialize(timeout, cancellationToken);

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        // The queue itself is read without the agent's token: a read takes a moment, and Orleans' memory-queue reader
        // logs a read its token cancelled (every stop of a silo) as a failed read, an error, before it throws.
        try
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return [];
            }

            if (_drained)
            {
                // The last read took all there was: a read now would most likely find nothing (on a quiet topic, a queue
                // read per event for nothing). The doorbell answers at once if anything was enqueued since that read.
                await WaitForRingAsync(cancellationToken);
                if (cancellationToken.IsCancellationRequested)
                {
                    return [];
                }
            }

            var messages = await queue.GetQueueMessagesAsync(maxCount, CancellationToken.None);
            _drained = maxCount < 0 || messages.Count < maxCount;
            return messages;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The agent is letting the queue go (a silo joined and took it, or this one stops): a read it cancelled
            // simply read nothing. Thrown, it would be logged as a failed read, an error, on every rebalance.
            return [];
        }
    }

    private async Task WaitForRingAsync(CancellationToken cancellationToken)
    {
        // The agent's token does not go with the call (the doorbell takes none): cancelling a grain call sends the
        // doorbell a cancellation message, and when the doorbell's silo is stopping that message cannot be addressed,
        // which Orleans logs as an error. The wait is bounded (readWait, and it ends at once when the doorbell's silo
        // stops); cancelled, this side just stops waiting for its answer.
        if (cancellationToken.IsCancellationRequested)
        {
            return; // the agent let go while the queue was read: no call (its silo may be stopping, and could not address it)
        }

        if (Environment.TickCount64 < _declinedUntil)
        {
            // Its silo is stopping. Asked in a loop, it would get a call after another until its activation left, and
            // the first call after that is refused there with a warning: the queue is polled instead, for a while.
            await Task.Delay(PollWhileDeclined, cancellationToken);
            return;
        }

        var asked = _seenRings;
        var askedAt = Environment.TickCount64;
        var call = doorbell.WaitAsync(asked, readWait);
        try
        {
            _seenRings = await call.WaitAsync(cancellationToken);
            if (asked >= 0 && _seenRings == asked && readWait > TimeSpan.Zero
                && Environment.TickCount64 - askedAt < readWait.TotalMilliseconds / 4)
            {
                // No ring, and no wait either: the doorbell answers so only while its silo stops (QueueDoorbellGrain).
                _declinedUntil = Environment.TickCount64 + (long)readWait.TotalMilliseconds;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _seenRings = -1;
            _ = call.ContinueWith(static abandoned => abandoned.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
        catch (Exception exception) when (exception is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException)
        {
            _seenRings = -1; // the next wait returns at once with the count of wherever the doorbell is now
        }
    }

    [Obsolete("Use the overload which accepts a CancellationToken.")]
    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => queue.MessagesDeliveredAsync(messages, CancellationToken.None);

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages, CancellationToken cancellationToken) =>
        queue.MessagesDeliveredAsync(messages, cancellationToken);

    public Task Shutdown(TimeSpan timeout) => queue.Shutdown(timeout, CancellationToken.None);

    public Task Shutdown(TimeSpan timeout, CancellationToken cancellationToken) => queue.Shutdown(timeout, cancellationToken);
}
