namespace Notify.Grains.Placement;

/// <summary>
/// Which node owns a topic: the owner of the stream queue that carries its live events (<see cref="TopicQueues"/>,
/// <see cref="QueueOwners"/>). The silos place a topic's grain there (<see cref="TopicOwnerPlacementDirector"/>), read
/// the topic's queue there (<c>QueueOwnerBalancer</c>) and keep the queue's grains there, and the gateway sends the
/// topic's publishes there (its <c>TopicOwner</c> load-balancing policy). A publish is then taken, stored and enqueued
/// in one process, and its stream message leaves that process only to be delivered to the other silos.
/// Both sides compile this one file and the two it uses, so they cannot hash differently.
/// </summary>
/// <remarks>
/// Only names count, never addresses: a silo restarted on another port, or seen by the gateway through another
/// address, keeps its topics. When their views of the nodes differ for a moment, a publish lands on another silo and
/// is forwarded to the grain as before: slower, never wrong.
/// This file is plain .NET (no Orleans types): the gateway links it in.
/// </remarks>
public static class TopicOwners
{
    /// <summary>The owner of <paramref name="topic"/> among <paramref name="nodes"/>, or the default when there are none.</summary>
    public static T? Pick<T>(string topic, int queueCount, IReadOnlyList<T> nodes, Func<T, ReadOnlySpan<char>> nameOf) =>
        QueueOwners.OwnerOf(TopicQueues.QueueOf(topic, queueCount), queueCount, nodes, nameOf);

    /// <summary>The owner of the topic whose id is <paramref name="topicUtf8"/>, or the default when there are none.</summary>
    public static T? Pick<T>(ReadOnlySpan<byte> topicUtf8, int queueCount, IReadOnlyList<T> nodes, Func<T, ReadOnlySpan<char>> nameOf) =>
        QueueOwners.OwnerOf(TopicQueues.QueueOf(topicUtf8, queueCount), queueCount, nodes, nameOf);
}
