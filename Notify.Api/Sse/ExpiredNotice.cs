namespace Notify.Api.Sse;

/// <summary>The data of a <c>notify.expired</c> event, written just before a stream whose token expired ends.</summary>
/// <param name="Reason">Why the stream ends: <c>token_expired</c>.</param>
/// <param name="LastEventId">The last event written to this connection: reconnect with a fresh token and this id.</param>
public sealed record ExpiredNotice(string Reason, string LastEventId);
