using Notify.Grains.Events;

namespace Notify.Grains.Storage;

/// <summary>
/// Where a topic's history lives: its epoch, the positions it has given out and its recent events.
/// The topic grain is the only writer of a topic; it keeps a copy of the recent events in memory and
/// serves reads from it, so subscribers never wait on the store.
/// </summary>
public interface ITopicLog
{
    /// <summary>
    /// Whether the log outlives the grain's activation. When it does not, the grain's memory is the history
    /// and its idempotency keys are the only ones.
    /// </summary>
    bool IsDurable { get; }

    /// <summary>
    /// The topic's epoch, last position and recent events (within the buffer limits), starting a new history
    /// with <paramref name="newEpoch"/> when the log has none. Throws <see cref="TopicLogUnavailableException"/>.
    /// </summary>
    Task<TopicLogState> LoadAsync(string topic, string newEpoch, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores one event and gives it the next position; completes once the event is stored (durably, for a
    /// durable log). With an idempotency key seen within the window, stores nothing and answers the first
    /// event's position. Trims the log by count, age and bytes. Throws <see cref="TopicLogUnavailableException"/>.
    /// </summary>
    Task<TopicLogAppend> AppendAsync(string topic, TopicLogEntry entry, CancellationToken cancellationToken = default);
}

/// <summary>A topic's history as loaded: its epoch, the last position given out, and the recent events, oldest first.</summary>
public sealed record TopicLogState(string Epoch, long LastSequence, IReadOnlyList<TopicEvent> Events);

/// <summary>An event to append.</summary>
/// <param name="Expected">The position the grain expects the event to get (a log that does not assign positions itself uses it).</param>
/// <param name="NewEpoch">The epoch to start if the log has lost the topic's history since it was loaded.</param>
/// <param name="Type">The event type, or null.</param>
/// <param name="Data">The event's data.</param>
/// <param name="IdempotencyKey">The publisher's idempotency key, or null.</param>
/// <param name="PublishedAt">The time of the publish.</param>
public sealed record TopicLogEntry(EventPosition Expected, string NewEpoch, string? Type, byte[] Data, string? IdempotencyKey, DateTimeOffset PublishedAt);

/// <summary>The position an append got, and whether an earlier publish with the same idempotency key already had it.</summary>
public readonly record struct TopicLogAppend(EventPosition Position, bool Replayed);
