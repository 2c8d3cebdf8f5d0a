using System.Buffers.Text;

namespace Notify.Bench.Load;

/// <summary>
/// The body of every published event: <c>{sequence} {send timestamp}</c>, then padding to the asked size.
/// The sequence is per topic and starts at 1; the timestamp is this process's <see cref="System.Diagnostics.Stopwatch"/>.
/// </summary>
internal static class EventPayload
{
    /// <summary>Smallest body that always holds both numbers.</summary>
    public const int MinimumSize = 42;

    /// <summary>Larger sequence numbers are not ours: the data was mangled on the way.</summary>
    public const long MaxSequence = TopicOrder.Capacity;

    public static byte[] Create(long sequence, long timestamp, int size)
    {
        var body = new byte[Math.Max(size, MinimumSize)];
        Utf8Formatter.TryFormat(sequence, body, out var written);
        body[written++] = (byte)' ';
        Utf8Formatter.TryFormat(timestamp, body.AsSpan(written), out var more);
        written += more;
        body.AsSpan(written).Fill((byte)' ');
        body.AsSpan(written + 1).Fill((byte)'x');
        return body;
    }

    public static bool TryRead(ReadOnlySpan<byte> data, out long sequence, out long timestamp)
    {
        timestamp = 0;
        if (!Utf8Parser.TryParse(data, out sequence, out var consumed) || consumed >= data.Length || data[consumed] != (byte)' ')
        {
            return false;
        }

        return Utf8Parser.TryParse(data[(consumed + 1)..], out timestamp, out _);
    }
}
