using Notify.Grains.Events;

namespace Notify.Grains.Reads;

/// <summary>What a subscriber asked to resume from, decoded from its <c>Last-Event-ID</c>.</summary>
[GenerateSerializer, Immutable]
public sealed record ResumeFrom(
    [property: Id(0)] ResumeKind Kind,
    [property: Id(1)] EventPosition? After = null,
    [property: Id(2)] DateTimeOffset? Since = null)
{
    /// <summary>The keyword that asks for the whole buffer (Mercure's convention).</summary>
    public const string EarliestKeyword = "earliest";

    /// <summary>The keyword that asks for the newest buffered event, then live ones (for topics that hold state).</summary>
    public const string LatestKeyword = "latest";

    /// <summary>No id given: live events only.</summary>
    public static ResumeFrom Live { get; } = new(ResumeKind.Live);

    /// <summary><c>earliest</c>: the whole buffer, then live events.</summary>
    public static ResumeFrom Earliest { get; } = new(ResumeKind.Earliest);

    /// <summary><c>latest</c>: the newest buffered event, then live events.</summary>
    public static ResumeFrom Latest { get; } = new(ResumeKind.Latest);

    /// <summary>An id that is not one of ours.</summary>
    public static ResumeFrom Malformed { get; } = new(ResumeKind.Malformed);

    /// <summary>The events after <paramref name="position"/>.</summary>
    public static ResumeFrom Position(EventPosition position) => new(ResumeKind.After, position);

    /// <summary>The buffered events published at or after <paramref name="instant"/>, then live events.</summary>
    public static ResumeFrom PublishedSince(DateTimeOffset instant) => new(ResumeKind.Since, Since: instant);

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

        if (string.Equals(lastEventId, LatestKeyword, StringComparison.Ordinal))
        {
            return Latest;
        }

        return EventPosition.TryParse(lastEventId, out var position) ? Position(position.Value) : Malformed;
    }
}
