using Notify.Grains.Streaming;
using Orleans.Runtime.Placement;

namespace Notify.Grains.Placement;

/// <summary>Picks the silo for a stream queue's grain: the queue's owner among the compatible silos.</summary>
/// <remarks>
/// A placement hint wins: the balancer of the silo that takes a queue over moves the queue's grains to itself with one
/// (<see cref="QueueOwnerBalancer"/>), and its view of the cluster may be newer than the one deciding here.
/// </remarks>
internal sealed class QueueOwnerPlacementDirector(StreamQueueOwners owners) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        var owner = IPlacementDirector.GetPlacementHint(target.RequestContextData, silos);
        if (owner is null
            && StreamQueueGrainIds.TryGetQueueNumber(target.GrainIdentity, NotifyProviderNames.Streams, out var queue)
            && queue < owners.QueueCount)
        {
            owner = owners.OwnerOfQueue(queue, silos);
        }

        return Task.FromResult(owner ?? context.LocalSilo);
    }
}
