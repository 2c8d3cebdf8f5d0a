namespace Notify.Client;

/// <summary>
/// The server could not go on exactly as asked, and says so in the stream (the reserved <c>notify.*</c> events).
/// The client has already dealt with the connection; the notice is for the application, which may have lost events
/// (<see cref="NotifyReset"/>) or may want to know why the stream was reopened.
/// </summary>
/// <param name="Topic">The topic whose stream sent it.</param>
public abstract record NotifyNotice(string Topic) : NotifyItem(Topic);

/// <summary>
/// <c>notify.reset</c>: the position the stream resumed from could not be honoured, so events may have been missed.
/// The stream continues with the oldest event still buffered; reload whatever state the events build.
/// </summary>
/// <param name="Topic">The topic.</param>
/// <param name="Reason">Why the position could not be honoured.</param>
/// <param name="LastEventId">The position the client resumed from (an id, or the <c>since</c> instant), as sent.</param>
/// <param name="ContinuesAfter">Where the stream continues: the events after this id follow.</param>
public sealed record NotifyReset(string Topic, NotifyResetReason Reason, string? LastEventId, string ContinuesAfter) : NotifyNotice(Topic)
{
    /// <inheritdoc />
    public override string Position => ContinuesAfter;
}

/// <summary>Why a <see cref="NotifyReset"/> was sent.</summary>
public enum NotifyResetReason
{
    /// <summary>A reason this version of the client does not know.</summary>
    Other,

    /// <summary>The events after the position have left the server's buffer (count, age or size limit).</summary>
    Expired,

    /// <summary>The position belongs to an earlier history of the topic: its epoch changed.</summary>
    Epoch,

    /// <summary>The position is not a Notify event id.</summary>
    Malformed,

    /// <summary>The position is beyond the topic's newest event: the topic never had it.</summary>
    Unknown,
}

/// <summary>
/// <c>notify.lagged</c>: this subscriber fell too far behind (the server's per-connection queue filled) and the server
/// closed the stream. The client has resumed after <see cref="LastEventId"/>: nothing is lost, but the application is
/// reading more slowly than events arrive.
/// </summary>
/// <param name="Topic">The topic.</param>
/// <param name="LastEventId">The last event the stream delivered; the client resumed after it.</param>
/// <param name="QueueLimit">How many events may wait for one connection on the server.</param>
public sealed record NotifyLagged(string Topic, string LastEventId, int QueueLimit) : NotifyNotice(Topic)
{
    /// <inheritdoc />
    public override string Position => LastEventId;
}

/// <summary>
/// <c>notify.expired</c>: the token the stream was opened with expired and the server ended the stream. The client has
/// asked its token provider for a new one and resumed after <see cref="LastEventId"/>: nothing is lost.
/// </summary>
/// <param name="Topic">The topic.</param>
/// <param name="LastEventId">The last event the stream delivered; the client resumed after it.</param>
public sealed record NotifyExpired(string Topic, string LastEventId) : NotifyNotice(Topic)
{
    /// <inheritdoc />
    public override string Position => LastEventId;
}
