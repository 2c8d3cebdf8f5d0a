namespace Notify.Grains.Events;

/// <summary>
/// A topic's recent events, oldest first, bounded by count, age and bytes.
/// </summary>
/// <remarks>
/// A ring buffer: appending and trimming are O(1) whatever the buffer holds, and because sequences
/// in the buffer are contiguous, finding "the events after sequence s" is an index computation,
/// not a search. It knows nothing of Orleans so it can be tested alone.
/// <para>
/// The count limit gives way, up to <see cref="KeptLimitFactor"/> times, for events from <see cref="KeepFrom"/> on: those
/// the topic's stream has not yet carried, which silos will read from here instead. A topic publishing faster than its
/// buffer lasts must not lose them to its own count limit while the stream is stalled (its queue's silo frozen).
/// </para>
/// </remarks>
internal sealed class RecentEventBuffer
{
    /// <summary>How many times the count limit the events kept from <see cref="KeepFrom"/> may reach.</summary>
    public const int KeptLimitFactor = 10;

    private readonly int _maxEvents;
    private readonly TimeSpan _maxAge;
    private readonly long _maxBytes;
    private TopicEvent[] _ring;
    private int _head;   // index of the oldest event
    private int _count;
    private DateTimeOffset? _droppedUpTo = DateTimeOffset.MinValue; // when the newest dropped event was published; null: unknown
    private long _keptFrom = long.MaxValue; // events from this sequence on are not dropped for the count limit

    public RecentEventBuffer(int maxEvents, TimeSpan maxAge, long maxBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxAge, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _maxEvents = maxEvents;
        _maxAge = maxAge;
        _maxBytes = maxBytes;
        _ring = new TopicEvent[Math.Min(maxEvents, 16)];
    }

    /// <summary>How many events are buffered.</summary>
    public int Count => _count;

    /// <summary>Bytes the buffered events cost (see <see cref="TopicEvent.Size"/>).</summary>
    public long Bytes { get; private set; }

    /// <summary>The sequence of the last event ever appended (0 before the first).</summary>
    public long LastSequence { get; private set; }

    /// <summary>The sequence of the oldest buffered event; <c>LastSequence + 1</c> when empty.</summary>
    public long FirstSequence => LastSequence - _count + 1;

    /// <summary>
    /// Keeps the events from <paramref name="sequence"/> on (those appended later too) beyond the count limit, up to
    /// <see cref="KeptLimitFactor"/> times it; the age and byte limits still hold. Null lets them go: the buffer is back
    /// within its count limit at once.
    /// </summary>
    public void KeepFrom(long? sequence)
    {
        _keptFrom = sequence ?? long.MaxValue;
        while (_count > CountLimit)
        {
            RemoveOldest();
        }
    }

    /// <summary>The count limit the oldest event is held to: raised while it is one of those kept.</summary>
    private int CountLimit => _count > 0 && _ring[_head].Position.Sequence >= _keptFrom ? _maxEvents * KeptLimitFactor : _maxEvents;

    /// <summary>Empties the buffer; the next event appended must follow <paramref name="lastSequence"/>.</summary>
    public void Reset(long lastSequence)
    {
        Array.Clear(_ring);
        _head = 0;
        _count = 0;
        Bytes = 0;
        LastSequence = lastSequence;
        _droppedUpTo = lastSequence == 0 ? DateTimeOffset.MinValue : null; // earlier events exist, published when we cannot tell
    }

    /// <summary>Appends the next event, then drops the oldest ones beyond the count and byte limits.</summary>
    public void Append(TopicEvent topicEvent)
    {
        if (topicEvent.Position.Sequence != LastSequence + 1)
        {
            throw new ArgumentException(
                $"Expected sequence {LastSequence + 1}, got {topicEvent.Position.Sequence}.", nameof(topicEvent));
        }

        if (_count >= CountLimit)
        {
            RemoveOldest();
        }

        if (_count == _ring.Length)
        {
            Grow();
        }

        _ring[(_head + _count) % _ring.Length] = topicEvent;
        _count++;
        Bytes += topicEvent.Size;
        LastSequence = topicEvent.Position.Sequence;

        while (Bytes > _maxBytes && _count > 1)
        {
            RemoveOldest();
        }
    }

    /// <summary>Drops events published before <c>now - maxAge</c>.</summary>
    public void TrimExpired(DateTimeOffset now)
    {
        var cutoff = now - _maxAge;
        while (_count > 0 && _ring[_head].PublishedAt <= cutoff)
        {
            RemoveOldest();
        }
    }

    /// <summary>
    /// Copies the buffered events after <paramref name="afterSequence"/>, oldest first, stopping at
    /// <paramref name="maxEvents"/> events or once <paramref name="maxBytes"/> is reached (at least one
    /// event is copied when there is one). The caller checks that the sequence is in range.
    /// </summary>
    public List<TopicEvent> CopyAfter(long afterSequence, int maxEvents, long maxBytes)
    {
        var start = Math.Max(afterSequence + 1, FirstSequence);
        var available = (int)Math.Max(0, LastSequence - start + 1);
        var take = Math.Min(available, maxEvents);
        var events = new List<TopicEvent>(take);
        long bytes = 0;
        var offset = (int)(start - FirstSequence);
        for (var i = 0; i < take; i++)
        {
            var topicEvent = _ring[(_head + offset + i) % _ring.Length];
            bytes += topicEvent.Size;
            if (bytes > maxBytes && events.Count > 0)
            {
                break;
            }

            events.Add(topicEvent);
        }

        return events;
    }

    /// <summary>
    /// The sequence after which the events published at or after <paramref name="since"/> start (the last one published
    /// before it, or the one before the oldest buffered). <paramref name="lost"/> says whether an event published at or
    /// after <paramref name="since"/> may have left the buffer already.
    /// </summary>
    public long SequenceBefore(DateTimeOffset since, out bool lost)
    {
        var index = _count;
        while (index > 0 && _ring[(_head + index - 1) % _ring.Length].PublishedAt >= since)
        {
            index--;
        }

        var oldestAt = _count > 0 ? _ring[_head].PublishedAt : DateTimeOffset.MaxValue;
        lost = _droppedUpTo is { } droppedUpTo ? droppedUpTo >= since : oldestAt >= since; // unknown: only the oldest kept tells
        return FirstSequence - 1 + index;
    }

    private void RemoveOldest()
    {
        _droppedUpTo = _droppedUpTo is { } known && known > _ring[_head].PublishedAt ? known : _ring[_head].PublishedAt;
        Bytes -= _ring[_head].Size;
        _ring[_head] = null!;
        _head = (_head + 1) % _ring.Length;
        _count--;
    }

    private void Grow()
    {
        var larger = new TopicEvent[Math.Min(_ring.Length * 2, _maxEvents * KeptLimitFactor)];
        for (var i = 0; i < _count; i++)
        {
            larger[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = larger;
        _head = 0;
    }
}
