using System.Text;
using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Grains;

/// <summary>
/// Topic behaviour that depends on the time: on a cluster of their own, so the clock these tests move is seen by no
/// other test.
/// </summary>
public sealed class TopicClockTests(TopicClusterFixture fixture) : IClassFixture<TopicClusterFixture>
{
    private ITopicGrain NewTopic() => fixture.Client.GetGrain<ITopicGrain>(Publisher.NewTopic("clock"));

    private static PublishRequest Request(string data, string? key = null) => new(Encoding.UTF8.GetBytes(data), null, key);

    [Fact]
    public async Task Buffer_AgeLimit_ExpiresOldEvents()
    {
        var topic = NewTopic();
        var first = (await topic.PublishAsync(Request("old"))).Position;
        fixture.AdvanceClock(TopicClusterFixture.BufferMaxAge / 2);
        var second = (await topic.PublishAsync(Request("newer"))).Position;
        fixture.AdvanceClock(TopicClusterFixture.BufferMaxAge / 2 + TimeSpan.FromSeconds(1));

        var read = await topic.ReadAsync(ResumeFrom.Position(new EventPosition(first.Epoch, 0)), 100, 1_000_000);

        Assert.Equal(ResetReason.Expired, read.Reset);
        Assert.Equal(first, read.ContinuesAfter);
        Assert.Equal([second], read.Events.Select(e => e.Position));
    }

    [Fact]
    public async Task Publish_SameIdempotencyKey_AnswersTheFirstId_UntilTheWindowEnds()
    {
        var topic = NewTopic();

        var first = await topic.PublishAsync(Request("once", key: "key-1"));
        var retry = await topic.PublishAsync(Request("once", key: "key-1"));
        var other = await topic.PublishAsync(Request("twice", key: "key-2"));

        Assert.False(first.Replayed);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Position, retry.Position);
        Assert.Equal(first.Position.Next, other.Position);
        Assert.Equal(2, (await topic.ReadAsync(ResumeFrom.Earliest, 100, 1_000_000)).Events.Count);

        fixture.AdvanceClock(TopicClusterFixture.IdempotencyWindow + TimeSpan.FromSeconds(1));
        var afterWindow = await topic.PublishAsync(Request("again", key: "key-1"));
        Assert.False(afterWindow.Replayed);
        Assert.Equal(other.Position.Next, afterWindow.Position);
    }
}
