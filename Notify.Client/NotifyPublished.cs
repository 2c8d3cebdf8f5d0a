namespace Notify.Client;

/// <summary>The server's acknowledgement of a publish: the event is stored under <see cref="Id"/>.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Id">The event's id.</param>
/// <param name="Replayed">
/// True when the server recognised the <c>Idempotency-Key</c> of an earlier publish and stored nothing new: a retry
/// of this client's own, or of the caller's.
/// </param>
public sealed record NotifyPublished(string Topic, string Id, bool Replayed);
