using Notify.Grains.Events;
using Notify.Grains.Reads;
using Notify.Grains.Storage;

namespace Notify.Grains.Topics;

/// <summary>
/// A topic grain's in-memory copy of its history: the epoch and the recent events, from which every read is answered.
/// Knows nothing of Orleans, so the rules for reading and for taking in what the log stored are tested alone.
/// </summary>
internal sealed class TopicCopy(TopicOptions options)
{
    /// <summary>Upper bound of one read's page, whatever the caller asks.</summary>
    public const int MaxPageEvents = 10_000;

    private readonly RecentEventBuffer _buffer = new(options.BufferMaxEvents, options.BufferMaxAge, options.BufferMaxBytes);

    public string Epoch { get; private set; } = "";

    /// <summary>The position of the newest event (sequence 0 before the first).</summary>
    public EventPosition Head => new(Epoch, _buffer.LastSequence);

    /// <summary>Keeps the events from <paramref name="sequence"/> on beyond the count limit (the stream has not carried them); null lets them go.</summary>
    public void KeepFrom(long? sequence) => _buffer.KeepFrom(sequence);

    /// <summary>Replaces the copy with a history as the log holds it.</summary>
    public void Replace(TopicHistory history)
    {
        Epoch = history.Epoch;
        var contiguous = history.Events.Count > 0 && history.Events[^1].Position.Sequence == history.LastSequence;
        _buffer.Reset(contiguous ? history.Events[0].Position.Sequence - 1 : history.LastSequence);
        if (contiguous)
        {
            foreach (var topicEvent in history.Events)
            {
                _buffer.Append(topicEvent);
            }
        }
    }

    /// <summary>
    /// Takes in what the log answered for a batch: the events it stored are added, and returned in position order. A
    /// batch stored in a new history (the log had lost the topic's) starts the copy afresh. Returns false in
    /// <paramref name="complete"/> when the copy now lacks something the log holds (positions that do not follow it, or
    /// a replayed one beyond it): then it must be read from the log again.
    /// </summary>
    public List<TopicEvent> Apply(IReadOnlyList<TopicLogEntry> entries, IReadOnlyList<TopicLogAppend> answers, DateTimeOffset now, out bool complete)
    {
        complete = true;
        var stored = new List<TopicEvent>(entries.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            var (position, replayed) = answers[i];
            if (replayed)
            {
                complete &= position.Epoch == Epoch && position.Sequence <= _buffer.LastSequence;
                continue;
            }

            if (position.Epoch != Epoch && position.Sequence == 1)
            {
                Epoch = position.Epoch;
                _buffer.Reset(0);
            }

            var topicEvent = new TopicEvent(position, entries[i].Type, entries[i].Data, now);
            if (position.Epoch == Epoch && position.Sequence == _buffer.LastSequence + 1)
            {
                _buffer.Append(topicEvent);
            }
            else
            {
                complete = false;
            }

            stored.Add(topicEvent);
        }

        _buffer.TrimExpired(now);
        return stored;
    }

    /// <summary>
    /// Whether <paramref name="asked"/> is beyond this copy (a position it never had, or of another epoch): the only
    /// reads for which the log is asked whether it holds more than the copy.
    /// </summary>
    public bool IsBeyond(EventPosition asked) => asked.Epoch != Epoch || asked.Sequence > _buffer.LastSequence;

    /// <summary>True when a position the log reports as its newest is ahead of this copy.</summary>
    public bool IsBehind(EventPosition logLast) => logLast.Epoch != Epoch || logLast.Sequence > _buffer.LastSequence;

    /// <summary>
    /// The buffered events after <paramref name="from"/>, at most <paramref name="maxEvents"/> and about
    /// <paramref name="maxBytes"/> (at least one when there is one), or a reset saying why the position cannot be honoured.
    /// </summary>
    public TopicRead Read(ResumeFrom from, int maxEvents, long maxBytes, DateTimeOffset now)
    {
        _buffer.TrimExpired(now);
        var head = Head;
        var beforeOldest = new EventPosition(Epoch, _buffer.FirstSequence - 1);

        (ResetReason? reset, EventPosition after) = from switch
        {
            { Kind: ResumeKind.Live } => (null, head),
            { Kind: ResumeKind.Earliest } => (null, beforeOldest),
            { Kind: ResumeKind.Latest } => (null, new EventPosition(Epoch, Math.Max(beforeOldest.Sequence, head.Sequence - 1))),
            { Kind: ResumeKind.Since, Since: { } since } => Since(since),
            { Kind: ResumeKind.After, After: { } position } when position.Epoch != Epoch => (ResetReason.Epoch, beforeOldest),
            { Kind: ResumeKind.After, After: { } position } when position.Sequence > head.Sequence => (ResetReason.Unknown, beforeOldest),
            { Kind: ResumeKind.After, After: { } position } when position.Sequence < beforeOldest.Sequence => (ResetReason.Expired, beforeOldest),
            { Kind: ResumeKind.After, After: { } position } => ((ResetReason?)null, position),
            _ => (ResetReason.Malformed, beforeOldest),
        };

        var events = _buffer.CopyAfter(after.Sequence, Math.Clamp(maxEvents, 1, MaxPageEvents), Math.Max(1, maxBytes));
        return new TopicRead(reset, after, events, head);
    }

    /// <summary>Where a time start begins, and <see cref="ResetReason.Expired"/> when events since then have left the buffer.</summary>
    private (ResetReason?, EventPosition) Since(DateTimeOffset since)
    {
        var after = _buffer.SequenceBefore(since, out var lost);
        return (lost ? ResetReason.Expired : null, new EventPosition(Epoch, after));
    }
}
