using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Presence;

/// <summary>How subscriber counts are kept (section <c>Notify:Subscribers</c>).</summary>
public sealed class SubscriberCountOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Notify:Subscribers";

    /// <summary>How often each silo writes the counts that changed: how stale a count may be.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan ReportInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often each silo writes all its counts again, in case the store lost them.</summary>
    [Range(typeof(TimeSpan), "00:00:05", "01:00:00")]
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMinutes(1);
}
