using Orleans.Runtime.Placement;

namespace Notify.Grains.Placement;

/// <summary>
/// Picks the silo for a new topic grain by the topic's owner (<see cref="TopicOwners"/>), over the silos' names as
/// the membership table has them: the names the gateway knows them by (<c>Orleans:Name</c>, e.g. <c>silo-1</c>).
/// </summary>
/// <remarks>
/// Only where a grain starts is chosen here; an activation stays where it is until it is collected or its silo
/// leaves. A silo that joins therefore takes new topics, and the topics it owns once their grains restart.
/// </remarks>
internal sealed class TopicOwnerPlacementDirector(IClusterMembershipService membership) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        var members = membership.CurrentSnapshot.Members;
        // A string key is its UTF-8 bytes, which is what the gateway hashes.
        var owner = TopicOwners.Pick(target.GrainIdentity.Key.AsSpan(), silos,
            silo => members.TryGetValue(silo, out var member) && !string.IsNullOrEmpty(member.Name) ? member.Name : silo.ToParsableString());
        return Task.FromResult(owner ?? context.LocalSilo);
    }
}
