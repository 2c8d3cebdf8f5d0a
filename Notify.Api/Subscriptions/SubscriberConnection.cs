using System.IO.Pipelines;

namespace Notify.Api.Subscriptions;

/// <summary>The connection a <see cref="TopicSubscription"/> writes its stream to.</summary>
/// <param name="Body">The response body.</param>
/// <param name="Abort">Drops the connection at once, unsent bytes and all: for a client that stopped reading.</param>
/// <param name="ExpiresAt">When the client's token stops allowing the stream; it ends then, after <c>notify.expired</c>. Null: never.</param>
public sealed record SubscriberConnection(PipeWriter Body, Action Abort, DateTimeOffset? ExpiresAt = null)
{
    /// <summary>How long until <paramref name="expiresAt"/>, as a timer takes it.</summary>
    internal static TimeSpan TimeLeft(DateTimeOffset expiresAt)
    {
        var left = expiresAt - DateTimeOffset.UtcNow;
        return left <= TimeSpan.Zero ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(left.TotalMilliseconds, int.MaxValue - 1));
    }
}
