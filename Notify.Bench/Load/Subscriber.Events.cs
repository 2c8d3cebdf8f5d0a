using System.Diagnostics;
using Notify.Bench.Sse;

namespace Notify.Bench.Load;

/// <summary>What a subscriber counts of the events its streams bring: each event into its topic's ledger, notices apart.</summary>
internal sealed partial class Subscriber
{
    private long _deliveries;
    private long _lastDelivery;

    /// <summary>Distinct events received; read by the progress display while the run goes on.</summary>
    public long Deliveries => Volatile.Read(ref _deliveries);

    /// <summary>When the last distinct event arrived (a <see cref="Stopwatch"/> timestamp).</summary>
    public long LastDelivery => Volatile.Read(ref _lastDelivery);

    public long Duplicates { get; private set; }

    public long OutOfOrder { get; private set; }

    /// <summary>Events whose body is not one of ours, or is of a topic this subscriber does not follow.</summary>
    public long Malformed { get; private set; }

    public long Resets { get; private set; }

    public long Lagged { get; private set; }

    public long OtherEvents { get; private set; }

    public long Heartbeats { get; private set; }

    /// <summary>Streams that ended without being asked to (the subscriber reconnected).</summary>
    public long UnexpectedCloses { get; private set; }

    /// <summary>Connections refused or answered with something other than an event stream.</summary>
    public long FailedConnects { get; private set; }

    public long Reconnects { get; private set; }

    /// <summary>Acknowledged events of its topics that it never received.</summary>
    public long CountMissing(IReadOnlyList<TopicLane> lanes) =>
        _follows.Sum(follow => follow.Received.CountMissingFrom(lanes[follow.Topic].Acknowledged));

    void ISseEventSink.OnEvent(ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, ReadOnlySpan<byte> data)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        if (IsNotice(type))
        {
            return;
        }

        if (!EventPayload.TryRead(data, out var sequence, out var sentAt, out var topic)
            || sequence is <= 0 or > EventPayload.MaxSequence
            || Follow(topic) is not { } ledger)
        {
            Malformed++;
            return;
        }

        switch (ledger.Record(sequence))
        {
            case Receipt.Duplicate:
                Duplicates++;
                return;
            case Receipt.Late:
                OutOfOrder++;
                break;
        }

        Volatile.Write(ref _deliveries, _deliveries + 1);
        Volatile.Write(ref _lastDelivery, receivedAt);
        _metrics.Delivered(sentAt, receivedAt, live: sentAt >= _connectedAt);
    }

    void ISseEventSink.OnComment(ReadOnlySpan<byte> text) => Heartbeats++;

    /// <summary>
    /// True, and counted, for an event that is not a published one. A stream of one topic sends those unnamed (or
    /// <c>message</c>); a stream of several names each after its topic (Notify) or leaves it unnamed (nchan).
    /// </summary>
    private bool IsNotice(ReadOnlySpan<byte> type)
    {
        if (type.IsEmpty || type.SequenceEqual("message"u8))
        {
            return false;
        }

        if (type.SequenceEqual("notify.reset"u8))
        {
            Resets++;
        }
        else if (type.SequenceEqual("notify.lagged"u8))
        {
            Lagged++;
        }
        else if (_follows.Length > 1 && !type.StartsWith("notify."u8))
        {
            return false;
        }
        else
        {
            OtherEvents++;
        }

        return true;
    }

    private TopicLedger? Follow(int topic)
    {
        foreach (var follow in _follows)
        {
            if (follow.Topic == topic)
            {
                return follow;
            }
        }

        return null;
    }
}
