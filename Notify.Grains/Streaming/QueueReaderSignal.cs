using System.Threading.Tasks.Sources;

namespace Notify.Grains.Streaming;

/// <summary>
/// Wakes one queue's reader: a ring count and the reader's one wait, in the reader's process.
/// </summary>
/// <remarks>
/// A wait returns at once when the count moved since the reader last read it, so a ring between a read and the next
/// wait is not missed. The reader waits once per event on a quiet queue: one timer serves all its waits, and the wait
/// is a reusable value-task source, so a wait allocates nothing.
/// </remarks>
internal sealed class QueueReaderSignal : IValueTaskSource, IDisposable
{
    private readonly Lock _lock = new();
    private readonly ITimer _timer;
    private ManualResetValueTaskSourceCore<bool> _wait = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _cancellation;
    private long _rings;
    private bool _waiting;
    private bool _disposed;

    public QueueReaderSignal(TimeProvider time) =>
        _timer = time.CreateTimer(static signal => ((QueueReaderSignal)signal!).Release(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    /// <summary>How many rings so far.</summary>
    public long Rings => Interlocked.Read(ref _rings);

    /// <summary>Counts a ring and wakes the waiting reader.</summary>
    public void Ring()
    {
        Interlocked.Increment(ref _rings);
        Release();
    }

    /// <summary>
    /// Completes when the count differs from <paramref name="seenRings"/> (at once when it already does), after
    /// <paramref name="wait"/>, or when <paramref name="cancellationToken"/> is cancelled; never throws. One wait at a time.
    /// </summary>
    public ValueTask WaitAsync(long seenRings, TimeSpan wait, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // The count is compared under the lock a ring's release takes after counting: either this sees the ring,
            // or the ring's release sees this wait.
            if (Rings != seenRings || _disposed || cancellationToken.IsCancellationRequested)
            {
                return ValueTask.CompletedTask;
            }

            if (_waiting)
            {
                throw new InvalidOperationException("A queue has one reader, which waits once at a time.");
            }

            _wait.Reset();
            _waiting = true;
            _timer.Change(wait, Timeout.InfiniteTimeSpan);
            // Registered last: a token cancelled meanwhile runs the release here, under this (reentrant) lock.
            _cancellation = cancellationToken.UnsafeRegister(static signal => ((QueueReaderSignal)signal!).Release(), this);
            return new ValueTask(this, _wait.Version);
        }
    }

    /// <summary>Ends a wait in progress, and every wait after it.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
        }

        Release();
        _timer.Dispose();
    }

    private void Release()
    {
        lock (_lock)
        {
            if (!_waiting)
            {
                return; // a ring with nobody waiting, or a late timer from a wait a ring already ended
            }

            _waiting = false;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _cancellation.Unregister(); // not Dispose: that would wait for a running callback, which may be this one
            _cancellation = default;
            _wait.SetResult(true); // the reader continues on the thread pool, not under this lock
        }
    }

    void IValueTaskSource.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);
}
