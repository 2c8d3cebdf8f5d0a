using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Orleans.Streams;

namespace Notify.Grains.Streaming;

/// <summary>
/// The keys of the two grains behind each stream queue, its memory queue (Orleans' <c>MemoryStreamQueueGrain</c>) and its
/// doorbell (<see cref="QueueDoorbellGrain"/>), and the queue number a grain key stands for. They let the silo that reads
/// a queue keep both grains in its own process (<c>QueueOwnerPlacementDirector</c>, <see cref="QueueOwnerBalancer"/>).
/// </summary>
/// <remarks>
/// Orleans' memory adapter keys a queue's grain by a GUID of its own making: the provider name's XxHash64 (UTF-16), the
/// queue's ring position and its number. <c>TopicOwnerRoutingTests</c> holds this copy of the layout to the grains a
/// real silo activates; were it to drift, the grains would only be placed anywhere again, as before, not lost.
/// </remarks>
public static class StreamQueueGrainIds
{
    /// <summary>The key of the doorbell of queue <paramref name="queueNumber"/> of <paramref name="provider"/>.</summary>
    public static string DoorbellKey(string provider, uint queueNumber) =>
        string.Create(CultureInfo.InvariantCulture, $"{provider}/{queueNumber}");

    /// <summary>The key of the memory queue grain of <paramref name="queue"/> of <paramref name="provider"/>.</summary>
    public static Guid MemoryQueueKey(string provider, QueueId queue)
    {
        Span<byte> bytes = stackalloc byte[16];
        XxHash64.Hash(MemoryMarshal.AsBytes(provider.AsSpan()), bytes[..8]);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[8..], queue.GetUniformHashCode());
        BinaryPrimitives.WriteUInt32LittleEndian(bytes[12..], queue.GetNumericId());
        return new Guid(bytes);
    }

    /// <summary>The queue number behind a doorbell or memory queue grain of <paramref name="provider"/>, if <paramref name="grain"/> is one.</summary>
    public static bool TryGetQueueNumber(GrainId grain, string provider, out int queueNumber)
    {
        queueNumber = -1;
        if (grain.TryGetGuidKey(out var guid, out var extension) && extension is null)
        {
            Span<byte> bytes = stackalloc byte[16];
            Span<byte> providerHash = stackalloc byte[8];
            guid.TryWriteBytes(bytes);
            XxHash64.Hash(MemoryMarshal.AsBytes(provider.AsSpan()), providerHash);
            if (!bytes[..8].SequenceEqual(providerHash))
            {
                return false;
            }

            queueNumber = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
            return true;
        }

        var key = grain.Key.ToString();
        var slash = key.LastIndexOf('/');
        return slash > 0
            && key.AsSpan(0, slash).SequenceEqual(provider)
            && int.TryParse(key.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out queueNumber);
    }
}
