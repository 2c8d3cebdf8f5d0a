using Notify.Api.Sse;
using Notify.Api.Subscriptions;
using Notify.Grains.Events;

namespace Notify.Tests.Subscriptions;

/// <summary>The fan-out's subscriptions: every attached one gets every frame, while others attach and detach.</summary>
public sealed class SubscriptionSetTests
{
    [Fact]
    public void EveryAttachedSubscription_GetsEveryFrame_ThroughGrowthAndCompaction()
    {
        var set = new SubscriptionSet<Queue>();
        var queues = Enumerable.Range(0, 1_000).Select(_ => new Queue()).ToList();
        queues.ForEach(set.Add);
        Assert.Equal(1_000, set.Enqueue(Frame(1)));

        // 900 leave: the set packs the rest (fewer than a quarter of its slots are used); they still get every frame.
        queues.Take(900).ToList().ForEach(set.Remove);
        Assert.Equal(100, set.Count);
        Assert.Equal(100, set.Enqueue(Frame(2)));

        // Freed slots are reused; one added twice or removed twice counts once.
        var late = new Queue();
        set.Add(late);
        set.Add(late);
        set.Remove(queues[0]);
        Assert.Equal(101, set.Enqueue(Frame(3)));

        Assert.All(queues.Take(900), queue => Assert.Equal([1], queue.Positions));
        Assert.All(queues.Skip(900), queue => Assert.Equal([1, 2, 3], queue.Positions));
        Assert.Equal([3], late.Positions);
        Assert.Equal(101, set.Snapshot().Count);
    }

    [Fact]
    public void ASample_IsSpreadOverTheWholeSet_AndHoldsOnlyAttachedSubscriptions()
    {
        var set = new SubscriptionSet<Queue>();
        var queues = Enumerable.Range(0, 1_000).Select(_ => new Queue()).ToList();
        queues.ForEach(set.Add);
        var sample = new Queue?[15];

        Assert.Equal(15, set.Sample(sample));
        var slots = sample.Select(q => queues.IndexOf(q!)).ToList();
        Assert.Equal(slots.Order(), slots);
        Assert.Equal(15, slots.Distinct().Count());
        Assert.True(slots[^1] >= 900, $"the sample ends at slot {slots[^1]} of 1,000"); // not only the first few

        // Detached ones are skipped; a set smaller than the sample is sampled whole.
        queues.Skip(3).ToList().ForEach(set.Remove);
        Array.Clear(sample);
        Assert.Equal(3, set.Sample(sample));
        Assert.Equal(queues.Take(3), sample.Take(3));
        Assert.Equal(0, new SubscriptionSet<Queue>().Sample(sample));
    }

    [Fact]
    public async Task WhileFramesAreWritten_ASubscriptionAttachedThroughout_GetsEveryOne_WhateverOthersDo()
    {
        var set = new SubscriptionSet<Queue>();
        var steady = new Queue();
        set.Add(steady);
        const int frames = 20_000;
        using var writing = new CancellationTokenSource();
        var churn = Task.Run(() =>
        {
            // Others come and go in bursts, growing the array and compacting it again, while the frames are written.
            var others = new List<Queue>();
            while (!writing.IsCancellationRequested)
            {
                for (var i = 0; i < 300; i++)
                {
                    var other = new Queue();
                    others.Add(other);
                    set.Add(other);
                }

                others.ForEach(set.Remove);
                others.Clear();
            }
        });

        for (var position = 1; position <= frames; position++)
        {
            set.Enqueue(Frame(position));
        }

        await writing.CancelAsync();
        await churn;
        Assert.Equal(Enumerable.Range(1, frames).Select(position => (long)position), steady.Positions);
    }

    private static SseFrame Frame(int position) =>
        SseFrame.ForEvent(new TopicEvent(new EventPosition("e", position), null, "data"u8.ToArray(), DateTimeOffset.UnixEpoch));

    private sealed class Queue : IFrameQueue
    {
        public List<long> Positions { get; } = [];

        public void Enqueue(SseFrame frame) => Positions.Add(frame.Position!.Value.Sequence);
    }
}
