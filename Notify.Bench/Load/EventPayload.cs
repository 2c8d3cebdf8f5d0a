using System.Buffers.Text;

namespace Notify.Bench.Load;

/// <summary>
/// The body of every published event: <c>{sequence} {send timestamp} {topic}</c>, then padding to the asked size.
/// The sequence is per topic and starts at 1; the timestamp is this process's <see cref="System.Diagnostics.Stopwatch"/>;
/// the topic is the run's index of it, so a stream of several topics is counted per topic even when the hub does not
/// name each event's topic (nchan's multiplexed channels).
/// </summary>
internal static class EventPayload
{
    /// <summary>Smallest body that always holds the three numbers (9 + 19 + 10 digits and two spaces).</summary>
    public const int MinimumSize = 42;

    /// <summary>Larger sequence numbers are not ours: the data was mangled on the way.</summary>
    public const long MaxSequence = TopicOrder.Capacity;

    public static byte[] Create(long sequence, long timestamp, int topic, int size)
    {
        var body = new byte[Math.Max(size, MinimumSize)];
        Utf8Formatter.TryFormat(sequence, body, out var written);
        body[written++] = (byte)' ';
        Utf8Formatter.TryFormat(timestamp, body.AsSpan(written), out var more);
        written += more;
        body[written++] = (byte)' ';
        Utf8Formatter.TryFormat(topic, body.AsSpan(written), out more);
        written += more;
        body.AsSpan(written).Fill((byte)' ');
        body.AsSpan(written + 1).Fill((byte)'x');
        return body;
    }

    public static bool TryRead(ReadOnlySpan<byte> data, out long sequence, out long timestamp, out int topic)
    {
        timestamp = 0;
        topic = -1;
        if (!TryReadNumber(ref data, out sequence) || !TryReadNumber(ref data, out timestamp))
        {
            return false;
        }

        return Utf8Parser.TryParse(data, out topic, out _) && topic >= 0;
    }

    /// <summary>A number followed by a space; <paramref name="data"/> moves past both.</summary>
    private static bool TryReadNumber(ref ReadOnlySpan<byte> data, out long number)
    {
        if (!Utf8Parser.TryParse(data, out number, out var consumed) || consumed >= data.Length || data[consumed] != (byte)' ')
        {
            return false;
        }

        data = data[(consumed + 1)..];
        return true;
    }
}
