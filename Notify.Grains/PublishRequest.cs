namespace Notify.Grains;

/// <summary>An event to publish, already validated by the API.</summary>
/// <param name="Data">UTF-8 text.</param>
/// <param name="Type">The SSE event type, or null.</param>
/// <param name="IdempotencyKey">The publisher's idempotency key, or null.</param>
[GenerateSerializer, Immutable]
public sealed record PublishRequest(
    [property: Id(0)] byte[] Data,
    [property: Id(1)] string? Type,
    [property: Id(2)] string? IdempotencyKey);

/// <summary>The answer to a publish.</summary>
/// <param name="Position">The event's position; its wire id is <c>Position.ToString()</c>.</param>
/// <param name="Replayed">True when an earlier publish with the same idempotency key created the event.</param>
[GenerateSerializer, Immutable]
public sealed record PublishResult(
    [property: Id(0)] EventPosition Position,
    [property: Id(1)] bool Replayed);
