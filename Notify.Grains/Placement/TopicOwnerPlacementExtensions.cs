using Orleans.Hosting;

namespace Notify.Grains.Placement;

public static class TopicOwnerPlacementExtensions
{
    /// <summary>Lets grains marked <see cref="TopicOwnerPlacementAttribute"/> start on their topic's owner.</summary>
    public static ISiloBuilder AddTopicOwnerPlacement(this ISiloBuilder silo) =>
        silo.AddPlacementDirector<TopicOwnerPlacement, TopicOwnerPlacementDirector>();
}
