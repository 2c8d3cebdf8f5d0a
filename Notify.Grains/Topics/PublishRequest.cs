namespace Notify.Grains.Topics;

/// <summary>An event to publish, already validated by the API.</summary>
/// <param name="Data">UTF-8 text.</param>
/// <param name="Type">The SSE event type, or null.</param>
/// <param name="IdempotencyKey">The publisher's idempotency key, or null.</param>
[GenerateSerializer, Immutable]
public sealed record PublishRequest(
    [property: Id(0)] byte[] Data,
    [property: Id(1)] string? Type,
    [property: Id(2)] string? IdempotencyKey);
