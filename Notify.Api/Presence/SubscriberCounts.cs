using Orleans.Runtime;

namespace Notify.Api.Presence;

/// <summary>
/// A topic's open SSE connections across the cluster: what each silo wrote, counting only silos the cluster holds
/// active, so a dead silo's connections stop counting once membership declares it dead (a few seconds).
/// </summary>
public sealed class SubscriberCounts(ISubscriberCountStore store, IClusterMembershipService membership)
{
    /// <summary>The topic's count per active silo.</summary>
    public async Task<IReadOnlyList<SiloSubscribers>> ReadAsync(string topic, CancellationToken cancellationToken)
    {
        var written = await store.ReadAsync(topic, cancellationToken);
        var members = membership.CurrentSnapshot.Members.Values.ToDictionary(m => m.SiloAddress.ToParsableString(), StringComparer.Ordinal);
        var counted = new List<SiloSubscribers>();
        var gone = new List<string>();
        foreach (var (silo, count) in written)
        {
            if (members.TryGetValue(silo, out var member) && member.Status == SiloStatus.Active)
            {
                counted.Add(new SiloSubscribers(silo, member.Name, count));
            }
            else if (member is { Status: SiloStatus.Dead })
            {
                gone.Add(silo); // a dead silo never writes again: its entry is dropped (one not known yet is left alone)
            }
        }

        if (gone.Count > 0)
        {
            await store.ForgetAsync(topic, gone, cancellationToken);
        }

        return [.. counted.OrderBy(s => s.Name, StringComparer.Ordinal)];
    }
}

/// <summary>One silo's connections on a topic.</summary>
/// <param name="Silo">The silo's Orleans address.</param>
/// <param name="Name">The silo's name.</param>
/// <param name="Connections">Open SSE connections on the topic there.</param>
public sealed record SiloSubscribers(string Silo, string Name, int Connections);
