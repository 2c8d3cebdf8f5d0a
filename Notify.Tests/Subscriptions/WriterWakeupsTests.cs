using Notify.Api.Sse;
using Notify.Api.Subscriptions;
using Notify.Grains.Events;

namespace Notify.Tests.Subscriptions;

/// <summary>
/// The silo's writer wake-ups: every reader a write wakes resumes, once per wake, off the writing thread, and no more
/// readers run at once than the wake-ups have slices, up to four times as many while writers fall behind.
/// </summary>
public sealed class WriterWakeupsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static SseFrame Frame(long sequence) =>
        SseFrame.ForEvent(new TopicEvent(new EventPosition("e", sequence), null, [], DateTimeOffset.UnixEpoch));

    [Fact]
    public async Task EveryWokenReader_GetsEveryFrame_InOrder_AcrossManyEvents()
    {
        const int Readers = 2_000, Events = 50;
        var wakeups = new WriterWakeups();
        var queues = Enumerable.Range(0, Readers).Select(_ => new FrameQueue(Events, wakeups)).ToArray();
        var readers = queues.Select(queue => Task.Run(async () =>
        {
            var next = 1L;
            while (next <= Events && await queue.WaitToReadAsync())
            {
                while (queue.TryRead(out var frame))
                {
                    Assert.Equal(next++, frame.Position!.Value.Sequence);
                }
            }

            return next - 1;
        })).ToArray();

        for (var sequence = 1; sequence <= Events; sequence++)
        {
            foreach (var queue in queues)
            {
                Assert.True(queue.TryWrite(Frame(sequence))); // as a fan-out does: one event to every subscriber, then the next
            }
        }

        var read = await Task.WhenAll(readers).WaitAsync(Patience);
        Assert.All(read, count => Assert.Equal(Events, count));
        Assert.Equal(0, wakeups.Waiting);
    }

    [Fact]
    public async Task AWokenReader_RunsOffTheWritingThread_AndCompletionWakesItToo()
    {
        var wakeups = new WriterWakeups();
        var queue = new FrameQueue(4, wakeups);
        var writing = false;
        var writer = Environment.CurrentManagedThreadId;
        var parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var parkedAgain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ranInsideTheWrite = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            var wait = queue.WaitToReadAsync(); // empty: the reader is parked once this returns
            parked.SetResult();
            Assert.True(await wait);
            ranInsideTheWrite.SetResult(Volatile.Read(ref writing) && Environment.CurrentManagedThreadId == writer);
            Assert.True(queue.TryRead(out _));
            var ending = queue.WaitToReadAsync();
            parkedAgain.SetResult();
            return await ending; // woken by completion, empty: false
        });

        await parked.Task.WaitAsync(Patience);
        Volatile.Write(ref writing, true);
        Assert.True(queue.TryWrite(Frame(1)));
        Volatile.Write(ref writing, false);
        Assert.False(await ranInsideTheWrite.Task.WaitAsync(Patience));

        await parkedAgain.Task.WaitAsync(Patience);
        queue.Complete();
        Assert.False(await reader.WaitAsync(Patience));
    }

    [Fact]
    public async Task NoMoreReadersRunAtOnce_ThanTheWakeupsHaveSlices()
    {
        const int Readers = 100, Slices = 2;
        var wakeups = new WriterWakeups(Slices);
        using var gate = new ManualResetEventSlim();
        var running = 0;
        var slicesFull = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readers = await WakeParkedReaders(wakeups, Readers, () =>
        {
            if (Interlocked.Increment(ref running) == Slices)
            {
                slicesFull.SetResult();
            }

            gate.Wait(Patience); // holds its slice's thread, as a long write would
        });

        await slicesFull.Task.WaitAsync(Patience);
        Assert.Equal(Slices, wakeups.Slices); // not a work item per woken reader
        Assert.Equal(Readers - Slices, wakeups.Waiting); // the others wait for a slice
        gate.Set();
        await Task.WhenAll(readers).WaitAsync(Patience);
        Assert.Equal(Readers, running);
    }

    [Fact]
    public async Task SlicesGrowWhileWritersFallBehind_UpToFourTimesTheirLimit()
    {
        const int Readers = 400, Slices = 1;
        var wakeups = new WriterWakeups(Slices);
        var mostSlices = 0;
        var readers = await WakeParkedReaders(wakeups, Readers, () =>
        {
            var slices = wakeups.Slices; // read inside a slice: the slices queued or running right now
            int seen;
            while (slices > (seen = Volatile.Read(ref mostSlices)) && Interlocked.CompareExchange(ref mostSlices, slices, seen) != seen)
            {
            }
        });

        await Task.WhenAll(readers).WaitAsync(Patience);
        // 400 woken behind one slice of 32: each slice that yields with more waiting than the slices take in a turn starts another.
        Assert.InRange(mostSlices, 2, 4 * Slices);
        Assert.Equal(0, wakeups.Waiting);
    }

    /// <summary>
    /// Parks <paramref name="count"/> readers on queues of <paramref name="wakeups"/>, then wakes them all with one frame
    /// each: each runs <paramref name="resumed"/> inside the slice that resumed it, then takes its frame.
    /// </summary>
    private static async Task<Task[]> WakeParkedReaders(WriterWakeups wakeups, int count, Action resumed)
    {
        var queues = Enumerable.Range(0, count).Select(_ => new FrameQueue(4, wakeups)).ToArray();
        var parked = queues.Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var readers = queues.Select((queue, i) => Task.Run(async () =>
        {
            var wait = queue.WaitToReadAsync();
            parked[i].SetResult();
            Assert.True(await wait);
            resumed();
            Assert.True(queue.TryRead(out _));
        })).ToArray();

        await Task.WhenAll(parked.Select(p => p.Task)).WaitAsync(Patience);
        foreach (var queue in queues)
        {
            Assert.True(queue.TryWrite(Frame(1)));
        }

        return readers;
    }
}
