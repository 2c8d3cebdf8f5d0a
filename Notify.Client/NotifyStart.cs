using System.Globalization;

namespace Notify.Client;

/// <summary>
/// Where a subscription starts, for each of its topics. Once a topic has delivered anything, the client resumes it
/// from the last item's position, whatever the start was.
/// </summary>
public sealed class NotifyStart
{
    private NotifyStart(StartKind kind, DateTimeOffset instant = default, IReadOnlyDictionary<string, string>? lastEventIds = null, NotifyStart? otherwise = null)
    {
        Kind = kind;
        Instant = instant;
        LastEventIds = lastEventIds;
        Otherwise = otherwise;
    }

    /// <summary>The events published from now on.</summary>
    public static NotifyStart Live { get; } = new(StartKind.Live);

    /// <summary>Every event the server still buffers, then live ones.</summary>
    public static NotifyStart Earliest { get; } = new(StartKind.Earliest);

    /// <summary>The newest buffered event (a topic's current state), then live ones.</summary>
    public static NotifyStart Latest { get; } = new(StartKind.Latest);

    internal StartKind Kind { get; }

    internal DateTimeOffset Instant { get; }

    internal IReadOnlyDictionary<string, string>? LastEventIds { get; }

    internal NotifyStart? Otherwise { get; }

    /// <summary>
    /// The buffered events published at or after <paramref name="instant"/> (by the server's clock), then live ones.
    /// When one of them has already left the buffer the topic starts with a <see cref="NotifyReset"/>.
    /// </summary>
    public static NotifyStart Since(DateTimeOffset instant) => new(StartKind.Since, instant);

    /// <summary>
    /// The events after the given ids, per topic: positions a service persisted (<see cref="NotifyItem.Position"/>),
    /// so it resumes exactly. A topic without an id starts at <paramref name="otherwise"/> (<see cref="Earliest"/> by default).
    /// </summary>
    /// <param name="lastEventIds">The last id handled, by topic.</param>
    /// <param name="otherwise">Where topics missing from <paramref name="lastEventIds"/> start; not itself an <c>After</c>.</param>
    public static NotifyStart After(IReadOnlyDictionary<string, string> lastEventIds, NotifyStart? otherwise = null)
    {
        ArgumentNullException.ThrowIfNull(lastEventIds);
        if (otherwise?.Kind == StartKind.After)
        {
            throw new ArgumentException("The start of topics without an id cannot itself be After.", nameof(otherwise));
        }

        foreach (var (topic, id) in lastEventIds)
        {
            if (string.IsNullOrEmpty(id))
            {
                throw new ArgumentException($"The last event id of topic '{topic}' is empty.", nameof(lastEventIds));
            }
        }

        // A copy: the caller may keep updating its own dictionary while the subscription runs.
        return new NotifyStart(StartKind.After, lastEventIds: new Dictionary<string, string>(lastEventIds, StringComparer.Ordinal), otherwise: otherwise ?? Earliest);
    }

    /// <summary>The start of one topic: never <see cref="StartKind.After"/> without an id.</summary>
    internal (StartKind Kind, string? LastEventId, DateTimeOffset Instant) For(string topic) =>
        Kind != StartKind.After ? (Kind, null, Instant)
        : LastEventIds!.TryGetValue(topic, out var id) ? (StartKind.After, id, default)
        : Otherwise!.For(topic);

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        StartKind.Since => "Since " + Instant.ToString("O", CultureInfo.InvariantCulture),
        StartKind.After => $"After {string.Join(", ", LastEventIds!.Select(pair => $"{pair.Key}={pair.Value}"))} (otherwise {Otherwise})",
        _ => Kind.ToString(),
    };
}

/// <summary>The kinds of <see cref="NotifyStart"/>.</summary>
internal enum StartKind
{
    Live,
    Earliest,
    Latest,
    Since,
    After,
}
