using System.ComponentModel.DataAnnotations;

namespace Notify.Api.Topics;

/// <summary>What a client is told when the cluster cannot serve its request now (section <c>Notify:Unavailable</c>).</summary>
public sealed class UnavailableOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Notify:Unavailable";

    /// <summary>Seconds a client is told to wait (<c>Retry-After</c>) before retrying a publish or a read answered <c>503</c>.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;
}
