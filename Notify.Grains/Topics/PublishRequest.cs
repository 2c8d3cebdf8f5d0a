namespace Notify.Grains.Topics;

/// <summary>An event to publish, already validated by the API.</summary>
/// <param name="Data">UTF-8 text.</param>
/// <param name="Type">The SSE event type, or null.</param>
/// <param name="IdempotencyKey">The publisher's idempotency key, or null.</param>
/// <param name="TraceParent">
/// The W3C <c>traceparent</c> of the request that made the publish, when it is traced: the grain's
/// <c>notify.publish</c> span joins that trace. Carried here rather than by Orleans' trace propagation, whose call
/// filters would put every grain call, the stream's own among them, through Orleans' filter pipeline.
/// </param>
[GenerateSerializer, Immutable]
public sealed record PublishRequest(
    [property: Id(0)] byte[] Data,
    [property: Id(1)] string? Type,
    [property: Id(2)] string? IdempotencyKey,
    [property: Id(3)] string? TraceParent = null);
