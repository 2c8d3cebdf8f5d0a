using Notify.Grains.Events;

namespace Notify.Grains.Reads;

/// <summary>What a subscriber asked to resume from, decoded from its <c>Last-Event-ID</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record ResumeFrom(
    [property: Id(0)] ResumeKind Kind,
    [property: Id(1)] EventPosition? After = null)
{
    /// <summary>The keyword that asks for the whole buffer (Mercure's convention).</summary>
    public const string EarliestKeyword = "earliest";

    /// <summary>No id given: live events only.</summary>
    public static ResumeFrom Live { get; } = new(ResumeKind.Live);

    /// <summary><c>earliest</c>: the whole buffer, then live events.</summary>
    public static ResumeFrom Earliest { get; } = new(ResumeKind.Earliest);

    /// <summary>An id that is not one of ours.</summary>
    public static ResumeFrom Malformed { get; } = new(ResumeKind.Malformed);

    /// <summary>The events after <paramref name="position"/>.</summary>
    public static ResumeFrom Position(EventPosition position) => new(ResumeKind.After, position);

    /// <summary>Decodes a client's last event id; null or empty means "live only".</summary>
    public static ResumeFrom Parse(string? lastEventId)
    {
        if (string.IsNullOrEmpty(lastEventId))
        {
            return Live;
        }

        if (string.Equals(lastEventId, EarliestKeyword, StringComparison.Ordinal))
        {
            return Earliest;
        }

        return EventPosition.TryParse(lastEventId, out var position) ? Position(position.Value) : Malformed;
    }
}
