using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Topics;

/// <summary>Limits of <c>POST /topics/{topic}</c> (section <c>Notify:Publish</c>).</summary>
public sealed class PublishOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Notify:Publish";

    /// <summary>Largest event body accepted; larger ones get <c>413</c>.</summary>
    [Range(1, 16 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How long a publish waits for the topic to store its event; past this it is answered <c>503</c> with
    /// <c>Retry-After</c> (a retry with the same <c>Idempotency-Key</c> stores it once). Bounds what a publisher waits
    /// when the topic's silo has just died or froze, until the topic starts again elsewhere.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether the answer to a publish (its event stored already) waits until this silo's subscribers to the topic have
    /// written the event to their connections: a publisher that waits for its answers then does not get ahead of them, as
    /// nchan's does not, and an event does not queue behind the ones before it. Clients that read slowly (a send
    /// pending) or lagged do not count; at most <see cref="MaxPacingDelay"/>. Off: answered once stored, and held back
    /// only while the writes are later than <see cref="PaceAbove"/>.
    /// </summary>
    public bool AnswerAfterLocalWrites { get; set; } = true;

    /// <summary>
    /// Publishing is paced above this (when <see cref="AnswerAfterLocalWrites"/> is off): while this silo writes the topic's events to its subscribers more than this long
    /// after they were published, the answer to a publish (its event already stored) is held back until the silo has
    /// caught up, so publishers slow to the rate subscribers are served instead of latency growing while queues fill.
    /// Zero turns pacing off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan PaceAbove { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The longest a publish's answer is held back for this silo's writes (<see cref="AnswerAfterLocalWrites"/>,
    /// <see cref="PaceAbove"/>); then it is answered anyway.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan MaxPacingDelay { get; set; } = TimeSpan.FromSeconds(1);
}
