namespace Notify.Bench.Load;

/// <summary>
/// The order a hub owes a topic's subscribers, learned from the publisher's side: an event acknowledged
/// before another was sent must be delivered before it. Events in flight at the same time may be stored in
/// either order, so this is exact whatever the number of publishes in flight.
/// </summary>
/// <remarks>Written by the topic's publisher before each send; read by subscribers after they receive the event.</remarks>
internal sealed class TopicOrder
{
    private const int SegmentBits = 16;
    private const int SegmentSize = 1 << SegmentBits;
    private const int Segments = 4096;
    private readonly long[]?[] _segments = new long[Segments][];
    private readonly Lock _gate = new();
    private long _acknowledgedPrefix;
    private readonly SortedSet<long> _acknowledgedAhead = [];

    /// <summary>The highest sequence number a topic can have in one run.</summary>
    public const long Capacity = ((long)Segments << SegmentBits) - 1;

    /// <summary>The default for a topic whose events were published one at a time: each follows all before it.</summary>
    public static TopicOrder Sequential { get; } = new() { IsSequential = true };

    private bool IsSequential { get; init; }

    /// <summary>The highest sequence such that it and all before it had to arrive before <paramref name="sequence"/>.</summary>
    public long MustFollow(long sequence)
    {
        if (IsSequential)
        {
            return sequence - 1;
        }

        if (sequence is <= 0 or > Capacity)
        {
            return 0;
        }

        var segment = Volatile.Read(ref _segments[sequence >> SegmentBits]);
        return segment is null ? 0 : Volatile.Read(ref segment[sequence & (SegmentSize - 1)]);
    }

    /// <summary>Records, as <paramref name="sequence"/> is sent, which events were acknowledged by then.</summary>
    public void Sending(long sequence)
    {
        lock (_gate)
        {
            ref var segment = ref _segments[sequence >> SegmentBits];
            segment ??= new long[SegmentSize];
            Volatile.Write(ref segment[sequence & (SegmentSize - 1)], _acknowledgedPrefix);
        }
    }

    /// <summary>
    /// The hub acknowledged <paramref name="sequence"/>. A publish that failed is never settled: the hub may
    /// still have stored it, so nothing sent later is held to come after it.
    /// </summary>
    public void Settled(long sequence)
    {
        lock (_gate)
        {
            _acknowledgedAhead.Add(sequence);
            while (_acknowledgedAhead.Remove(_acknowledgedPrefix + 1))
            {
                _acknowledgedPrefix++;
            }
        }
    }
}
