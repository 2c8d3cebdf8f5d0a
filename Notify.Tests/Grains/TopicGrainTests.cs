using System.Text;
using System.Threading.Channels;
using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Streaming;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;
using Orleans.Streams;

namespace Notify.Tests.Grains;

[Collection(UsesTopicCluster.Name)]
public class TopicGrainTests(TopicClusterFixture fixture)
{
    private ITopicGrain NewTopic() => fixture.Client.GetGrain<ITopicGrain>(Publisher.NewTopic("grain"));

    private static PublishRequest Request(string data, string? key = null) => new(Encoding.UTF8.GetBytes(data), null, key);

    private static async Task<List<EventPosition>> PublishManyAsync(ITopicGrain topic, int count)
    {
        var positions = new List<EventPosition>(count);
        for (var i = 1; i <= count; i++)
        {
            positions.Add((await topic.PublishAsync(Request($"event {i}"))).Position);
        }

        return positions;
    }

    /// <summary>
    /// Publishes more events than the buffer's count limit, then waits until the buffer holds only the newest
    /// <see cref="TopicClusterFixture.BufferMaxEvents"/>: while the topic's stream is still taking a message, the grain
    /// keeps its events beyond the limit (silos may need to read them from it).
    /// </summary>
    private static async Task<List<EventPosition>> PublishPastTheBufferAsync(ITopicGrain topic, int count)
    {
        var positions = await PublishManyAsync(topic, count);
        var oldestKept = positions[^TopicClusterFixture.BufferMaxEvents];
        await Eventually.TrueAsync(
            async () => (await topic.ReadAsync(ResumeFrom.Earliest, 1, 1_000_000)).Events is [var oldest, ..] && oldest.Position == oldestKept,
            "the stream has taken every event and the buffer is back within its count limit",
            TestTimeouts.Condition);
        return positions;
    }

