using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;
using Notify.Grains.Events;

namespace Notify.Api.Subscriptions;

/// <summary>
/// The id of an event in a stream of several topics: where the stream stands in every one of them, so one
/// <c>Last-Event-ID</c> resumes each exactly. It is <c>m</c> and the base64url of: a 4-byte checksum of the stream's
/// topic list (an id is only good for the stream it came from), then per topic, in the order asked, a 4-byte hash of
/// the topic's epoch and its sequence as a varint. Topic names are not in it, so its length depends only on how many
/// topics the stream has and how far their sequences are: at most 1 + ⌈(4 + 14·topics)·4/3⌉ characters, 19 for one
/// topic, 605 for 32; about 8 characters per topic in practice.
/// </summary>
internal sealed class MultiTopicPositions
{
    /// <summary>Starts every multi-topic id; single-topic ids (<c>epoch:sequence</c>) never do.</summary>
    public const char Marker = 'm';

    private const int MaxVarintBytes = 10;

    public MultiTopicPositions(IReadOnlyList<string> topics)
    {
        Topics = topics;
        Checksum = Fnv1a(string.Join('\n', topics));
    }

    /// <summary>The stream's topics, in the order asked.</summary>
    public IReadOnlyList<string> Topics { get; }

    /// <summary>The checksum of the topic list an id must carry.</summary>
    public uint Checksum { get; }

    /// <summary>The most bytes an id's payload takes.</summary>
    public int MaxPayloadBytes => 4 + (Topics.Count * (4 + MaxVarintBytes));

    /// <summary>Writes the id of <paramref name="positions"/> (one per topic) as UTF-8 into <paramref name="destination"/>; returns its length.</summary>
    public int Encode(ReadOnlySpan<EventPosition> positions, Span<byte> destination)
    {
        Span<byte> payload = stackalloc byte[MaxPayloadBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(payload, Checksum);
        var length = 4;
        foreach (var position in positions)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(payload[length..], Fnv1a(position.Epoch));
            length += 4;
            var sequence = (ulong)position.Sequence;
            do
            {
                var low = (byte)(sequence & 0x7f);
                sequence >>= 7;
                payload[length++] = sequence == 0 ? low : (byte)(low | 0x80);
            }
            while (sequence != 0);
        }

        destination[0] = (byte)Marker;
        return 1 + Base64Url.EncodeToUtf8(payload[..length], destination[1..]);
    }

    /// <summary>The id of <paramref name="positions"/>, as a string.</summary>
    public string Encode(ReadOnlySpan<EventPosition> positions)
    {
        Span<byte> text = stackalloc byte[MaxEncodedLength];
        return Encoding.ASCII.GetString(text[..Encode(positions, text)]);
    }

    /// <summary>The longest id of this stream, in bytes.</summary>
    public int MaxEncodedLength => 1 + Base64Url.GetEncodedLength(MaxPayloadBytes);

    /// <summary>
    /// Reads an id of this stream: per topic, the hash of its epoch and its sequence. False for anything else: not a
    /// multi-topic id, cut or altered, or the id of a stream with other topics.
    /// </summary>
    public bool TryDecode(string id, out (uint EpochHash, long Sequence)[] positions)
    {
        positions = [];
        if (id.Length < 2 || id[0] != Marker || id.Length > MaxEncodedLength)
        {
            return false;
        }

        Span<byte> payload = stackalloc byte[MaxPayloadBytes + 3];
        if (Base64Url.DecodeFromChars(id.AsSpan(1), payload, out _, out var length) != System.Buffers.OperationStatus.Done
            || length < 4 || BinaryPrimitives.ReadUInt32LittleEndian(payload) != Checksum)
        {
            return false;
        }

        var decoded = new (uint, long)[Topics.Count];
        var offset = 4;
        for (var i = 0; i < decoded.Length; i++)
        {
            if (offset + 5 > length)
            {
                return false;
            }

            var epochHash = BinaryPrimitives.ReadUInt32LittleEndian(payload[offset..]);
            offset += 4;
            ulong sequence = 0;
            for (var shift = 0; ; shift += 7)
            {
                if (offset >= length || shift > 56)
                {
                    return false;
                }

                var next = payload[offset++];
                sequence |= (ulong)(next & 0x7f) << shift;
                if ((next & 0x80) == 0)
                {
                    break;
                }
            }

            decoded[i] = (epochHash, (long)sequence);
        }

        positions = decoded;
        return offset == length && decoded.All(p => p.Item2 >= 0);
    }

    /// <summary>FNV-1a: a stable hash of an epoch or of a topic list (not for security: a mismatch only means "start over").</summary>
    public static uint Fnv1a(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
