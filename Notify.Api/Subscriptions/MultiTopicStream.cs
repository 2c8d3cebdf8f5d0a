using System.Buffers;
using Notify.Api.Sse;
using Notify.Grains.Events;

namespace Notify.Api.Subscriptions;

/// <summary>
/// One event stream for several topics: a <see cref="TopicSubscription"/> per topic (each exact on its own, as on a
/// stream of its own) writes through a lane of this stream, which writes their events one batch at a time under one
/// lock, each with the id of where the stream then stands in every topic. An id therefore never claims an event that
/// was not written before it, and one <c>Last-Event-ID</c> resumes every topic exactly. Order is kept within a topic;
/// across topics, events are written as their topics deliver them. When one lane ends the stream (lagged, token
/// expired, silo stopping, topic unavailable), the others end with it, and the client resumes them all from the last id.
/// </summary>
internal sealed partial class MultiTopicStream : IDisposable
{
    private readonly IReadOnlyList<TopicSubscription> _lanes;
    private readonly MultiTopicPositions _ids;
    private readonly EventPosition[] _positions;
    private readonly SubscriberConnection _connection;
    private readonly SseOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly byte[] _id;
    private bool _retryWritten;
    private bool _ended; // a frame that ends the stream was written
    private long _lastWriteTicks = Environment.TickCount64;

    public MultiTopicStream(IReadOnlyList<TopicSubscription> lanes, MultiTopicPositions ids, SubscriberConnection connection, SseOptions options)
    {
        _lanes = lanes;
        _ids = ids;
        _connection = connection;
        _options = options;
        _positions = [.. lanes.Select(lane => lane.StartsAfter)];
        _id = new byte[ids.MaxEncodedLength];
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Runs every lane until one ends the stream or the client leaves.</summary>
    public async Task RunAsync(CancellationToken clientGone)
    {
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(clientGone);
        var runs = _lanes.Select((lane, index) => lane.RunAsync(new Lane(this, index), _connection.ExpiresAt, ending.Token)).ToList();
        await Task.WhenAny(runs);
        await ending.CancelAsync(); // the others end with it, writing nothing more
        await Task.WhenAll(runs);
    }

    /// <summary>Writes a lane's batch, then flushes the connection.</summary>
    private async ValueTask<FlushOutcome> WriteAsync(int lane, List<Item> items, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var wrote = false;
            foreach (var item in items)
            {
                wrote |= Write(lane, item);
            }

            items.Clear();
            if (!wrote)
            {
                return FlushOutcome.Sent;
            }

            Volatile.Write(ref _lastWriteTicks, Environment.TickCount64);
            return await BoundedFlush.FlushAsync(_connection.Body, _options.WriteTimeout, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Writes one item of a lane; false when it was nothing to write (a duplicate ending, an early heartbeat).</summary>
    private bool Write(int lane, Item item)
    {
        var body = _connection.Body;
        var topic = _ids.Topics[lane];
        switch (item.Kind)
        {
            case ItemKind.Retry when !_retryWritten:
                _retryWritten = true;
                body.Write(SseFrame.Retry(item.Interval).Bytes.Span);
                return true;
            case ItemKind.Event:
                _positions[lane] = item.Frame!.Position!.Value;
                MultiTopicFrames.WriteEvent(body, item.Frame, topic, CurrentId());
                return true;
            case ItemKind.Reset:
                _positions[lane] = item.Position;
                MultiTopicFrames.WriteReset(body, topic, item.Reason, item.Asked, CurrentId());
                return true;
            case ItemKind.Heartbeat when Environment.TickCount64 - Volatile.Read(ref _lastWriteTicks) >= (long)_options.HeartbeatInterval.TotalMilliseconds / 2:
                body.Write(SseFrame.Heartbeat.Bytes.Span); // every lane asks; one per interval is enough
                return true;
            case ItemKind.Lagged when !_ended:
                _ended = true;
                MultiTopicFrames.WriteLagged(body, topic, CurrentId(), item.QueueLimit);
                return true;
            case ItemKind.Expired when !_ended:
                _ended = true;
                MultiTopicFrames.WriteExpired(body, CurrentId());
                return true;
            default:
                return false;
        }
    }

    private ReadOnlySpan<byte> CurrentId()
    {
        return _id.AsSpan(0, _ids.Encode(_positions, _id));
    }

    private async Task AskToReconnectSoonAsync()
    {
        await _gate.WaitAsync();
        try
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
        }
        finally
        {
            _gate.Release();
        }

        await EventStreamResponse.AskToReconnectSoonAsync(_connection.Body);
    }
}
