namespace Notify.Api.Sse;

/// <summary>The data of a <c>notify.reset</c> event.</summary>
/// <param name="Reason"><c>expired</c>, <c>epoch</c>, <c>malformed</c> or <c>unknown</c>.</param>
/// <param name="LastEventId">The id the client resumed from, as it sent it.</param>
/// <param name="ContinuesAfter">The position the stream continues after (also this event's id).</param>
public sealed record ResetNotice(string Reason, string? LastEventId, string ContinuesAfter);
