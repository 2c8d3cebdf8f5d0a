using Microsoft.Extensions.Hosting;
using Orleans.Concurrency;

namespace Notify.Grains.Streaming;

/// <summary>A ring counter with one waiting list (see <see cref="IQueueDoorbellGrain"/>).</summary>
/// <remarks>
/// Reentrant so that a ring is handled while a reader waits. It holds no data: a lost activation
/// restarts the count at zero, which differs from whatever a reader had seen, so the reader just reads.
/// </remarks>
[Reentrant]
internal sealed class QueueDoorbellGrain(IHostApplicationLifetime host) : Grain, IQueueDoorbellGrain
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

    public async Task<long> WaitAsync(long seenRings, TimeSpan wait)
    {
        // Once the silo is stopping, nobody waits here: Orleans deactivates a grain only when none of its calls is
        // running, so a reader's wait (often from another silo, which does not stop) would hold this silo's stop.
        if (_rings == seenRings && wait > TimeSpan.Zero && !host.ApplicationStopping.IsCancellationRequested)
        {
            _rung ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await _rung.Task.WaitAsync(wait, host.ApplicationStopping);
            }
            catch (TimeoutException)
            {
            }
            catch (OperationCanceledException) when (host.ApplicationStopping.IsCancellationRequested)
            {
            }
        }

        return _rings;
    }
}
