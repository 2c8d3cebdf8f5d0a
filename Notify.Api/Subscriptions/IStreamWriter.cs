using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Api.Sse;

namespace Notify.Api.Subscriptions;

/// <summary>
/// Where a <see cref="TopicSubscription"/> writes what its client is to receive, said by what it is rather than as
/// bytes: a connection of its own writes it as it is (<see cref="ConnectionStreamWriter"/>); a stream of several
/// topics gives each event an id that resumes them all.
/// </summary>
internal interface IStreamWriter
{
    /// <summary>The opening <c>retry:</c>.</summary>
    void Retry(TimeSpan interval);

    /// <summary>A topic event (its <see cref="SseFrame.Position"/> is set).</summary>
    void Event(SseFrame frame);

    /// <summary>A <c>notify.reset</c> read from the grain: <paramref name="asked"/> was not honoured; the stream continues after <paramref name="continuesAfter"/>.</summary>
    void Reset(ResetReason reason, string? asked, EventPosition continuesAfter);

    /// <summary>The <c>notify.reset</c> of a topic's fan-out (its <see cref="SseFrame.Jump"/> is set).</summary>
    void Jump(SseFrame frame);

    /// <summary>A heartbeat comment.</summary>
    void Heartbeat();

    /// <summary>The <c>notify.lagged</c> that ends a stream that fell behind.</summary>
    void Lagged(EventPosition lastDelivered, int queueLimit);

    /// <summary>The <c>notify.expired</c> that ends a stream whose token expired.</summary>
    void Expired(EventPosition lastDelivered);

    /// <summary>Bytes written since the last flush.</summary>
    int Pending { get; }

    /// <summary>Sends what was written; <see cref="FlushOutcome.Stuck"/> when it could not be sent within the write timeout.</summary>
    ValueTask<FlushOutcome> FlushAsync(CancellationToken cancellationToken);

    /// <summary>Asks the client to come back within a second (best effort), before the stream ends early.</summary>
    Task AskToReconnectSoonAsync();

    /// <summary>Drops the connection at once: its client stopped reading.</summary>
    void Abort();
}
