using System.Diagnostics;
using Notify.Grains.Events;

namespace Notify.Api.Subscriptions;

/// <summary>
/// Publishes whose answers wait until this silo's subscribers have written their events
/// (<see cref="Topics.PublishPacing"/>), each released as soon as its event is written (<see cref="TopicFanout.HasWritten"/>).
/// </summary>
/// <remarks>
/// The waits are checked after every slice of writers (<see cref="WriterWakeups"/>), which is where events get written,
/// and every <see cref="CheckEvery"/> while any wait, for what no slice brings: a send that was pending completing, a
/// subscriber leaving, a wait's deadline. One check looks at each waiting topic's subscribers once, however many
/// publishes wait on it. With nothing waiting, neither costs more than reading a count.
/// </remarks>
public sealed class LocalWriteWaits : IDisposable
{
    /// <summary>How often the waits are checked besides after the writers' slices.</summary>
    internal static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(5);

    private readonly Lock _lock = new();
    private readonly List<Wait> _waits = [];
    private readonly Dictionary<TopicFanout, EventPosition> _notWritten = []; // one check's memo: the lowest event not written per topic
    private readonly ITimer _clock;
    private int _count;
    private int _checkAgain;
    private bool _disposed; // the silo is stopping: publishes are answered without waiting (under the lock)

    public LocalWriteWaits()
        : this(TimeProvider.System)
    {
    }

    internal LocalWriteWaits(TimeProvider time) =>
        _clock = time.CreateTimer(static waits => ((LocalWriteWaits)waits!).Check(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    /// <summary>How many publishes wait.</summary>
    internal int Count => Volatile.Read(ref _count);

    /// <summary>
    /// Completes once <paramref name="fanout"/> has written <paramref name="position"/> (at once if it has), after
    /// <paramref name="most"/> at the latest, or when <paramref name="cancellationToken"/> fires; never faults.
    /// Answers whether it had to wait.
    /// </summary>
    public ValueTask<bool> WaitAsync(TopicFanout fanout, EventPosition position, TimeSpan most, CancellationToken cancellationToken)
    {
        if (most <= TimeSpan.Zero || cancellationToken.IsCancellationRequested || fanout.HasWritten(position))
        {
            return ValueTask.FromResult(false);
        }

        var wait = new Wait(fanout, position, Stopwatch.GetTimestamp() + (long)(most.TotalSeconds * Stopwatch.Frequency));
        if (cancellationToken.CanBeCanceled)
        {
            // The publisher left: its answer is not awaited any more (the wait leaves the list at the next check).
            wait.Cancellation = cancellationToken.UnsafeRegister(static w => ((Wait)w!).Done.TrySetResult(true), wait);
        }

        lock (_lock)
        {
            if (_disposed)
            {
                wait.Cancellation.Dispose();
                return ValueTask.FromResult(false);
            }

            _waits.Add(wait);
            Volatile.Write(ref _count, _waits.Count);
            if (_waits.Count == 1)
            {
                _clock.Change(CheckEvery, CheckEvery);
            }
        }

        // The writes may have been done between the look above and the wait's joining the list: no slice would tell.
        Check();
        return new ValueTask<bool>(wait.Done.Task);
    }

    /// <summary>Releases every wait whose event is written or whose time is up. Any thread; cheap while nothing waits.</summary>
    internal void Check()
    {
        if (Volatile.Read(ref _count) == 0)
        {
            return;
        }

        // A check asked for while another runs is run again by that one's thread, rather than waited for.
        Volatile.Write(ref _checkAgain, 1);
        while (Volatile.Read(ref _checkAgain) == 1 && _lock.TryEnter())
        {
            List<Wait>? released = null;
            try
            {
                Volatile.Write(ref _checkAgain, 0);
                CheckLocked(ref released);
            }
            finally
            {
                _lock.Exit();
            }

            // On this thread, outside the lock: a released publish's answer goes out now, not after the work items the
            // pool has queued meanwhile (under load, writer slices), which was most of its wait.
            if (released is null)
            {
                continue;
            }

            foreach (var wait in released)
            {
                wait.Release();
            }
        }
    }

    private void CheckLocked(ref List<Wait>? released)
    {
        var now = Stopwatch.GetTimestamp();
        var kept = 0;
        for (var i = 0; i < _waits.Count; i++)
        {
            var wait = _waits[i];
            if (wait.Done.Task.IsCompleted || now >= wait.Deadline || IsWritten(wait))
            {
                (released ??= []).Add(wait);
                continue;
            }

            _waits[kept++] = wait;
        }

        _waits.RemoveRange(kept, _waits.Count - kept);
        _notWritten.Clear();
        Volatile.Write(ref _count, kept);
        if (kept == 0 && !_disposed)
        {
            _clock.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Whether the wait's event is written, asking its topic's subscribers at most once for a later event than one they have not.</summary>
    private bool IsWritten(Wait wait)
    {
        if (_notWritten.TryGetValue(wait.Fanout, out var lowest)
            && string.Equals(lowest.Epoch, wait.Position.Epoch, StringComparison.Ordinal)
            && wait.Position.Sequence >= lowest.Sequence)
        {
            return false;
        }

        if (wait.Fanout.HasWritten(wait.Position))
        {
            return true;
        }

        if (!_notWritten.TryGetValue(wait.Fanout, out lowest) || wait.Position.Sequence < lowest.Sequence)
        {
            _notWritten[wait.Fanout] = wait.Position;
        }

        return false;
    }

    public void Dispose()
    {
        Wait[] waits;
        lock (_lock)
        {
            _disposed = true;
            _clock.Dispose();
            waits = [.. _waits];
            _waits.Clear();
            Volatile.Write(ref _count, 0);
        }

        foreach (var wait in waits)
        {
            wait.Release();
        }
    }

    private sealed class Wait(TopicFanout fanout, EventPosition position, long deadline)
    {
        public TopicFanout Fanout { get; } = fanout;

        public EventPosition Position { get; } = position;

        public long Deadline { get; } = deadline;

        /// <summary>Its answer: true, it waited. Set outside the lock, so its continuation may run on the releasing thread.</summary>
        public TaskCompletionSource<bool> Done { get; } = new();

        public CancellationTokenRegistration Cancellation { get; set; }

        public void Release()
        {
            Done.TrySetResult(true);
            Cancellation.Dispose();
        }
    }
}
