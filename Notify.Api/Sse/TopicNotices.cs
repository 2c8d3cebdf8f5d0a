namespace Notify.Api.Sse;

/// <summary>The data of a <c>notify.reset</c> in a stream of several topics: which topic could not be resumed, and why.</summary>
/// <param name="Topic">The topic the reset is about; the stream's other topics resumed.</param>
/// <param name="Reason">Why: <c>expired</c>, <c>epoch</c>, <c>malformed</c> or <c>unknown</c>.</param>
/// <param name="LastEventId">The id the client asked to resume from.</param>
/// <param name="ContinuesAfter">The stream's id after the reset (also its <c>id:</c>).</param>
public sealed record TopicResetNotice(string Topic, string Reason, string? LastEventId, string ContinuesAfter);

/// <summary>The data of a <c>notify.lagged</c> in a stream of several topics.</summary>
/// <param name="Topic">The topic whose events the connection could not take fast enough.</param>
/// <param name="LastEventId">The stream's id after the last event written: resume from it.</param>
/// <param name="QueueLimit">How many events may wait for a connection before it is closed.</param>
public sealed record TopicLaggedNotice(string Topic, string LastEventId, int QueueLimit);
