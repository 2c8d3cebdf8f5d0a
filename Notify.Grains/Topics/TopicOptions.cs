using System.ComponentModel.DataAnnotations;

namespace Notify.Grains.Topics;

/// <summary>Limits of every topic's recent-event buffer and idempotency window (section <c>Notify:Topics</c>).</summary>
public sealed class TopicOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Notify:Topics";

    /// <summary>The service key of the <see cref="TimeProvider"/> topics read the time from (the buffer's age, the idempotency window).</summary>
    public const string ClockKey = "Notify.Topics";

    /// <summary>Most events a topic keeps for resume. Older ones are dropped first.</summary>
    [Range(1, 1_000_000)]
    public int BufferMaxEvents { get; set; } = 1_000;

    /// <summary>How long an event stays resumable.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan BufferMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Most bytes of event data (and types) a topic keeps; the newest event is always kept.</summary>
    [Range(1, long.MaxValue)]
    public long BufferMaxBytes { get; set; } = 16L * 1024 * 1024;

    /// <summary>How long a publish's <c>Idempotency-Key</c> is remembered.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a publish waits for its event to be handed to the topic's stream. The event is stored
    /// before; past this the publish is answered anyway and silos read the event from the grain.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan StreamSendTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// With a durable store: how long a quiet topic's epoch and last position are kept. After that the topic
    /// starts a new epoch (its events have long expired anyway).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan HistoryRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Most idempotency keys a topic remembers; the oldest is forgotten first.</summary>
    [Range(1, 10_000_000)]
    public int IdempotencyMaxKeys { get; set; } = 100_000;

    /// <summary>
    /// Most topic grains active on one silo. Each holds up to <see cref="BufferMaxBytes"/> of events, so this bounds a
    /// silo's memory against a flood of new topics; past it a publish or read of one more topic is answered <c>503</c>.
    /// Idle topics are deactivated by Orleans' grain collection.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxActivePerSilo { get; set; } = 100_000;
}
