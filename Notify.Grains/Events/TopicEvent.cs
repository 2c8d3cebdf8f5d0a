namespace Notify.Grains.Events;

/// <summary>One published event, as stored in its topic's buffer and carried on the topic's stream.</summary>
/// <param name="Position">The event's epoch and sequence; its wire id is <c>Position.ToString()</c>.</param>
/// <param name="Type">The SSE <c>event:</c> field, or null for the default <c>message</c> type.</param>
/// <param name="Data">The event's data: UTF-8 text exactly as published.</param>
/// <param name="PublishedAt">When the topic grain accepted the event (used for the buffer's age limit).</param>
/// <param name="TraceParent">
/// On the stream only, while publishes are traced: the W3C <c>traceparent</c> of the publish, so each silo's fan-out of
/// the event joins its trace. Never stored.
/// </param>
[GenerateSerializer, Immutable]
public sealed record TopicEvent(
    [property: Id(0)] EventPosition Position,
    [property: Id(1)] string? Type,
    [property: Id(2)] byte[] Data,
    [property: Id(3)] DateTimeOffset PublishedAt,
    [property: Id(4)] string? TraceParent = null)
{
    /// <summary>The wire id (<c>{epoch}:{sequence}</c>).</summary>
    public string Id => Position.ToString();

    /// <summary>Bytes this event costs in the buffer's byte limit: data plus type.</summary>
    public long Size => Data.Length + (Type?.Length ?? 0);
}
