using Notify.Api.Sse;
using Notify.Grains.Events;
using Notify.Grains.Reads;

namespace Notify.Api.Subscriptions;

internal sealed partial class MultiTopicStream
{
    private enum ItemKind
    {
        Retry,
        Event,
        Reset,
        Heartbeat,
        Lagged,
        Expired,
    }

    /// <summary>One thing a lane wrote, kept until its flush.</summary>
    private readonly record struct Item(
        ItemKind Kind, SseFrame? Frame = null, ResetReason Reason = default, string? Asked = null,
        EventPosition Position = default, int QueueLimit = 0, TimeSpan Interval = default);

    /// <summary>What one topic's subscription writes to: kept until it flushes, then written by the stream with its ids.</summary>
    private sealed class Lane(MultiTopicStream stream, int index) : IStreamWriter
    {
        private readonly List<Item> _items = [];

        public int Pending { get; private set; }

        public void Retry(TimeSpan interval) => _items.Add(new Item(ItemKind.Retry, Interval: interval));

        public void Event(SseFrame frame)
        {
            _items.Add(new Item(ItemKind.Event, frame));
            Pending += frame.Bytes.Length;
        }

        public void Reset(ResetReason reason, string? asked, EventPosition continuesAfter) =>
            _items.Add(new Item(ItemKind.Reset, Reason: reason, Asked: asked, Position: continuesAfter));

        public void Jump(SseFrame frame)
        {
            // The fan-out's reset quotes the topic's own position; in this stream the client knows the stream's id.
            var jump = frame.Jump!;
            _items.Add(new Item(ItemKind.Reset, Reason: jump.Reason, Asked: null, Position: jump.ContinuesAfter));
        }

        public void Heartbeat() => _items.Add(new Item(ItemKind.Heartbeat));

        public void Lagged(EventPosition lastDelivered, int queueLimit) => _items.Add(new Item(ItemKind.Lagged, QueueLimit: queueLimit));

        public void Expired(EventPosition lastDelivered) => _items.Add(new Item(ItemKind.Expired));

        public ValueTask<FlushOutcome> FlushAsync(CancellationToken cancellationToken)
        {
            Pending = 0;
            return stream.WriteAsync(index, _items, cancellationToken);
        }

        public Task AskToReconnectSoonAsync() => stream.AskToReconnectSoonAsync();

        public void Abort() => stream._connection.Abort();
    }
}
