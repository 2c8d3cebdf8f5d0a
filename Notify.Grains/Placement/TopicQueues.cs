using System.IO.Hashing;
using System.Text;

namespace Notify.Grains.Placement;

/// <summary>
/// Which stream queue carries a topic's live events: the queue Orleans' <c>HashRingBasedStreamQueueMapper</c> maps the
/// topic's stream (namespace <c>topic</c>, key the topic id) to. The silos ask Orleans' mapper itself; this file gives the
/// same answer without Orleans, for the gateway, and <c>TopicQueuesTests</c> holds the two to each other.
/// </summary>
/// <remarks>
/// Orleans hashes a stream id with XxHash32 over its namespace's and key's UTF-8 bytes, and puts queue <c>i</c> of
/// <c>n</c> at <c>i × (2³² / n + 1)</c> on a ring: a stream belongs to the first queue at or after its hash, wrapping
/// round to queue 0. This file is plain .NET: the gateway links it in.
/// </remarks>
public static class TopicQueues
{
    private const int StackLimit = 256;
    private static ReadOnlySpan<byte> StreamNamespace => "topic"u8;

    /// <summary>The number (0 to <paramref name="queueCount"/> − 1) of the queue that carries <paramref name="topic"/>.</summary>
    public static int QueueOf(string topic, int queueCount)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var length = StreamNamespace.Length + Encoding.UTF8.GetByteCount(topic);
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length];
        StreamNamespace.CopyTo(buffer);
        var written = StreamNamespace.Length + Encoding.UTF8.GetBytes(topic, buffer[StreamNamespace.Length..]);
        return QueueOfStream(buffer[..written], queueCount);
    }

    /// <summary>The number of the queue that carries the topic whose id is <paramref name="topicUtf8"/>.</summary>
    public static int QueueOf(ReadOnlySpan<byte> topicUtf8, int queueCount)
    {
        var length = StreamNamespace.Length + topicUtf8.Length;
        var buffer = length <= StackLimit ? stackalloc byte[StackLimit] : new byte[length];
        StreamNamespace.CopyTo(buffer);
        topicUtf8.CopyTo(buffer[StreamNamespace.Length..]);
        return QueueOfStream(buffer[..length], queueCount);
    }

    private static int QueueOfStream(ReadOnlySpan<byte> streamKey, int queueCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCount, 1);
        if (queueCount == 1)
        {
            return 0;
        }

        // Orleans keeps the hash's bytes as XxHash32 writes them (big-endian) and reads them as a machine integer.
        Span<byte> digest = stackalloc byte[sizeof(uint)];
        XxHash32.Hash(streamKey, digest);
        var hash = BitConverter.ToUInt32(digest);
        var spacing = (ulong)((1L << 32) / queueCount + 1);
        var queue = (hash + spacing - 1) / spacing; // the first queue at or after the hash
        return queue < (ulong)queueCount ? (int)queue : 0;
    }
}
