using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Notify.Grains.Events;
using Notify.Grains.Topics;

namespace Notify.Grains.Storage;

/// <summary>
/// Topics kept in this silo's memory, for a silo that runs without a store. A topic's grain may be collected and
/// activated again here and continue the same epoch; a topic whose grain moves to another silo, or whose silo restarts,
/// starts a new epoch, and clients resuming from the old one are told (<c>notify.reset</c>, reason <c>epoch</c>).
/// </summary>
/// <remarks>
/// A topic is forgotten once it has been idle for the buffer's maximum age (every event it held has expired by then).
/// </remarks>
public sealed class MemoryTopicLog(IOptions<TopicOptions> options) : ITopicLog
{
    private readonly TopicOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, MemoryTopic> _topics = new(StringComparer.Ordinal);
    private long _nextSweepTicks;

    public Task<TopicHistory> OpenAsync(string topic, DateTimeOffset now, TopicLease? renew = null, CancellationToken cancellationToken = default)
    {
        SweepIfDue(now);
        var kept = _topics.GetOrAdd(topic, _ => new MemoryTopic(_options) { Token = renew?.Token ?? "" });
        lock (kept)
        {
            if (renew is not null && kept.Token != renew.Token)
            {
                throw new TopicLogFencedException($"Topic {topic} was opened again since this lease was taken.");
            }

            kept.Touch(now);
            kept.Buffer.TrimExpired(now);
            kept.Token = renew?.Token ?? Guid.NewGuid().ToString("N");
            var events = kept.Buffer.CopyAfter(kept.Buffer.FirstSequence - 1, kept.Buffer.Count, long.MaxValue);
            return Task.FromResult(new TopicHistory(new TopicLease(topic, kept.Token), kept.Epoch, kept.Buffer.LastSequence, events));
        }
    }

    public Task<IReadOnlyList<TopicLogAppend>> AppendAsync(
        TopicLease lease, IReadOnlyList<TopicLogEntry> entries, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        SweepIfDue(now);
        var kept = _topics.GetOrAdd(lease.Topic, _ => new MemoryTopic(_options) { Token = lease.Token }); // forgotten: a new history
        lock (kept)
        {
            if (kept.Token != lease.Token)
            {
                throw new TopicLogFencedException($"Topic {lease.Topic} was opened again since this lease was taken.");
            }

            kept.Touch(now);
            var answers = new TopicLogAppend[entries.Count];
            for (var i = 0; i < entries.Count; i++)
            {
                answers[i] = kept.Append(entries[i], now);
            }

            kept.Buffer.TrimExpired(now);
            return Task.FromResult<IReadOnlyList<TopicLogAppend>>(answers);
        }
    }

    public Task<EventPosition?> GetLastAsync(string topic, CancellationToken cancellationToken = default)
    {
        if (!_topics.TryGetValue(topic, out var kept))
        {
            return Task.FromResult<EventPosition?>(null);
        }

        lock (kept)
        {
            return Task.FromResult<EventPosition?>(new EventPosition(kept.Epoch, kept.Buffer.LastSequence));
        }
    }

    /// <summary>Loses one topic's history, as a restart of this silo would (for tests of what clients are told then).</summary>
    internal void Forget(string topic) => _topics.TryRemove(topic, out _);

    /// <summary>Forgets topics idle for longer than an event stays resumable; at most once per tenth of that age.</summary>
    private void SweepIfDue(DateTimeOffset now)
    {
        var due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, now.UtcTicks + _options.BufferMaxAge.Ticks / 10, due) != due)
        {
            return;
        }

        var cutoff = now - _options.BufferMaxAge;
        foreach (var (topic, kept) in _topics)
        {
            if (kept.LastUsed < cutoff)
            {
                _topics.TryRemove(new KeyValuePair<string, MemoryTopic>(topic, kept));
            }
        }
    }

    /// <summary>One topic's history; guarded by locking the instance.</summary>
    private sealed class MemoryTopic(TopicOptions options)
    {
        public string Epoch { get; } = EventPosition.NewEpoch();

        public RecentEventBuffer Buffer { get; } = new(options.BufferMaxEvents, options.BufferMaxAge, options.BufferMaxBytes);

        public IdempotencyKeys Keys { get; } = new(options.IdempotencyWindow, options.IdempotencyMaxKeys);

        public string Token { get; set; } = "";

        public DateTimeOffset LastUsed { get; private set; }

        public void Touch(DateTimeOffset now) => LastUsed = now;

        public TopicLogAppend Append(TopicLogEntry entry, DateTimeOffset now)
        {
            if (entry.IdempotencyKey is { } key && Keys.TryGet(key, now, out var earlier))
            {
                return new TopicLogAppend(earlier, Replayed: true);
            }

            var position = new EventPosition(Epoch, Buffer.LastSequence + 1);
            Buffer.Append(new TopicEvent(position, entry.Type, entry.Data, now));
            if (entry.IdempotencyKey is { } newKey)
            {
                Keys.Remember(newKey, position, now);
            }

            return new TopicLogAppend(position, Replayed: false);
        }
    }
}
