using System.Buffers;
using System.Threading.Tasks.Sources;
using Notify.Api.Sse;

namespace Notify.Api.Subscriptions;

/// <summary>
/// A subscription's bounded queue of frames: any thread writes (the fan-out, the heartbeat clock), one reads (the
/// connection's writer). Built for the idle subscription, which is most of them: its ring of frames is rented from
/// the shared pool only while frames wait, and its one wait is reused, so an idle queue holds about a hundred bytes
/// (a bounded <c>Channel</c> held several hundred: its item deque and four preallocated waiters). Its waiting reader
/// is resumed by the silo's <see cref="WriterWakeups"/>, with other writers in one work item.
/// </summary>
internal sealed class FrameQueue : IValueTaskSource<bool>
{
    private const int FirstRingSize = 16;

    private readonly Lock _lock = new();
    private readonly int _limit;
    private readonly WriterWakeups _wakeups;
    private SseFrame[]? _ring; // rented while frames wait; returned once drained
    private int _head;
    private int _count;
    private bool _completed;
    private bool _readerWaiting;
    private ManualResetValueTaskSourceCore<bool> _wait; // resumes the reader inline: only WriterWakeups' slices resume it

    public FrameQueue(int limit, WriterWakeups wakeups)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _limit = limit;
        _wakeups = wakeups;
    }

    /// <summary>How many frames wait.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Queues a frame; false when the queue is full or completed (the frame is not queued).</summary>
    public bool TryWrite(SseFrame frame)
    {
        lock (_lock)
        {
            if (_completed || _count == _limit)
            {
                return false;
            }

            if (_ring is null || _count == _ring.Length)
            {
                Grow();
            }

            _ring![(_head + _count) % _ring.Length] = frame;
            _count++;
            if (!_readerWaiting)
            {
                return true;
            }

            _readerWaiting = false;
        }

        _wakeups.Wake(this);
        return true;
    }

    /// <summary>Takes the oldest frame, if any.</summary>
    public bool TryRead(out SseFrame frame)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                frame = null!;
                return false;
            }

            frame = _ring![_head];
            _ring[_head] = null!; // the pool must not keep frames alive
            _head = (_head + 1) % _ring.Length;
            if (--_count == 0)
            {
                ArrayPool<SseFrame>.Shared.Return(_ring);
                (_ring, _head) = (null, 0);
            }

            return true;
        }
    }

    /// <summary>Looks at the oldest frame without taking it.</summary>
    public bool TryPeek(out SseFrame frame)
    {
        lock (_lock)
        {
            frame = _count > 0 ? _ring![_head] : null!;
            return _count > 0;
        }
    }

    /// <summary>Ends the queue: no more writes; the reader takes what waits, then its wait answers false.</summary>
    public void Complete()
    {
        bool wake;
        lock (_lock)
        {
            _completed = true;
            wake = _readerWaiting;
            _readerWaiting = false;
        }

        if (wake)
        {
            _wakeups.Wake(this);
        }
    }

    /// <summary>True once a frame waits; false once the queue is completed and empty. One reader: one wait at a time.</summary>
    public ValueTask<bool> WaitToReadAsync()
    {
        lock (_lock)
        {
            if (_count > 0 || _completed)
            {
                return new ValueTask<bool>(_count > 0);
            }

            _wait.Reset();
            _readerWaiting = true;
            return new ValueTask<bool>(this, _wait.Version);
        }
    }

    /// <summary>
    /// Ends the reader's wait, running its continuation on this thread: true when a frame waits, false when the queue
    /// was completed empty. Called once per wait that a write or completion took over (<see cref="WriterWakeups"/>).
    /// </summary>
    internal void ResumeReader()
    {
        bool hasFrames;
        lock (_lock)
        {
            hasFrames = _count > 0; // the reader is parked: only writes and completion happened since the wake
        }

        _wait.SetResult(hasFrames);
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _wait.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _wait.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _wait.OnCompleted(continuation, state, token, flags);

    /// <summary>A ring with room for one more frame, the waiting ones moved over in order (under the lock).</summary>
    private void Grow()
    {
        var size = _ring is null ? Math.Min(FirstRingSize, _limit) : Math.Min(_ring.Length * 2, _limit);
        var ring = ArrayPool<SseFrame>.Shared.Rent(size);
        if (_ring is not null)
        {
            for (var i = 0; i < _count; i++)
            {
                ring[i] = _ring[(_head + i) % _ring.Length];
                _ring[(_head + i) % _ring.Length] = null!;
            }

            ArrayPool<SseFrame>.Shared.Return(_ring);
        }

        (_ring, _head) = (ring, 0);
    }
}
