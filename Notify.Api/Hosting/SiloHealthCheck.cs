using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;

namespace Notify.Api.Hosting;

/// <summary>Healthy while this process's silo is an active member of its cluster.</summary>
internal sealed class SiloHealthCheck(IClusterMembershipService membership, ILocalSiloDetails silo) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"Silo {silo.SiloAddress} is active.")
            : HealthCheckResult.Unhealthy($"Silo {silo.SiloAddress} is {status}."));
    }
}
