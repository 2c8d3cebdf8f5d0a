using System.Collections.Concurrent;

namespace Notify.Api.Subscriptions;

/// <summary>
/// Resumes the writers whose queues got frames a slice at a time: one thread-pool work item runs up to
/// <see cref="SliceSize"/> writers in turn, each until its next wait (a flush the client has not taken, or an empty
/// queue), then goes to the back of the pool's queue if more are waiting.
/// </summary>
/// <remarks>
/// <para>
/// Woken one work item each, an event to 10,000 subscribers queued 10,000 items in front of every step of the next
/// publish (reading its request, the grain call, the stream's delivery, the answer), so each step waited a whole
/// event's writes, about 0.1 s at that size (docs/performance.md, "Saturation"). In slices, a step waits behind a
/// slice or two, and 10 subscribers of a quiet topic take one work item instead of 10.
/// </para>
/// <para>
/// At most two slices per core are queued or running, so the writes of one topic still spread over the cores, and a
/// slice whose thread the OS preempted is less likely to hold every other woken writer behind it (with one per core,
/// <c>manytopics</c>' p99 nearly doubled; docs/performance.md, "Writers resumed in slices"). Writing every subscriber
/// on the fan-out's own thread, the other extreme, was measured at half the deliveries of one topic.
/// </para>
/// <para>
/// While more writers wait than the running slices take in a turn, a slice that yields starts another, up to four
/// times that limit: past saturation, with a fixed few slices the backlog moved from the publishes to the writers and
/// <c>manytopics4000</c>'s median went from 26 to 247 ms (docs/performance.md, "What the slices cost past saturation").
/// </para>
/// </remarks>
internal sealed class WriterWakeups : IThreadPoolWorkItem
{
    /// <summary>Writers resumed by one work item before it yields to the rest of the pool's queue.</summary>
    internal const int SliceSize = 32;

    private readonly ConcurrentQueue<FrameQueue> _woken = new();
    private readonly Action? _afterSlice;
    private readonly int _maxSlices;
    private readonly int _maxSlicesBehind; // while more writers wait than the running slices take in a turn
    private int _slices; // work items queued or running

    /// <param name="afterSlice">Runs after each slice, on its thread: what waits for events to be written looks again.</param>
    public WriterWakeups(Action? afterSlice = null)
        : this(2 * Environment.ProcessorCount, afterSlice)
    {
    }

    internal WriterWakeups(int maxSlices, Action? afterSlice = null)
    {
        _afterSlice = afterSlice;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSlices, 1);
        _maxSlices = maxSlices;
        _maxSlicesBehind = 4 * maxSlices;
    }

    /// <summary>Writers woken and not yet resumed.</summary>
    internal int Waiting => _woken.Count;

    /// <summary>Slices queued on the pool or running.</summary>
    internal int Slices => Volatile.Read(ref _slices);

    /// <summary>Resumes <paramref name="queue"/>'s waiting reader soon, on a pool thread, never on the caller's.</summary>
    internal void Wake(FrameQueue queue)
    {
        _woken.Enqueue(queue);
        StartSlice(_maxSlices);
    }

    void IThreadPoolWorkItem.Execute()
    {
        for (var i = 0; i < SliceSize && _woken.TryDequeue(out var queue); i++)
        {
            queue.ResumeReader();
        }

        _afterSlice?.Invoke();

        if (!_woken.IsEmpty)
        {
            // To the back of the global queue: what was queued meanwhile (other requests' steps) runs first.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            if (_woken.Count > SliceSize * Volatile.Read(ref _slices))
            {
                // Writers fall behind: their share of the pool's turns grows with them, as when each was a work item.
                StartSlice(_maxSlicesBehind);
            }

            return;
        }

        Interlocked.Decrement(ref _slices);
        if (!_woken.IsEmpty)
        {
            StartSlice(_maxSlices); // a wake that came between the check and the decrement found every slice taken
        }
    }

    private void StartSlice(int limit)
    {
        var slices = Volatile.Read(ref _slices);
        while (slices < limit)
        {
            var seen = Interlocked.CompareExchange(ref _slices, slices + 1, slices);
            if (seen == slices)
            {
                // On the waking thread's own queue, where a woken continuation used to go: it runs next there, or on
                // an idle thread that takes it. Only a slice that yields goes to the global queue's back.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
                return;
            }

            slices = seen;
        }
    }
}
