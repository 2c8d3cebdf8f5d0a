using System.Buffers;
using Notify.Api.Sse;
using Notify.Grains.Events;
using Notify.Grains.Reads;

namespace Notify.Api.Subscriptions;

/// <summary>A single topic's stream on a connection of its own: every frame written as it is encoded.</summary>
internal sealed class ConnectionStreamWriter(SubscriberConnection connection, TimeSpan writeTimeout) : IStreamWriter
{
    public int Pending { get; private set; }

    public void Retry(TimeSpan interval) => Write(SseFrame.Retry(interval));

    public void Event(SseFrame frame) => Write(frame);

    public void Reset(ResetReason reason, string? asked, EventPosition continuesAfter) => Write(SseFrame.ForReset(reason, asked, continuesAfter));

    public void Jump(SseFrame frame) => Write(frame);

    public void Heartbeat() => Write(SseFrame.Heartbeat);

    public void Lagged(EventPosition lastDelivered, int queueLimit) => Write(SseFrame.ForLagged(lastDelivered, queueLimit));

    public void Expired(EventPosition lastDelivered) => Write(SseFrame.ForExpired(lastDelivered));

    public ValueTask<FlushOutcome> FlushAsync(CancellationToken cancellationToken)
    {
        Pending = 0;
        return BoundedFlush.FlushAsync(connection.Body, writeTimeout, cancellationToken);
    }

    public Task AskToReconnectSoonAsync() => EventStreamResponse.AskToReconnectSoonAsync(connection.Body);

    public void Abort() => connection.Abort();

    private void Write(SseFrame frame)
    {
        connection.Body.Write(frame.Bytes.Span);
        Pending += frame.Bytes.Length;
    }
}
