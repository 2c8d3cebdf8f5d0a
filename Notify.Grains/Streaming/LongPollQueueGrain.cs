using Orleans.Concurrency;
using Orleans.Providers.Streams.Common;

namespace Notify.Grains.Streaming;

/// <summary>An in-memory queue whose reader waits for data (see <see cref="ILongPollQueueGrain"/>).</summary>
/// <remarks>
/// Reentrant so that an enqueue runs while a read is waiting. Like Orleans' memory streams, the queue is
/// not durable: a lost activation loses what it held. Notify does not rely on it for durability (silos
/// repair gaps from the topic grain); it is only the fast path.
/// </remarks>
[Reentrant]
internal sealed class LongPollQueueGrain : Grain, ILongPollQueueGrain
{
    /// <summary>Batches held before enqueues fail (the reader is gone or far behind).</summary>
    internal const int MaxQueuedBatches = 65_536;

    private readonly Queue<LongPollBatch> _batches = new();
    private TaskCompletionSource? _arrived;

    // Starting from the clock keeps sequence numbers increasing across activations of this queue,
    // so a reader's cache never sees them go backwards.
    private long _lastSequence = DateTime.UtcNow.Ticks;

    public Task EnqueueAsync(LongPollBatch batch)
    {
        if (_batches.Count >= MaxQueuedBatches)
        {
            throw new InvalidOperationException($"Stream queue {this.GetPrimaryKeyString()} holds {MaxQueuedBatches} batches; no reader is keeping up.");
        }

        _batches.Enqueue(batch.WithSequence(new EventSequenceTokenV2(++_lastSequence)));
        _arrived?.TrySetResult();
        _arrived = null;
        return Task.CompletedTask;
    }

    public async Task<LongPollBatch[]> DequeueAsync(int maxCount, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_batches.Count == 0 && wait > TimeSpan.Zero)
        {
            _arrived ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await _arrived.Task.WaitAsync(wait, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        var count = Math.Min(Math.Max(maxCount, 1), _batches.Count);
        var taken = new LongPollBatch[count];
        for (var i = 0; i < count; i++)
        {
            taken[i] = _batches.Dequeue();
        }

        return taken;
    }
}
