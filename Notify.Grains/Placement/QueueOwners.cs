using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace Notify.Grains.Placement;

/// <summary>
/// Which node reads each stream queue, and so owns the topics it carries (<see cref="TopicOwners"/>): rendezvous hashing
/// of the queue's number with the nodes' names, with each node taking its fair share (⌊queues ÷ nodes⌋ or one more).
/// </summary>
/// <remarks>
/// The pairs of queue and node are taken in order of score, highest first, and a pair is kept while the queue is
/// unclaimed and the node below its share. The result depends on the set of names only, never on the order they are
/// listed in or on addresses, so the silos and the gateway agree. A node that leaves gives up its queues; the
/// others as good as always keep theirs. With 8 queues, 3 nodes take 3, 3 and 2.
/// This file is plain .NET (no Orleans types): the gateway links it in.
/// </remarks>
public static class QueueOwners
{
    private const int StackLimit = 256;

    /// <summary>The owner of queue <paramref name="queue"/> of <paramref name="queueCount"/> among <paramref name="nodes"/>, or the default when there are none.</summary>
    public static T? OwnerOf<T>(int queue, int queueCount, IReadOnlyList<T> nodes, Func<T, ReadOnlySpan<char>> nameOf)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(queue);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(queue, queueCount);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(nameOf);
        if (nodes.Count == 0)
        {
            return default;
        }

        var owners = queueCount <= StackLimit ? stackalloc int[StackLimit] : new int[queueCount];
        Assign(queueCount, nodes, nameOf, owners[..queueCount]);
        return nodes[owners[queue]];
    }

    /// <summary>Fills <paramref name="owners"/> (one entry per queue) with the index in <paramref name="nodes"/> of each queue's owner.</summary>
    public static void Assign<T>(int queueCount, IReadOnlyList<T> nodes, Func<T, ReadOnlySpan<char>> nameOf, Span<int> owners)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes.Count, 1, nameof(nodes));
        ArgumentOutOfRangeException.ThrowIfNotEqual(owners.Length, queueCount, nameof(owners));
        var nodeCount = nodes.Count;
        var seeds = new long[nodeCount];
        for (var node = 0; node < nodeCount; node++)
        {
            seeds[node] = NameSeed(nameOf(nodes[node]));
        }

        var pairs = new (ulong Score, int Queue, int Node)[queueCount * nodeCount];
        for (var queue = 0; queue < queueCount; queue++)
        {
            for (var node = 0; node < nodeCount; node++)
            {
                pairs[queue * nodeCount + node] = (Score(queue, seeds[node]), queue, node);
            }
        }

        // Highest score first; ties (as good as never) go to the ordinally smaller name, then the smaller queue number.
        Array.Sort(pairs, (a, b) =>
        {
            var byScore = b.Score.CompareTo(a.Score);
            if (byScore != 0)
            {
                return byScore;
            }

            var byName = nameOf(nodes[a.Node]).SequenceCompareTo(nameOf(nodes[b.Node]));
            return byName != 0 ? byName : a.Queue.CompareTo(b.Queue);
        });

        // Every node takes ⌊queues ÷ nodes⌋, and the first (queues mod nodes) to reach that may take one more.
        var share = queueCount / nodeCount;
        var extra = queueCount % nodeCount;
        var taken = new int[nodeCount];
        owners.Fill(-1);
        var unclaimed = queueCount;
        foreach (var (_, queue, node) in pairs)
        {
            if (owners[queue] >= 0 || taken[node] > share || (taken[node] == share && extra == 0))
            {
                continue;
            }

            if (taken[node] == share)
            {
                extra--;
            }

            owners[queue] = node;
            taken[node]++;
            if (--unclaimed == 0)
            {
                break;
            }
        }
    }

    /// <summary>How strongly a node (by its name's seed) claims a queue.</summary>
    internal static ulong Score(int queue, long nameSeed)
    {
        Span<byte> number = stackalloc byte[sizeof(int)];
        BinaryPrimitives.WriteInt32LittleEndian(number, queue);
        return XxHash3.HashToUInt64(number, nameSeed);
    }

    internal static long NameSeed(ReadOnlySpan<char> name)
    {
        var length = Encoding.UTF8.GetByteCount(name);
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length];
        var written = Encoding.UTF8.GetBytes(name, buffer);
        return unchecked((long)XxHash3.HashToUInt64(buffer[..written]));
    }
}
