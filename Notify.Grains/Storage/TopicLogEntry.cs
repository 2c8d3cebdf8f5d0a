using Notify.Grains.Events;

namespace Notify.Grains.Storage;

/// <summary>An event to append.</summary>
/// <param name="Type">The event type, or null.</param>
/// <param name="Data">The event's data.</param>
/// <param name="IdempotencyKey">The publisher's idempotency key, or null.</param>
public sealed record TopicLogEntry(string? Type, byte[] Data, string? IdempotencyKey);

/// <summary>The position an entry got, and whether an earlier publish with the same idempotency key already had it.</summary>
public readonly record struct TopicLogAppend(EventPosition Position, bool Replayed);
