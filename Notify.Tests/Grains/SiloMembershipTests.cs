using System.Net;
using Notify.Grains.Storage;
using Notify.Grains.Topics;
using Notify.Tests.Fixtures;

namespace Notify.Tests.Grains;

/// <summary>
/// Whether a silo may start a topic grain, as Orleans' own Redis membership table on a real Garnet server says: the
/// rows are written through that table, as a cluster writes them when it declares a silo dead.
/// </summary>
public sealed class SiloMembershipTests : IAsyncLifetime
{
    private static readonly SiloAddress ThisSilo = SiloAddress.New(IPAddress.Loopback, 11_111, 1);

    private GarnetServer _garnet = null!;
    private StoredMembershipTable _table = null!;
    private SiloMembership _membership = null!;

    public async Task InitializeAsync()
    {
        _garnet = await GarnetServer.StartNewAsync();
        _table = await StoredMembershipTable.OpenAsync(_garnet.ConnectionString, "notify", "membership-tests");
        _membership = new SiloMembership(_table.Table, new LocalSilo(ThisSilo));
    }

    public async Task DisposeAsync()
    {
        await _table.DisposeAsync();
        await _garnet.DisposeAsync();
    }

    [Fact]
    public async Task AnActiveSilo_StartsTopics()
    {
        await _table.InsertAsync(Row(SiloStatus.Active));

        await _membership.ThrowIfDeclaredDeadAsync("a-topic");
    }

    [Fact]
    public async Task ASiloTheClusterDeclaredDead_StartsNoTopic_AndItsCallersAreToldToRetry()
    {
        await _table.InsertAsync(Row(SiloStatus.Active));
        await _table.SetStatusAsync(ThisSilo, SiloStatus.Dead);

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
        await _table.InsertAsync(Row(SiloStatus.Active));
        await _garnet.KillAsync();

        var refused = await Assert.ThrowsAsync<TopicLogUnavailableException>(() => _membership.ThrowIfDeclaredDeadAsync("a-topic"));
        Assert.Contains("membership table cannot be read", refused.Message);
        Assert.Null(refused.InnerException); // it travels between silos
    }

    private static MembershipEntry Row(SiloStatus status) => new()
    {
        SiloAddress = ThisSilo,
        Status = status,
        HostName = "127.0.0.1",
        SiloName = "silo-under-test",
        StartTime = DateTime.UtcNow,
        IAmAliveTime = DateTime.UtcNow,
    };

    private sealed class LocalSilo(SiloAddress address) : ILocalSiloDetails
    {
        public string Name => "silo-under-test";

        public string ClusterId => "membership-tests";

        public string DnsHostName => "127.0.0.1";

        public SiloAddress SiloAddress => address;

        public SiloAddress GatewayAddress => address;
    }
}
