namespace Notify.Bench.Load;

/// <summary>
/// Caps the deliveries published but not yet received when publishing as fast as possible, so the run
/// measures what the hub sustains rather than how deep its queues are (a hub that buffered without limit
/// would otherwise look fast and then drop its slow subscribers).
/// </summary>
internal sealed class DeliveryWindow(long limit)
{
    private readonly Lock _gate = new();
    private long _outstanding;
    private TaskCompletionSource? _roomMade;

    public long Limit => limit;

    /// <summary>Waits until fewer than <see cref="Limit"/> deliveries are outstanding.</summary>
    public async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _outstanding) >= limit)
        {
            Task roomMade;
            lock (_gate)
            {
                if (_outstanding < limit)
                {
                    return;
                }

                _roomMade ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                roomMade = _roomMade.Task;
            }

            // The timeout only guards against a signal raced away; the signal is what normally wakes us.
            await Task.WhenAny(roomMade, Task.Delay(50, cancellationToken));
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public void Add(long deliveries) => Interlocked.Add(ref _outstanding, deliveries);

    /// <summary>One expected delivery arrived.</summary>
    public void Delivered()
    {
        var outstanding = Interlocked.Decrement(ref _outstanding);
        if (outstanding < limit && Volatile.Read(ref _roomMade) is not null)
        {
            TaskCompletionSource? roomMade;
            lock (_gate)
            {
                roomMade = _roomMade;
                _roomMade = null;
            }

            roomMade?.TrySetResult();
        }
    }
}
