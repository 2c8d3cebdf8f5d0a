using Notify.Grains.Events;

namespace Notify.Api.Subscriptions;

/// <summary>Where an event stands relative to a <see cref="TopicCursor"/>.</summary>
public enum CursorStep
{
    /// <summary>The event right after the cursor: pass it on and advance.</summary>
    Next,

    /// <summary>An event at or before the cursor, in the same epoch: passed on already, drop it.</summary>
    Seen,

    /// <summary>Events are missing before this one, or it belongs to another epoch: read what is missing first.</summary>
    Gap,
}

/// <summary>
/// How far a reader of one topic has got: the position of the last event it passed on. The fan-out of a
/// topic and each subscription keep one, and both decide what to do with an arriving event the same way.
/// </summary>
/// <remarks>
/// Positions are contiguous within an epoch, so an event is exactly one of: the next one, one already passed
/// on, or one beyond a gap. An event of another epoch is always a gap: the old history's positions say
/// nothing about the new one's, and only the topic grain can say where the reader continues.
/// </remarks>
/// <param name="Position">The last event passed on (sequence 0 before the first of its epoch).</param>
public readonly record struct TopicCursor(EventPosition Position)
{
    /// <summary>Where <paramref name="position"/> stands relative to this cursor.</summary>
    public CursorStep StepTo(EventPosition position)
    {
        if (!string.Equals(position.Epoch, Position.Epoch, StringComparison.Ordinal))
        {
            return CursorStep.Gap;
        }

        return position.Sequence <= Position.Sequence ? CursorStep.Seen
            : position.Sequence == Position.Sequence + 1 ? CursorStep.Next
            : CursorStep.Gap;
    }

    /// <inheritdoc/>
    public override string ToString() => Position.ToString();
}
