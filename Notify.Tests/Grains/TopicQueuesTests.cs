using System.Text;
using Notify.Grains.Placement;
using Notify.Grains.Streaming;
using Orleans.Configuration;
using Orleans.Streams;

namespace Notify.Tests.Grains;

/// <summary>
/// The gateway's copy of the stream-to-queue mapping must agree with Orleans' own mapper, which the silos enqueue and
/// read by: otherwise a topic's publishes would go to a silo that does not read its queue.
/// </summary>
public sealed class TopicQueuesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(12)]
    [InlineData(256)]
    public void EveryTopic_MapsToTheQueueOrleansPutsItsStreamIn(int queueCount)
    {
        var orleans = new HashRingBasedStreamQueueMapper(new HashRingStreamQueueMapperOptions { TotalQueueCount = queueCount }, NotifyProviderNames.Streams);
        var topics = Enumerable.Range(0, 5_000).Select(i => $"topic-{i}")
            .Concat(["demo", "prices.EURUSD", "café-☕", "ünïcödé/topic", new string('x', 600)]);
        var used = new HashSet<int>();
        foreach (var topic in topics)
        {
            var expected = (int)orleans.GetQueueForStream(NotifyStreams.ForTopic(topic)).GetNumericId();
            Assert.Equal(expected, TopicQueues.QueueOf(topic, queueCount));
            Assert.Equal(expected, TopicQueues.QueueOf(Encoding.UTF8.GetBytes(topic), queueCount));
            used.Add(expected);
        }

        Assert.Equal(queueCount, used.Count); // every queue carries some of 5,000 topics
    }
}
