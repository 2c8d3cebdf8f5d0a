using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Notify.Grains.Events;
using Notify.Grains.Reads;

namespace Notify.Api.Sse;

/// <summary>
/// The exact bytes of one thing written to an SSE stream: an event, a reserved <c>notify.*</c> event,
/// a heartbeat comment or the opening <c>retry:</c> field. A topic event is encoded once per silo
/// and the same instance goes to every local connection.
/// </summary>
public sealed class SseFrame
{
    private static readonly SearchValues<byte> LineBreaks = SearchValues.Create("\r\n"u8);

    private SseFrame(EventPosition? position, byte[] bytes, TopicJump? jump = null, DateTimeOffset? publishedAt = null)
    {
        Position = position;
        Bytes = bytes;
        Jump = jump;
        PublishedAt = publishedAt;
    }

    /// <summary>The topic event's position; null for frames that are not topic events.</summary>
    public EventPosition? Position { get; }

    /// <summary>When the topic event was accepted (for the delivery lag); null for frames that are not topic events.</summary>
    public DateTimeOffset? PublishedAt { get; }

    /// <summary>For the <c>notify.reset</c> of a topic's fan-out (<see cref="ForJump"/>): the jump it reports.</summary>
    public TopicJump? Jump { get; }

    /// <summary>The encoded frame, ending with the blank line that dispatches it.</summary>
    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>A comment line, sent when a stream has been idle for the heartbeat interval.</summary>
    public static SseFrame Heartbeat { get; } = new(null, ":\n\n"u8.ToArray());

    /// <summary>The stream's first bytes: the reconnection delay browsers should use.</summary>
    public static SseFrame Retry(TimeSpan delay) =>
        new(null, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"retry: {(long)delay.TotalMilliseconds}\n\n")));

    /// <summary>
    /// Encodes a topic event: <c>id:</c>, <c>event:</c> when typed, one <c>data:</c> line per line of the
    /// data (CR, LF and CRLF all end a line), then a blank line.
    /// </summary>
    public static SseFrame ForEvent(TopicEvent topicEvent) => ForEvent(topicEvent, topicEvent.Position);

    /// <summary>An event's frame, carrying <paramref name="position"/> (the event's own, with an epoch string shared by the caller).</summary>
    public static SseFrame ForEvent(TopicEvent topicEvent, EventPosition position)
    {
        var id = topicEvent.Id;
        return new SseFrame(position, Encode(id, topicEvent.Type, topicEvent.Data), publishedAt: topicEvent.PublishedAt);
    }

    /// <summary>
    /// The <c>notify.reset</c> event: the asked position could not be honoured. Its id is where the
    /// stream continues, so a client that reconnects right after it is not told of the same loss again.
    /// </summary>
    public static SseFrame ForReset(ResetReason reason, string? lastEventId, EventPosition continuesAfter) =>
        new(null, EncodeReset(reason, lastEventId, continuesAfter));

    /// <summary>
    /// The <c>notify.reset</c> a topic's fan-out hands to every local subscription when the topic jumped. It quotes
    /// <see cref="TopicJump.From"/> as the client's last id, so it is exact for a subscription at that position
    /// (every one that follows the fan-out live); any other reads its own reset from the grain.
    /// </summary>
    public static SseFrame ForJump(TopicJump jump) =>
        new(null, EncodeReset(jump.Reason, jump.From.ToString(), jump.ContinuesAfter), jump);

    /// <summary>
    /// The <c>notify.lagged</c> event, written before a connection that fell too far behind is closed.
    /// It has no id: the client resumes from the last event it really received.
    /// </summary>
    public static SseFrame ForLagged(EventPosition lastDelivered, int queueLimit)
    {
        var data = JsonSerializer.SerializeToUtf8Bytes(
            new LaggedNotice(lastDelivered.ToString(), queueLimit),
            SseJsonContext.Default.LaggedNotice);
        return new SseFrame(null, Encode(id: null, ReservedEvents.Lagged, data));
    }

    /// <summary>
    /// The <c>notify.expired</c> event, written before a stream whose token expired ends. It has no id: the client
    /// reconnects with a fresh token and the last event it received.
    /// </summary>
    public static SseFrame ForExpired(EventPosition lastDelivered)
    {
        var data = JsonSerializer.SerializeToUtf8Bytes(
            new ExpiredNotice("token_expired", lastDelivered.ToString()),
            SseJsonContext.Default.ExpiredNotice);
        return new SseFrame(null, Encode(id: null, ReservedEvents.Expired, data));
    }

    private static byte[] EncodeReset(ResetReason reason, string? lastEventId, EventPosition continuesAfter)
    {
        var data = JsonSerializer.SerializeToUtf8Bytes(
            new ResetNotice(reason.ToWireName(), lastEventId, continuesAfter.ToString()),
            SseJsonContext.Default.ResetNotice);
        return Encode(continuesAfter.ToString(), ReservedEvents.Reset, data);
    }

    private static byte[] Encode(string? id, string? type, ReadOnlySpan<byte> data)
    {
        var buffer = new ArrayBufferWriter<byte>(data.Length + 64);
        if (id is not null)
        {
            WriteField(buffer, "id: "u8, id);
        }

        if (type is not null)
        {
            WriteField(buffer, "event: "u8, type);
        }

        while (true)
        {
            var end = data.IndexOfAny(LineBreaks);
            var line = end < 0 ? data : data[..end];
            buffer.Write("data: "u8);
            buffer.Write(line);
            buffer.Write("\n"u8);
            if (end < 0)
            {
                break;
            }

            var breakLength = data[end] == (byte)'\r' && end + 1 < data.Length && data[end + 1] == (byte)'\n' ? 2 : 1;
            data = data[(end + breakLength)..];
        }

        buffer.Write("\n"u8);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteField(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> name, string value)
    {
        buffer.Write(name);
        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length));
        buffer.Advance(Encoding.UTF8.GetBytes(value, span));
        buffer.Write("\n"u8);
    }
}
