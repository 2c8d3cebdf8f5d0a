using System.IO.Hashing;
using System.Text;

namespace Notify.Grains.Placement;

/// <summary>
/// Which node owns a topic: the one whose name scores highest with the topic's id (rendezvous hashing). The silos place
/// a topic's grain on its owner (<see cref="TopicOwnerPlacementDirector"/>) and the gateway sends the topic's publishes
/// there (its <c>TopicOwner</c> load-balancing policy), so a publish is taken where its grain lives instead of being
/// forwarded once more between silos. Both sides compile this one file, so they cannot hash differently.
/// </summary>
/// <remarks>
/// Only names count, never addresses: a silo restarted on another port, or seen by the gateway through another
/// address, keeps its topics. When a node leaves, only its own topics move, each to the node that scores next highest,
/// and both sides pick that same node from the nodes they still see. When their views differ for a moment, a publish
/// lands on another silo and is forwarded to the grain as before: slower, never wrong.
/// This file is plain .NET (no Orleans types): the gateway links it in.
/// </remarks>
public static class TopicOwners
{
    private const int StackLimit = 256;

    /// <summary>The owner of <paramref name="topic"/> among <paramref name="nodes"/>, or the default when there are none.</summary>
    public static T? Pick<T>(string topic, IReadOnlyList<T> nodes, Func<T, ReadOnlySpan<char>> nameOf)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var length = Encoding.UTF8.GetByteCount(topic);
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length];
        var written = Encoding.UTF8.GetBytes(topic, buffer);
        return Pick(buffer[..written], nodes, nameOf);
    }

    /// <summary>The owner of the topic whose id is <paramref name="topicUtf8"/>, or the default when there are none.</summary>
    public static T? Pick<T>(ReadOnlySpan<byte> topicUtf8, IReadOnlyList<T> nodes, Func<T, ReadOnlySpan<char>> nameOf)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(nameOf);
        T? owner = default;
        var ownerIndex = -1;
        ulong best = 0;
        for (var i = 0; i < nodes.Count; i++)
        {
            var name = nameOf(nodes[i]);
            var score = Score(topicUtf8, name);
            // Ties (as good as never) go to the ordinally smaller name, so every side breaks them alike.
            if (ownerIndex < 0 || score > best || (score == best && name.SequenceCompareTo(nameOf(nodes[ownerIndex])) < 0))
            {
                (owner, ownerIndex, best) = (nodes[i], i, score);
            }
        }

        return owner;
    }

    /// <summary>How strongly <paramref name="node"/> claims the topic: the topic's hash, seeded with the node name's.</summary>
    internal static ulong Score(ReadOnlySpan<byte> topicUtf8, ReadOnlySpan<char> node)
    {
        var length = Encoding.UTF8.GetByteCount(node);
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length];
        var written = Encoding.UTF8.GetBytes(node, buffer);
        var seed = unchecked((long)XxHash3.HashToUInt64(buffer[..written]));
        return XxHash3.HashToUInt64(topicUtf8, seed);
    }
}
