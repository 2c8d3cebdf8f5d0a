using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Notify.Grains.Storage;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;
using Orleans.Configuration;

namespace Notify.Tests.Grains;

/// <summary>
/// Whether a silo may start a topic grain, as Orleans' own Redis membership table on a real Garnet server says: the
/// rows are written through that table, as a cluster writes them when it declares a silo dead.
/// </summary>
public sealed class SiloMembershipTests : IAsyncLifetime
{
    private static readonly SiloAddress ThisSilo = SiloAddress.New(IPAddress.Loopback, 11_111, 1);

    private GarnetServer _garnet = null!;
    private ServiceProvider _services = null!;
    private IMembershipTable _table = null!;
    private SiloMembership _membership = null!;

    public async Task InitializeAsync()
    {
        _garnet = await GarnetServer.StartNewAsync();
        var silo = new RedisClusteredSilo(new ServiceCollection(), new ConfigurationBuilder().Build());
        silo.UseRedisClustering(_garnet.ConnectionString);
        silo.Services.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = ("membership-tests", "notify"));
        _services = silo.Services.BuildServiceProvider();
        _table = _services.GetRequiredService<IMembershipTable>();
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true, CancellationToken.None);
        _membership = new SiloMembership(_table, new LocalSilo(ThisSilo));
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _garnet.DisposeAsync();
    }

    [Fact]
    public async Task AnActiveSilo_StartsTopics()
    {
        await WriteRowAsync(SiloStatus.Active);

        await _membership.ThrowIfDeclaredDeadAsync("a-topic");
    }

    [Fact]
    public async Task ASiloTheClusterDeclaredDead_StartsNoTopic_AndItsCallersAreToldToRetry()
    {
        await WriteRowAsync(SiloStatus.Active);
        await WriteRowAsync(SiloStatus.Dead);

        var refused = await Assert.ThrowsAsync<TopicLogUnavailableException>(() => _membership.ThrowIfDeclaredDeadAsync("a-topic"));
        Assert.Contains("declared this silo dead", refused.Message);
    }

    [Fact]
    public async Task ASiloWhoseRowIsGone_StartsNoTopic()
    {
        var refused = await Assert.ThrowsAsync<TopicLogUnavailableException>(() => _membership.ThrowIfDeclaredDeadAsync("a-topic"));
        Assert.Contains("declared this silo dead", refused.Message);
    }

    [Fact]
    public async Task WhenTheTableCannotBeRead_TheCallersAreToldToRetry_WithoutTheStoreClientsException()
    {
        await WriteRowAsync(SiloStatus.Active);
        await _garnet.KillAsync();

        var refused = await Assert.ThrowsAsync<TopicLogUnavailableException>(() => _membership.ThrowIfDeclaredDeadAsync("a-topic"));
        Assert.Contains("membership table cannot be read", refused.Message);
        Assert.Null(refused.InnerException); // it travels between silos
    }

    /// <summary>Inserts this silo's row, or moves it to <paramref name="status"/>, as the membership protocol does: against the table's version.</summary>
    private async Task WriteRowAsync(SiloStatus status)
    {
        var table = await _table.ReadAllAsync(CancellationToken.None);
        var now = DateTime.UtcNow;
        var entry = new MembershipEntry
        {
            SiloAddress = ThisSilo,
            Status = status,
            HostName = "127.0.0.1",
            SiloName = "silo-under-test",
            StartTime = now,
            IAmAliveTime = now,
        };
        var written = table.TryGet(ThisSilo) is { } row
            ? await _table.UpdateRowAsync(entry, row.Item2, table.Version.Next(), CancellationToken.None)
            : await _table.InsertRowAsync(entry, table.Version.Next(), CancellationToken.None);
        Assert.True(written);
    }

    /// <summary>Just enough of a silo builder for Orleans' own <c>UseRedisClustering</c> to register its table.</summary>
    private sealed class RedisClusteredSilo(IServiceCollection services, IConfiguration configuration) : ISiloBuilder
    {
        public IServiceCollection Services => services;

        public IConfiguration Configuration => configuration;
    }

    private sealed class LocalSilo(SiloAddress address) : ILocalSiloDetails
    {
        public string Name => "silo-under-test";

        public string ClusterId => "membership-tests";

        public string DnsHostName => "127.0.0.1";

        public SiloAddress SiloAddress => address;

        public SiloAddress GatewayAddress => address;
    }
}
