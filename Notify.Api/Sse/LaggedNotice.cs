namespace Notify.Api.Sse;

/// <summary>The data of a <c>notify.lagged</c> event.</summary>
/// <param name="LastEventId">The last event written to this connection: resume from it.</param>
/// <param name="QueueLimit">How many events may wait for a connection before it is closed.</param>
public sealed record LaggedNotice(string LastEventId, int QueueLimit);
