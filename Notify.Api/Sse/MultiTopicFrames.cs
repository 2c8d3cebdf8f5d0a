using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using Notify.Grains.Reads;

namespace Notify.Api.Sse;

/// <summary>
/// How a stream of several topics writes its frames. Each event's <c>event:</c> names its topic (<c>orders</c>), with
/// the publisher's type after a colon when it has one (<c>orders:shipped</c>): a page listens to a topic with
/// <c>source.addEventListener("orders", …)</c>, no parser of its own. A colon never occurs in a topic id. Its
/// <c>id:</c> is the stream's position in every topic (<see cref="Subscriptions.MultiTopicPositions"/>).
/// </summary>
internal static class MultiTopicFrames
{
    private static ReadOnlySpan<byte> IdField => "id: "u8;

    private static ReadOnlySpan<byte> EventField => "event: "u8;

    /// <summary>A topic event: its data lines as the topic's own frame has them, under the stream's id and the topic's name.</summary>
    public static void WriteEvent(PipeWriter body, SseFrame frame, string topic, ReadOnlySpan<byte> id)
    {
        var bytes = frame.Bytes.Span;
        bytes = bytes[(bytes.IndexOf((byte)'\n') + 1)..]; // the topic's own id line
        ReadOnlySpan<byte> type = default;
        if (bytes.StartsWith(EventField))
        {
            var end = bytes.IndexOf((byte)'\n');
            type = bytes[EventField.Length..end];
            bytes = bytes[(end + 1)..];
        }

        body.Write(IdField);
        body.Write(id);
        body.Write("\n"u8);
        body.Write(EventField);
        WriteAscii(body, topic);
        if (!type.IsEmpty)
        {
            body.Write(":"u8);
            body.Write(type);
        }

        body.Write("\n"u8);
        body.Write(bytes); // the data lines and the blank line
    }

    /// <summary>The <c>notify.reset</c> of one topic; its id is the stream's position after it.</summary>
    public static void WriteReset(PipeWriter body, string topic, ResetReason reason, string? asked, ReadOnlySpan<byte> id) =>
        WriteReserved(body, id, ReservedEvents.Reset, JsonSerializer.SerializeToUtf8Bytes(
            new TopicResetNotice(topic, reason.ToWireName(), asked, Encoding.ASCII.GetString(id)), SseJsonContext.Default.TopicResetNotice));

    /// <summary>The <c>notify.lagged</c> that ends the stream; no id.</summary>
    public static void WriteLagged(PipeWriter body, string topic, ReadOnlySpan<byte> lastId, int queueLimit) =>
        WriteReserved(body, default, ReservedEvents.Lagged, JsonSerializer.SerializeToUtf8Bytes(
            new TopicLaggedNotice(topic, Encoding.ASCII.GetString(lastId), queueLimit), SseJsonContext.Default.TopicLaggedNotice));

    /// <summary>The <c>notify.expired</c> that ends the stream; no id.</summary>
    public static void WriteExpired(PipeWriter body, ReadOnlySpan<byte> lastId) =>
        WriteReserved(body, default, ReservedEvents.Expired, JsonSerializer.SerializeToUtf8Bytes(
            new ExpiredNotice("token_expired", Encoding.ASCII.GetString(lastId)), SseJsonContext.Default.ExpiredNotice));

    private static void WriteReserved(PipeWriter body, ReadOnlySpan<byte> id, string type, ReadOnlySpan<byte> json)
    {
        if (!id.IsEmpty)
        {
            body.Write(IdField);
            body.Write(id);
            body.Write("\n"u8);
        }

        body.Write(EventField);
        WriteAscii(body, type);
        body.Write("\ndata: "u8);
        body.Write(json); // JSON escapes line breaks: one data line
        body.Write("\n\n"u8);
    }

    private static void WriteAscii(PipeWriter body, string text)
    {
        var span = body.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        body.Advance(written);
    }
}
