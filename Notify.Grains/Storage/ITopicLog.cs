using Notify.Grains.Events;

namespace Notify.Grains.Storage;

/// <summary>
/// Where topics' histories live: each topic's epoch, the positions it has given out, its recent events and the
/// idempotency keys of recent publishes. The log assigns positions; the topic grain is its only writer and keeps a
/// copy of the recent events to answer reads, so subscribers never wait on it.
/// </summary>
/// <remarks>
/// Two implementations keep this contract: <see cref="MemoryTopicLog"/> (this silo's memory) and
/// <see cref="RedisTopicLog"/> (a Redis-compatible store, shared by the cluster, durable).
/// </remarks>
public interface ITopicLog
{
    /// <summary>
    /// Opens a topic for its grain: its history as kept (a new history, in a new epoch, when there is none) and the
    /// lease to append. Once a topic is opened, appends through any earlier lease of it fail with
    /// <see cref="TopicLogFencedException"/>: an activation that was cut off (its silo frozen, then declared dead) can no
    /// longer write behind the back of the activation that replaced it.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="now">The time (for the age limit).</param>
    /// <param name="renew">
    /// To read the history again under a lease already held (e.g. after an append whose outcome is unknown): fails with
    /// <see cref="TopicLogFencedException"/> instead of taking the topic back from a later opening.
    /// </param>
    /// <param name="cancellationToken">Stops waiting for the store.</param>
    /// <exception cref="TopicLogFencedException">Renewing a lease that is no longer the topic's.</exception>
    /// <exception cref="TopicLogUnavailableException">The store cannot be reached.</exception>
    Task<TopicHistory> OpenAsync(string topic, DateTimeOffset now, TopicLease? renew = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends <paramref name="entries"/> in order, each taking the next position, except an entry whose idempotency key
    /// was seen within the window: it gets that publish's position and nothing is stored. Completes once the whole batch
    /// is kept (durably, for a durable log), with one answer per entry. The cost does not depend on what the topic holds.
    /// When the history was lost since the lease was taken, the batch starts a new epoch.
    /// </summary>
    /// <exception cref="TopicLogFencedException">The topic was opened again since <paramref name="lease"/> was taken.</exception>
    /// <exception cref="TopicLogUnavailableException">The store cannot be reached; the batch may or may not be stored.</exception>
    Task<IReadOnlyList<TopicLogAppend>> AppendAsync(
        TopicLease lease, IReadOnlyList<TopicLogEntry> entries, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>The position of the topic's newest event as kept now (null when it has no history), without taking the lease.</summary>
    /// <exception cref="TopicLogUnavailableException">The store cannot be reached.</exception>
    Task<EventPosition?> GetLastAsync(string topic, CancellationToken cancellationToken = default);
}
