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
        // Among the active members, not Orleans' compatible silos: every Notify silo hosts topic grains, and the
        // compatible silos lag a silo that has just joined (or restarted) until each silo has fetched its grain types,
        // while the gateway routes to it once it is healthy. Meanwhile the topics it owns would start elsewhere and their
        // publishes hop through it, so a fault of that silo would stall topics whose grains are not on it.
        var members = membership.CurrentSnapshot.Members;
        SiloAddress[] active = [.. members.Values.Where(member => member.Status == SiloStatus.Active).Select(member => member.SiloAddress)];
        var silos = active.Length > 0 ? active : context.GetCompatibleSilos(target);
        // A string key is its UTF-8 bytes, which is what the gateway hashes.
        var owner = TopicOwners.Pick(target.GrainIdentity.Key.AsSpan(), silos,
            silo => members.TryGetValue(silo, out var member) && !string.IsNullOrEmpty(member.Name) ? member.Name : silo.ToParsableString());
        return Task.FromResult(owner ?? context.LocalSilo);
    }
}
