using Notify.Grains.Storage;

namespace Notify.Grains.Topics;

/// <summary>
/// Whether the cluster still counts this silo as a member, as its membership table says now (not as this silo last
/// read it).
/// </summary>
/// <remarks>
/// A silo that runs again after a long pause (a stalled VM, a debugger, SIGSTOP) keeps its old view of the cluster
/// until its next membership read, a fraction of a second. A topic grain it started meanwhile would take the topic's
/// lease from the activation the cluster started elsewhere and acknowledge publishes that the rest of the cluster never
/// sees: its subscribers' head checks ask the other activation. Read after the lease is taken, the table settles it:
/// the cluster writes a silo dead before it starts that silo's grains elsewhere, so an activation that took its lease
/// after such a one finds the silo dead, and one that took it before was fenced by the other's opening, which read
/// whatever it had stored.
/// </remarks>
public sealed class SiloMembership(IMembershipTable table, ILocalSiloDetails silo)
{
    /// <summary>Fails "retry" (<see cref="TopicLogUnavailableException"/>) when the cluster has declared this silo dead.</summary>
    public async Task ThrowIfDeclaredDeadAsync(string topic, CancellationToken cancellationToken = default)
    {
        MembershipTableData row;
        try
        {
            row = await table.ReadRowAsync(silo.SiloAddress, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Without the exception inside: this one travels between silos, which cannot serialize every store client's.
            throw new TopicLogUnavailableException($"Topic {topic}: the cluster's membership table cannot be read ({exception.GetType().Name}: {exception.Message}); retry.");
        }

        // A silo's row goes only after it was dead for a while (defunct-silo clean-up): missing is dead too.
        if (row.Members is not [var (entry, _), ..] || entry.Status == SiloStatus.Dead)
        {
            throw new TopicLogUnavailableException($"Topic {topic} cannot start on {silo.SiloAddress}: the cluster has declared this silo dead; retry.");
        }
    }
}
