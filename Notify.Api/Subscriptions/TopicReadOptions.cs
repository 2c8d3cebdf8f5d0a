using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Subscriptions;

/// <summary>How much one read of a topic grain fetches (section <c>Notify:Reads</c>): replays, repairs and the JSON list.</summary>
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
}
