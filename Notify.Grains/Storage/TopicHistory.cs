using Notify.Grains.Events;

namespace Notify.Grains.Storage;

/// <summary>The right to append to one topic, given by <see cref="ITopicLog.OpenAsync"/>.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Token">Names this opening; a later opening replaces it.</param>
public sealed record TopicLease(string Topic, string Token);

/// <summary>A topic's history as opened: its epoch, the last position given out, and the recent events, oldest first.</summary>
/// <param name="Lease">The lease to append with.</param>
/// <param name="Epoch">The topic's epoch.</param>
/// <param name="LastSequence">The sequence of the last position given out (0 before the first).</param>
/// <param name="Events">The events still kept (within the buffer's limits), oldest first.</param>
public sealed record TopicHistory(TopicLease Lease, string Epoch, long LastSequence, IReadOnlyList<TopicEvent> Events);
