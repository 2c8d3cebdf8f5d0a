using Notify.Grains.Streaming;
using Notify.Tests.Fixtures;
using Orleans.Providers.Streams.Common;

namespace Notify.Tests.Grains;

[Collection(UsesTopicCluster.Name)]
public sealed class LongPollQueueGrainTests(TopicClusterFixture fixture)
{
    private ILongPollQueueGrain NewQueue() => fixture.Client.GetGrain<ILongPollQueueGrain>($"test/{Guid.NewGuid():N}");

    private static LongPollBatch Batch(string topic, params object[] events) =>
        new(StreamId.Create("topic", topic), events, null);

    [Fact]
    public async Task Dequeue_OnAnEmptyQueue_ReturnsWhenABatchArrives_NotWhenTheWaitEnds()
    {
        var queue = NewQueue();
        var waiting = queue.DequeueAsync(10, TimeSpan.FromSeconds(19), CancellationToken.None);
        Assert.False(waiting.IsCompleted);

        await queue.EnqueueAsync(Batch("a", "first"));

        var taken = await waiting.WaitAsync(TestTimeouts.Event);
        var batch = Assert.Single(taken);
        Assert.Equal(["first"], batch.GetEvents<string>().Select(e => e.Item1));
    }

    [Fact]
    public async Task Dequeue_OnAnEmptyQueue_ReturnsEmptyAfterTheWait()
    {
        var queue = NewQueue();
        Assert.Empty(await queue.DequeueAsync(10, TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    [Fact]
    public async Task Dequeue_TakesAtMostMaxCount_OldestFirst_WithIncreasingSequenceTokens()
    {
        var queue = NewQueue();
        for (var i = 0; i < 5; i++)
        {
            await queue.EnqueueAsync(Batch("a", i));
        }

        var first = await queue.DequeueAsync(3, TimeSpan.Zero, CancellationToken.None);
        var second = await queue.DequeueAsync(3, TimeSpan.Zero, CancellationToken.None);

        var all = first.Concat(second).ToList();
        Assert.Equal([0, 1, 2, 3, 4], all.SelectMany(b => b.GetEvents<int>()).Select(e => e.Item1));
        Assert.Equal(3, first.Length);
        var sequences = all.Select(b => ((EventSequenceTokenV2)b.SequenceToken).SequenceNumber).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
    }

    [Fact]
    public void Batch_GetEvents_ReturnsOnlyEventsOfTheAskedType_WithPerEventTokens()
    {
        var batch = Batch("a", "x", 1, "y").WithSequenceForTest(7);

        var strings = batch.GetEvents<string>().ToList();

        Assert.Equal(["x", "y"], strings.Select(e => e.Item1));
        Assert.Equal([0, 2], strings.Select(e => ((EventSequenceTokenV2)e.Item2).EventIndex));
        Assert.All(strings, e => Assert.Equal(7, ((EventSequenceTokenV2)e.Item2).SequenceNumber));
    }
}

internal static class LongPollBatchTestExtensions
{
    public static LongPollBatch WithSequenceForTest(this LongPollBatch batch, long sequence) =>
        batch.WithSequence(new EventSequenceTokenV2(sequence));
}
