namespace Notify.Grains.Placement;

/// <summary>
/// The silos' names as the membership table has them (<c>Orleans:Name</c>, e.g. <c>silo-1</c>): the names the gateway
/// knows them by, which topic and queue ownership is hashed over.
/// </summary>
internal sealed class SiloNames(IClusterMembershipService membership)
{
    /// <summary>The name of <paramref name="silo"/>, or its address when it has none (or has left the table).</summary>
    public ReadOnlySpan<char> Of(SiloAddress silo) =>
        membership.CurrentSnapshot.Members.TryGetValue(silo, out var member) && !string.IsNullOrEmpty(member.Name)
            ? member.Name
            : silo.ToParsableString();
}
