using Notify.Grains.Events;

namespace Notify.Grains.Topics;

/// <summary>The answer to a publish.</summary>
/// <param name="Position">The event's position; its wire id is <c>Position.ToString()</c>.</param>
/// <param name="Replayed">True when an earlier publish with the same idempotency key created the event.</param>
[GenerateSerializer, Immutable]
public sealed record PublishResult(
    [property: Id(0)] EventPosition Position,
    [property: Id(1)] bool Replayed);
