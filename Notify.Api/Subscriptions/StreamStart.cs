using Notify.Grains.Reads;

namespace Notify.Api.Subscriptions;

/// <summary>Where a stream starts, and how the client asked for it (quoted by a <c>notify.reset</c> when it cannot be honoured).</summary>
/// <param name="From">The position or instant to read from.</param>
/// <param name="Asked">The client's <c>Last-Event-ID</c> or <c>since</c>, as sent; null for a live-only stream.</param>
public sealed record StreamStart(ResumeFrom From, string? Asked)
{
    /// <summary>Live events only.</summary>
    public static StreamStart Live { get; } = new(ResumeFrom.Live, null);

    /// <summary>After a client's last event id (or <c>earliest</c>, <c>latest</c>); live only when none.</summary>
    public static StreamStart AfterLastEventId(string? lastEventId) => new(ResumeFrom.Parse(lastEventId), lastEventId);

    /// <summary>The events published at or after <paramref name="instant"/>, as the client wrote it in <paramref name="asked"/>.</summary>
    public static StreamStart PublishedSince(DateTimeOffset instant, string asked) => new(ResumeFrom.PublishedSince(instant), asked);
}
