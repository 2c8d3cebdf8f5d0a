using Notify.Api.Sse;
using Notify.Api.Subscriptions;
using Notify.Grains.Events;

namespace Notify.Tests.Subscriptions;

/// <summary>A subscription's frame queue: bounded, in order, one reader woken by writers on any thread, ended by completion.</summary>
public sealed class FrameQueueTests
{
    private static SseFrame Frame(long sequence) =>
        SseFrame.ForEvent(new TopicEvent(new EventPosition("e", sequence), null, [], DateTimeOffset.UnixEpoch));

    [Fact]
    public void FramesComeOutInOrder_UpToTheLimit_AndAFullQueueRefusesTheNext()
    {
        var queue = new FrameQueue(40, new WriterWakeups()); // beyond the first ring: it grows twice
        for (var i = 1; i <= 40; i++)
        {
            Assert.True(queue.TryWrite(Frame(i)));
        }

        Assert.False(queue.TryWrite(Frame(41)));
        Assert.Equal(40, queue.Count);
        Assert.True(queue.TryPeek(out var oldest));
        Assert.Equal(1, oldest.Position!.Value.Sequence);
        for (var i = 1; i <= 40; i++)
        {
            Assert.True(queue.TryRead(out var frame));
            Assert.Equal(i, frame.Position!.Value.Sequence);
        }

        Assert.False(queue.TryRead(out _));
        Assert.False(queue.TryPeek(out _));
        Assert.True(queue.TryWrite(Frame(42))); // drained: its ring went back to the pool, a new one is rented
        Assert.True(queue.TryRead(out var again));
        Assert.Equal(42, again.Position!.Value.Sequence);
    }

    [Fact]
    public async Task AWaitingReader_IsWokenByAWrite_AndByCompletion_ThenTakesWhatIsLeft()
    {
        var queue = new FrameQueue(4, new WriterWakeups());
        var waiting = queue.WaitToReadAsync();
        Assert.False(waiting.IsCompleted);
        queue.TryWrite(Frame(1));
        Assert.True(await waiting.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));

        queue.TryWrite(Frame(2));
        queue.Complete();
        Assert.False(queue.TryWrite(Frame(3))); // completed: no more writes
        Assert.True(await queue.WaitToReadAsync());
        Assert.True(queue.TryRead(out var first));
        Assert.True(queue.TryRead(out var second));
        Assert.Equal((1L, 2L), (first.Position!.Value.Sequence, second.Position!.Value.Sequence));
        Assert.False(await queue.WaitToReadAsync());

        var idle = new FrameQueue(4, new WriterWakeups());
        var idleWait = idle.WaitToReadAsync();
        idle.Complete();
        Assert.False(await idleWait.AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task ManyWriters_OneReader_EveryFrameOnceInEachWritersOrder()
    {
        const int Writers = 4, PerWriter = 20_000;
        var queue = new FrameQueue(64, new WriterWakeups());
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                var frame = Frame((long)w * PerWriter + i);
                while (!queue.TryWrite(frame))
                {
                    await Task.Yield(); // full: the reader is behind
                }
            }
        })).ToArray();

        var next = new long[Writers];
        var read = 0;
        var reader = Task.Run(async () =>
        {
            while (read < Writers * PerWriter && await queue.WaitToReadAsync())
            {
                while (queue.TryRead(out var frame))
                {
                    var sequence = frame.Position!.Value.Sequence;
                    var writer = (int)(sequence / PerWriter);
                    Assert.Equal(next[writer]++, sequence % PerWriter);
                    read++;
                }
            }
        });

        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        await reader.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Writers * PerWriter, read);
        Assert.All(next, n => Assert.Equal(PerWriter, n));
    }
}
