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
}
