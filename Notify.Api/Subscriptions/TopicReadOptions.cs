using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Subscriptions;

/// <summary>How much one read of a topic grain fetches, and how long it may take (section <c>Notify:Reads</c>): replays, repairs, head checks and the JSON list.</summary>
public sealed class TopicReadOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Notify:Reads";

    /// <summary>Most events fetched from the topic grain in one call.</summary>
    [Range(1, 10_000)]
    public int PageEvents { get; set; } = 500;

    /// <summary>About how many bytes of event data one call fetches (always at least one event).</summary>
    [Range(1024, 64L * 1024 * 1024)]
    public long PageBytes { get; set; } = 4L * 1024 * 1024;

    /// <summary>
    /// How long one read may wait for the topic grain. Reads only look at the grain's memory, so a slow answer means the
    /// grain's silo is dead or frozen: the read fails (as unavailable) instead of holding a subscriber or a silo's
    /// fan-out until the silo is declared dead.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(3);
}
