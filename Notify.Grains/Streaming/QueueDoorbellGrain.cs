using Orleans.Concurrency;

namespace Notify.Grains.Streaming;

/// <summary>A ring counter with one waiting list (see <see cref="IQueueDoorbellGrain"/>).</summary>
/// <remarks>
/// Reentrant so that a ring is handled while a reader waits. It holds no data: a lost activation
/// restarts the count at zero, which differs from whatever a reader had seen, so the reader just reads.
/// </remarks>
[Reentrant]
internal sealed class QueueDoorbellGrain : Grain, IQueueDoorbellGrain
{
    private long _rings;
    private TaskCompletionSource? _rung;

    public Task RingAsync()
    {
        _rings++;
        _rung?.TrySetResult();
        _rung = null;
        return Task.CompletedTask;
    }

    public async Task<long> WaitAsync(long seenRings, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (_rings == seenRings && wait > TimeSpan.Zero)
        {
            _rung ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await _rung.Task.WaitAsync(wait, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        return _rings;
    }
}
