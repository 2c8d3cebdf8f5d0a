using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Notify.Tests.Fixtures;

/// <summary>
/// A cluster's membership table in its store, through Orleans' own Redis clustering provider (the silos' code), to
/// read rows and write them as the cluster does, against the table's version.
/// </summary>
public sealed class StoredMembershipTable : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private StoredMembershipTable(ServiceProvider services, IMembershipTable table)
    {
        _services = services;
        Table = table;
    }

    public IMembershipTable Table { get; }

    /// <summary>Opens the table of cluster <paramref name="clusterId"/> of service <paramref name="serviceId"/> in the store at <paramref name="store"/>.</summary>
    public static async Task<StoredMembershipTable> OpenAsync(string store, string serviceId, string clusterId)
    {
        var silo = new ServicesOnlySiloBuilder(new ServiceCollection(), new ConfigurationBuilder().Build());
        silo.UseRedisClustering(store);
        silo.Services.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, serviceId));
        var services = silo.Services.BuildServiceProvider();
        var table = services.GetRequiredService<IMembershipTable>();
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
        return new StoredMembershipTable(services, table);
    }

    /// <summary>The row of the silo named <paramref name="siloName"/> that has <paramref name="status"/> (a restarted silo leaves dead rows behind).</summary>
    public async Task<MembershipEntry> FindAsync(string siloName, SiloStatus status)
    {
        var table = await Table.ReadAllAsync(CancellationToken.None);
        return Assert.Single(table.Members, row => row.Item1.SiloName == siloName && row.Item1.Status == status).Item1;
    }

    /// <summary>The status <paramref name="silo"/>'s row has now; null when it has none.</summary>
    public async Task<SiloStatus?> StatusOfAsync(SiloAddress silo) =>
        (await Table.ReadAllAsync(CancellationToken.None)).TryGet(silo)?.Item1.Status;

    /// <summary>Adds <paramref name="entry"/>'s row, as a joining silo does: conditional on the table's version.</summary>
    public async Task InsertAsync(MembershipEntry entry)
    {
        var table = await Table.ReadAllAsync(CancellationToken.None);
        Assert.True(await Table.InsertRowAsync(entry, table.Version.Next(), CancellationToken.None), $"the row of {entry.SiloAddress} was not inserted");
    }

    /// <summary>
    /// Gives <paramref name="silo"/>'s row <paramref name="status"/>, as the cluster does when it declares a silo dead:
    /// conditional on the row's and the table's versions, read again when a silo wrote in between.
    /// </summary>
    public async Task SetStatusAsync(SiloAddress silo, SiloStatus status)
    {
        for (var attempt = 1; ; attempt++)
        {
            var table = await Table.ReadAllAsync(CancellationToken.None);
            var (entry, etag) = table.TryGet(silo) ?? throw new InvalidOperationException($"{silo} has no row");
            entry.Status = status;
            if (await Table.UpdateRowAsync(entry, etag, table.Version.Next(), CancellationToken.None))
            {
                return;
            }

            Assert.True(attempt < 10, $"the row of {silo} kept changing under 10 writes");
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();

    /// <summary>Just enough of a silo builder for Orleans' <c>UseRedisClustering</c> to register its table.</summary>
    private sealed class ServicesOnlySiloBuilder(IServiceCollection services, IConfiguration configuration) : ISiloBuilder
    {
        public IServiceCollection Services => services;

        public IConfiguration Configuration => configuration;
    }
}
