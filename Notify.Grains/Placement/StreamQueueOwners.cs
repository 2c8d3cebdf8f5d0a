using Microsoft.Extensions.Options;
using Notify.Grains.Streaming;
using Orleans.Configuration;

namespace Notify.Grains.Placement;

/// <summary>
/// The owners of the topic stream queues among a set of silos, by the silos' names (<see cref="QueueOwners"/>,
/// <see cref="TopicOwners"/>): the one view the queue balancer and the placement directors share.
/// </summary>
internal sealed class StreamQueueOwners(SiloNames names, IOptionsMonitor<HashRingStreamQueueMapperOptions> queues)
{
    /// <summary>How many queues the topic streams are spread over.</summary>
    public int QueueCount => queues.Get(NotifyProviderNames.Streams).TotalQueueCount;

    /// <summary>The owner of queue <paramref name="queue"/> among <paramref name="silos"/>.</summary>
    public SiloAddress? OwnerOfQueue(int queue, IReadOnlyList<SiloAddress> silos) =>
        QueueOwners.OwnerOf(queue, QueueCount, silos, names.Of);

    /// <summary>The owner among <paramref name="silos"/> of the topic whose id is <paramref name="topicUtf8"/>.</summary>
    public SiloAddress? OwnerOfTopic(ReadOnlySpan<byte> topicUtf8, IReadOnlyList<SiloAddress> silos) =>
        TopicOwners.Pick(topicUtf8, QueueCount, silos, names.Of);

    /// <summary>Fills <paramref name="owners"/> (one entry per queue) with each queue's owner among <paramref name="silos"/>.</summary>
    public void Assign(IReadOnlyList<SiloAddress> silos, Span<int> owners) =>
        QueueOwners.Assign(owners.Length, silos, names.Of, owners);
}
