using Notify.Grains.Events;

namespace Notify.Grains.Reads;

/// <summary>A read of a topic's buffer: "the events after X", and whether X could be honoured.</summary>
/// <param name="Reset">Null when the position was honoured; otherwise why not.</param>
/// <param name="ContinuesAfter">
/// The position the returned events follow. When honoured, the asked position (or the head for a live
/// subscription); after a reset, the position just before the oldest buffered event, which is also
/// the reset event's id, so a client that resumes from it is not told of the same loss twice.
/// </param>
/// <param name="Events">Buffered events after <paramref name="ContinuesAfter"/>, oldest first; possibly only the first page.</param>
/// <param name="Head">The position of the newest event when the read was made.</param>
[GenerateSerializer, Immutable]
public sealed record TopicRead(
    [property: Id(0)] ResetReason? Reset,
    [property: Id(1)] EventPosition ContinuesAfter,
    [property: Id(2)] IReadOnlyList<TopicEvent> Events,
    [property: Id(3)] EventPosition Head)
{
    /// <summary>The position of the last event this read delivers (its last event, else <see cref="ContinuesAfter"/>).</summary>
    public EventPosition End => Events.Count > 0 ? Events[^1].Position : ContinuesAfter;

    /// <summary>True when events after <see cref="End"/> were already buffered: read again from there.</summary>
    public bool HasMore => End.Sequence < Head.Sequence;
}
