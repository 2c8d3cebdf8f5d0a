using Microsoft.Extensions.Options;

namespace Notify.Grains.Topics;

/// <summary>
/// The topic grains active on this silo, at most <see cref="TopicOptions.MaxActivePerSilo"/>: each holds a buffer, so
/// a flood of publishes or reads to new topics must not grow a silo without bound.
/// </summary>
public sealed class TopicActivations(IOptions<TopicOptions> options) : Capacity(options.Value.MaxActivePerSilo);
