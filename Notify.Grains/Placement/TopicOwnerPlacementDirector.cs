using Orleans.Runtime.Placement;

namespace Notify.Grains.Placement;

/// <summary>
/// Picks the silo for a new topic grain: the topic's owner (<see cref="TopicOwners"/>), the silo that reads its stream
/// queue and that the gateway sends its publishes to.
/// </summary>
/// <remarks>
/// Only where a grain starts is chosen here; an activation stays where it is until it is collected or its silo
/// leaves. A silo that joins therefore takes new topics, and the topics it owns once their grains restart.
/// </remarks>
internal sealed class TopicOwnerPlacementDirector(StreamQueueOwners owners) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        // A string key is its UTF-8 bytes, which is what the gateway hashes.
        var owner = IPlacementDirector.GetPlacementHint(target.RequestContextData, silos)
            ?? owners.OwnerOfTopic(target.GrainIdentity.Key.AsSpan(), silos);
        return Task.FromResult(owner ?? context.LocalSilo);
    }
}