    [Fact]
    public async Task Publish_ConcurrentPublishes_GetContiguousSequencesInOneEpoch()
    {
        var topic = NewTopic();

        var results = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => topic.PublishAsync(Request($"e{i}"))));

        Assert.Single(results.Select(r => r.Position.Epoch).Distinct());
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i), results.Select(r => r.Position.Sequence).Order());
        Assert.All(results, r => Assert.False(r.Replayed));
        Assert.Equal(new EventPosition(results[0].Position.Epoch, 40), await topic.GetHeadAsync());
    }

    [Fact]
    public async Task Publish_ConcurrentRetriesWithOneIdempotencyKey_StoreOneEvent_AndAllGetItsPosition()
    {
        var topic = NewTopic();
        await topic.PublishAsync(Request("before"));

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => topic.PublishAsync(Request("charge", key: "payment-9"))));

        Assert.Single(results.Select(r => r.Position).Distinct());
        Assert.Single(results, r => !r.Replayed);
        Assert.Equal(2, (await topic.ReadAsync(ResumeFrom.Earliest, 100, 1_000_000)).Events.Count);
    }

    [Fact]
    public async Task Read_AfterAPosition_ReturnsTheEventsAfterIt_InOrder_WithData()
    {
        var topic = NewTopic();
        var positions = await PublishManyAsync(topic, 10);

        var read = await topic.ReadAsync(ResumeFrom.Position(positions[2]), 100, 1_000_000);

        Assert.Null(read.Reset);
        Assert.Equal(positions[2], read.ContinuesAfter);
        Assert.Equal(positions.Skip(3), read.Events.Select(e => e.Position));
        Assert.Equal(Enumerable.Range(4, 7).Select(i => $"event {i}"), read.Events.Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.False(read.HasMore);
        Assert.Equal(positions[^1], read.Head);
    }

    [Fact]
    public async Task Read_Live_ReturnsTheHeadAndNoEvents()
    {
        var topic = NewTopic();
        var positions = await PublishManyAsync(topic, 3);

        var read = await topic.ReadAsync(ResumeFrom.Live, 100, 1_000_000);

        Assert.Null(read.Reset);
        Assert.Empty(read.Events);
        Assert.Equal(positions[^1], read.ContinuesAfter);
    }

    [Fact]
    public async Task Read_Earliest_ReturnsTheWholeBufferWithoutAReset()
    {
        var topic = NewTopic();
        var positions = await PublishPastTheBufferAsync(topic, TopicClusterFixture.BufferMaxEvents + 5);

        var read = await topic.ReadAsync(ResumeFrom.Earliest, 1_000, 1_000_000);

        Assert.Null(read.Reset);
        Assert.Equal(positions.Skip(5), read.Events.Select(e => e.Position));
        Assert.Equal(5, read.ContinuesAfter.Sequence);
    }

    [Fact]
    public async Task Read_PositionOlderThanTheBuffer_IsExpired_AndContinuesFromTheOldest()
    {
        var topic = NewTopic();
        var positions = await PublishPastTheBufferAsync(topic, TopicClusterFixture.BufferMaxEvents + 10);

        var read = await topic.ReadAsync(ResumeFrom.Position(positions[2]), 1_000, 1_000_000);

        Assert.Equal(ResetReason.Expired, read.Reset);
        Assert.Equal(positions[9], read.ContinuesAfter);
        Assert.Equal(positions.Skip(10), read.Events.Select(e => e.Position));

        // Resuming from the reset's position is honoured: the same loss is not reported twice.
        var again = await topic.ReadAsync(ResumeFrom.Position(read.ContinuesAfter), 1_000, 1_000_000);
        Assert.Null(again.Reset);
        Assert.Equal(positions.Skip(10), again.Events.Select(e => e.Position));
    }

    [Fact]
    public async Task Read_FuturePosition_IsUnknown_OtherEpoch_IsEpoch_Malformed_IsMalformed()
    {
        var topic = NewTopic();
        var positions = await PublishManyAsync(topic, 3);
        var epoch = positions[0].Epoch;

        var future = await topic.ReadAsync(ResumeFrom.Position(new EventPosition(epoch, 4)), 100, 1_000_000);
        var otherEpoch = await topic.ReadAsync(ResumeFrom.Position(new EventPosition(epoch == "zz" ? "yy" : "zz", 2)), 100, 1_000_000);
        var malformed = await topic.ReadAsync(ResumeFrom.Malformed, 100, 1_000_000);

        Assert.Equal(ResetReason.Unknown, future.Reset);
        Assert.Equal(ResetReason.Epoch, otherEpoch.Reset);
        Assert.Equal(ResetReason.Malformed, malformed.Reset);
        Assert.All([future, otherEpoch, malformed], read =>
        {
            Assert.Equal(new EventPosition(epoch, 0), read.ContinuesAfter);
            Assert.Equal(positions, read.Events.Select(e => e.Position));
        });
    }

    [Fact]
    public async Task Read_InPages_SaysWhenMoreIsBuffered()
    {
        var topic = NewTopic();
        var positions = await PublishManyAsync(topic, 7);

        var first = await topic.ReadAsync(ResumeFrom.Earliest, 3, 1_000_000);
        var second = await topic.ReadAsync(ResumeFrom.Position(first.End), 3, 1_000_000);
        var third = await topic.ReadAsync(ResumeFrom.Position(second.End), 3, 1_000_000);

        Assert.True(first.HasMore);
        Assert.True(second.HasMore);
        Assert.False(third.HasMore);
        Assert.Equal(positions, first.Events.Concat(second.Events).Concat(third.Events).Select(e => e.Position));
    }

    [Fact]
    public async Task Buffer_ByteLimit_KeepsOnlyTheNewestEventsThatFit()
    {
        var topic = NewTopic();
        var big = new string('x', 4_000);
        var positions = new List<EventPosition>();
        for (var i = 0; i < 3; i++)
        {
            positions.Add((await topic.PublishAsync(Request(big))).Position);
        }

        var read = await topic.ReadAsync(ResumeFrom.Earliest, 100, 1_000_000);

        Assert.Equal(positions.Skip(1), read.Events.Select(e => e.Position));
    }

    [Fact]
    public async Task Publish_SendsEachEventOnTheTopicStream_InOrder()
    {
        var topicId = Publisher.NewTopic("grain-stream");
        var topic = fixture.Client.GetGrain<ITopicGrain>(topicId);
        var received = Channel.CreateUnbounded<TopicEvent>();
        var stream = fixture.Client.GetStreamProvider(NotifyProviderNames.Streams).GetStream<TopicEvent>(NotifyStreams.ForTopic(topicId));
        var subscription = await stream.SubscribeAsync((item, _) => received.Writer.WriteAsync(item).AsTask());
        try
        {
            var positions = await PublishManyAsync(topic, 20);

            var events = new List<TopicEvent>();
            using var timeout = new CancellationTokenSource(TestTimeouts.Event);
            while (events.Count < positions.Count)
            {
                events.Add(await received.Reader.ReadAsync(timeout.Token));
            }

            Assert.Equal(positions, events.Select(e => e.Position));
        }
        finally
        {
            await subscription.UnsubscribeAsync();
        }
    }
}
